import { AcknowledgementError } from './acknowledgementErrors';
import { AcknowledgementStore } from './acknowledgementStore';
import { Campaign, PolicyVersion } from './acknowledgementTypes';
import { listAudience } from './campaignAudience';
import { assertChoices } from './campaignChoices';
import { CampaignRounds, ROUND_SKIPPED, versionSubject } from './campaignRounds';
import { countReach, ReachCounts } from './campaignReach';
import { ChangesSince, changesBetween } from './changesSince';
import { countExcused } from './carriedExcusals';
import { checkDueDate, dueDateWarning } from './campaignDates';
import { CampaignRules, PolicyOwners, PolicyTexts } from './campaignPorts';
import { OwnerCardRef, OwnerJob } from './ownerJobs';

/** What a later round is about: the round it replaces, the version it asks about, what changed between them. */
export interface NextRoundFacts {
  /** The round running now, which the new one replaces. */
  previous: Campaign;
  previousVersion: PolicyVersion;
  /** The version staff will be asked to acknowledge. */
  version: PolicyVersion;
  /** What changed since the running round's version; undefined when it is not known (a file deployed by IT). */
  changes?: ChangesSince;
  /** The key points the running round's card carried (the owner's choice, else its version's own). */
  previousPoints: string[];
  /** People excused in the running round (on leave): they stay excused in the new one (carriedExcusals.ts). */
  excused: number;
}

/** What the owner's preview of a later round shows before anything is sent. */
export interface NextRoundPreview extends ReachCounts, NextRoundFacts {
  dueDate: string;
  dueWarning?: string;
}

/** What the later rounds' use cases need. */
export interface NextRoundsDeps {
  store: AcknowledgementStore;
  owners: PolicyOwners;
  rules: CampaignRules;
  now: () => Date;
  rounds: CampaignRounds;
  canInstall: boolean;
  assertOwner(owners: PolicyOwners, actorId: string | undefined): void;
  sayDate?: (isoDate: string) => string;
  /** The versions' texts: what changed across versions published in between is worked out from the two asked about. */
  texts?: Pick<PolicyTexts, 'version'>;
}

/**
 * A new version's round, as the owner runs it: publishing a version makes it live and prepares the round; the owner
 * sees it as a preview (what changed, the round before's points carried where they still stand, the changed rules'
 * points first, the due date), edits it and starts it; or chooses not to ask staff again for a change that does not
 * need it (a typo), which is recorded. Nothing reaches staff until Start.
 */
export function createNextRounds(deps: NextRoundsDeps) {
  const { store, rules, rounds } = deps;

  /** The running campaign and the version its next round would ask about; a clear refusal when there is none. */
  async function pending(actorId: string, campaignId: string): Promise<{ campaign: Campaign; version: PolicyVersion }> {
    deps.assertOwner(deps.owners, actorId);
    const campaign = await store.getCampaign(campaignId);
    if (!campaign) throw new AcknowledgementError('NO_CAMPAIGN', 'That campaign no longer exists. Type "campaign status" to see what is running.');
    if (campaign.status !== 'active') {
      throw new AcknowledgementError('NO_CAMPAIGN', 'That round has already ended (a later round replaced it). Type "campaign status" to see the one running now.');
    }
    const newer = await rounds.newerVersion(campaign);
    if (!newer) throw new AcknowledgementError('BAD_COMMAND', 'Staff are already asked about the live version. Type "campaign status" to see how it is going.');
    return { campaign, version: newer.version };
  }

  /** Refuses a preview made for a version that has since been replaced by another. */
  function assertSameVersion(version: PolicyVersion, versionHash: string | undefined): void {
    if (versionHash !== undefined && versionHash !== version.versionHash) {
      throw new AcknowledgementError('BAD_COMMAND', 'A newer version was published after this preview was made. Type "campaign start" to see the preview for it.');
    }
  }

  /** The running round, its version and the newer one, what changed between them and the points it carried. */
  async function facts(input: { actorId: string; campaignId: string; versionHash?: string }): Promise<NextRoundFacts> {
    const { campaign, version } = await pending(input.actorId, input.campaignId);
    assertSameVersion(version, input.versionHash);
    const previousVersion = await store.getPolicyVersion(campaign.policyId, campaign.versionHash);
    if (!previousVersion) throw new AcknowledgementError('UNKNOWN_VERSION', 'The version the running round asks about is missing.');
    const reads = { getPolicyVersion: store.getPolicyVersion.bind(store), ...(deps.texts ? { texts: deps.texts } : {}) };
    const changes = await changesBetween(reads, campaign.versionHash, version);
    return {
      previous: campaign, previousVersion, version, ...(changes ? { changes } : {}), previousPoints: campaign.keyPoints ?? previousVersion.keyPoints,
      excused: await countExcused(store, campaign.id),
    };
  }

  return {
    /**
     * What a preview being edited needs of the next round (no counting of who it reaches: that travels with the card);
     * refused when the version it was made for has been replaced; owners only.
     */
    nextRoundFacts: facts,

    /** What the next round of a running campaign would be, for a newer version than it asks about; owners only. */
    async previewNextRound(input: { actorId: string; campaignId: string }): Promise<NextRoundPreview> {
      const known = await facts(input);
      const reach = await countReach(store, known.version, await listAudience(store, known.previous.audience), deps.canInstall);
      const dueDate = checkDueDate(undefined, deps.now(), rules.defaultDueDays, rules.calendar);
      const dueWarning = rules.calendar ? dueDateWarning(dueDate, deps.now(), rules.calendar, deps.sayDate ?? ((d) => d)) : undefined;
      return { ...reach, ...known, dueDate, ...(dueWarning ? { dueWarning } : {}) };
    },

    /**
     * Starts the next round with the owner's key points and due date, closing the running one; owners only. A second
     * press (or another owner's) finds the round already open and changes nothing.
     */
    async startNextRound(input: {
      actorId: string; campaignId: string; versionHash?: string; keyPoints: string[]; dueDate?: string; expected?: number; card?: OwnerCardRef;
    }): Promise<{ campaign: Campaign; recipients: number; created: boolean; job?: OwnerJob; excused?: number }> {
      const keyPoints = assertChoices({ dueDate: input.dueDate, keyPoints: input.keyPoints }, deps.now(), rules.defaultDueDays, rules.calendar);
      deps.assertOwner(deps.owners, input.actorId);
      const running = await store.getCampaign(input.campaignId);
      if (running && running.status !== 'active') {
        const opened = await store.getCampaign(`${running.seriesId}-r${running.round + 1}`);
        if (opened) return { campaign: opened, recipients: 0, created: false };
      }
      const { campaign, version } = await pending(input.actorId, input.campaignId);
      assertSameVersion(version, input.versionHash);
      return rounds.nextRound(campaign, input.actorId, version, {
        keyPoints, dueDate: checkDueDate(input.dueDate, deps.now(), rules.defaultDueDays, rules.calendar),
        ...(input.expected !== undefined ? { expected: input.expected } : {}), ...(input.card ? { card: input.card } : {}),
      });
    },

    /**
     * The owner's choice not to ask staff again for this version (a change that does not need it): recorded, and the
     * running round goes on as it was; owners only.
     */
    async skipNextRound(input: { actorId: string; campaignId: string; versionHash?: string }): Promise<{ campaign: Campaign; version: PolicyVersion }> {
      const { campaign, version } = await pending(input.actorId, input.campaignId);
      assertSameVersion(version, input.versionHash);
      const at = deps.now().toISOString();
      const details = { campaignId: campaign.id, round: campaign.round, versionHash: version.versionHash, fromVersionHash: campaign.versionHash };
      // Under the version's own subject (what later checks read) and the campaign's (its trail).
      await store.appendAudit({ at, actor: input.actorId, action: ROUND_SKIPPED, subject: versionSubject(campaign.id, version.versionHash), details });
      await store.appendAudit({ at, actor: input.actorId, action: ROUND_SKIPPED, subject: campaign.id, details });
      return { campaign, version };
    },
  };
}

/** The later rounds' use cases. */
export type NextRounds = ReturnType<typeof createNextRounds>;
