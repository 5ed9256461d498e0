import { createHash } from 'node:crypto';
import { AcknowledgementError } from './acknowledgementErrors';
import { AcknowledgementStore } from './acknowledgementStore';
import {
  Campaign, CampaignAudience, PolicyVersion, StoredConversationReference, UNREACHED_DELIVERY_STATES,
} from './acknowledgementTypes';
import { describeAudience, isInAudience, listAudience, STAFF_PAGE } from './campaignAudience';
import { createLeaverSweep } from './campaignMembership';
import { CampaignMessenger, CampaignRules, PolicyOwners, PolicyTexts } from './campaignPorts';
import { RegisteredVersion } from './policyVersions';
import { checkDueDate, dueDateWarning, isoDate } from './campaignDates';
import { assertChoices } from './campaignChoices';
import { PeopleList, PeoplePage } from './acknowledgementStore';
import { CampaignStatus, summariseTallies } from './campaignProgress';
import { OwnerCardRef, OwnerJob, OwnerJobQueue } from './ownerJobs';
import { yieldToEventLoop } from './eventLoop';
import { remindInCommand } from './campaignReminders';
import { CampaignPreview, RemindResult, ScheduledWorkResult, StartCheck } from './campaignServiceTypes';
import { createCampaignRounds } from './campaignRounds';
import { createCampaignExports } from './campaignExports';
import { countReach } from './campaignReach';
import { createNextRounds } from './nextRounds';

/** What an owner is told when a campaign is asked for before the school's policy has been added. */
export const NO_POLICY_TO_ACKNOWLEDGE = 'There is no policy for staff to acknowledge yet: add the policy first. Send the school\'s policy '
  + '(.docx, .pdf, .txt or .md) to me here, check what I read and press Publish; then type **campaign start** again.';

/** What the campaign use cases need. */
export interface CampaignServiceDeps {
  store: AcknowledgementStore;
  clock: () => Date;
  rules: CampaignRules;
  owners: PolicyOwners;
  /**
   * The policy campaigns are about when the owner names none (the primary policy's id); a function where the policy may
   * arrive while the bot runs (its first version sent in chat), undefined until it has.
   */
  primaryPolicyId: string | (() => string | undefined);
  messenger?: CampaignMessenger;
  /** True when the app can be installed for people through Graph (production); local mode reaches only open chats. */
  canInstall?: boolean;
  /**
   * Background jobs: with them a campaign's recipients are added by a job, in slices, after it is created (so starting
   * 50,000 never holds up the bot), and owners start reminder passes and exports as jobs. Without them (the command
   * line, most tests) the same work runs inside the call.
   */
  jobs?: OwnerJobQueue;
  /** How a date reads in a warning ("18 December 2026"); ISO by default. */
  sayDate?: (isoDate: string) => string;
  /** The policies' texts, for what changed across several versions (nextRounds.ts). */
  texts?: Pick<PolicyTexts, 'version'>;
}

export type { CampaignStatus, GroupStatus, RoundSummary } from './campaignProgress';
export type { CampaignPreview, RemindResult, WrittenExport, CampaignExport, ScheduledWorkResult, StartCheck } from './campaignServiceTypes';
export type { NextRoundFacts, NextRoundPreview } from './nextRounds';

/** Refuses anyone who is not a configured policy owner. */
export function assertPolicyOwner(owners: PolicyOwners, userId: string | undefined): void {
  if (!userId || !owners.includes(userId)) {
    throw new AcknowledgementError('NOT_POLICY_OWNER', 'Only the policy owners (headteacher, HR, SLT) can run campaign commands.');
  }
}

/** The most people one staff sync puts into running campaigns at once; more are left to the scheduler's paged pass. */
const JOINERS_AT_ONCE = 1_000;

/** Creates the campaign use cases: start, status, remind, export, the yearly repeat and late joiners. */
export function createCampaignService(deps: CampaignServiceDeps) {
  const { store, rules } = deps;
  const now = () => deps.clock();
  const sweepLeavers = createLeaverSweep(store);

  async function requireCampaign(campaignId?: string): Promise<Campaign> {
    if (campaignId) {
      const found = await store.getCampaign(campaignId);
      if (!found) throw new AcknowledgementError('NO_CAMPAIGN', `There is no campaign "${campaignId}".`);
      return found;
    }
    const [newest] = await store.listCampaigns('active');
    if (!newest) throw new AcknowledgementError('NO_CAMPAIGN', 'No campaign is running. Start one with "campaign start".');
    return newest;
  }

  async function requireVersion(c: Campaign): Promise<PolicyVersion> {
    const v = await store.getPolicyVersion(c.policyId, c.versionHash);
    if (!v) throw new AcknowledgementError('UNKNOWN_VERSION', `The policy version of campaign ${c.id} is missing.`);
    return v;
  }

  const audienceOf = (audience: CampaignAudience) => listAudience(store, audience);

  /** The newest version of the policy named, else of the primary policy; a clear refusal while there is none. */
  async function latestVersionOf(named?: string): Promise<PolicyVersion> {
    const policyId = named ?? (typeof deps.primaryPolicyId === 'function' ? deps.primaryPolicyId() : deps.primaryPolicyId);
    if (policyId === undefined) throw new AcknowledgementError('NO_POLICY', NO_POLICY_TO_ACKNOWLEDGE);
    const version = await store.getLatestPolicyVersion(policyId);
    if (!version) throw new AcknowledgementError('UNKNOWN_POLICY', `The policy "${policyId}" has not been loaded yet.`);
    return version;
  }

  /** The checks starting and its preview share: an owner, a loaded policy, a good due date, someone in the audience. */
  async function prepareStart(input: { actorId: string; audience: CampaignAudience; dueDate?: string; policyId?: string }) {
    assertPolicyOwner(deps.owners, input.actorId);
    const version = await latestVersionOf(input.policyId);
    const dueDate = checkDueDate(input.dueDate, now(), rules.defaultDueDays, rules.calendar);
    const members = await audienceOf(input.audience);
    if (members.length === 0) {
      const known = [...new Set((await store.listStaff()).map((m) => (input.audience.kind === 'school' ? m.school : m.department)).filter(Boolean))];
      throw new AcknowledgementError('EMPTY_AUDIENCE', `Nobody active matches ${describeAudience(input.audience)}.` +
        (known.length ? ` Known: ${known.slice(0, 20).join(', ')}.` : ' The staff directory is empty: has it been synchronised?'));
    }
    return { version, dueDate, members };
  }

  const rounds = createCampaignRounds({ store, now, rules, ...(deps.messenger ? { messenger: deps.messenger } : {}), ...(deps.jobs ? { jobs: deps.jobs } : {}) });
  const csvExports = createCampaignExports({
    store, rules, now,
    async campaignFor(input) {
      assertPolicyOwner(deps.owners, input.actorId);
      const campaign = await requireCampaign(input.campaignId);
      return { campaign, version: await requireVersion(campaign) };
    },
  });
  const later = createNextRounds({
    store, owners: deps.owners, rules, now, rounds, canInstall: deps.canInstall === true, assertOwner: assertPolicyOwner,
    ...(deps.sayDate ? { sayDate: deps.sayDate } : {}), ...(deps.texts ? { texts: deps.texts } : {}),
  });

  /** Whether a running campaign already reaches everyone `audience` names (all staff, or the same groups). */
  const covers = (running: CampaignAudience, asked: CampaignAudience): boolean =>
    running.kind === 'all' || describeAudience(running).toLowerCase() === describeAudience(asked).toLowerCase();

  return {
    /** What starting would do (audience, who can be reached now and why not), without sending anything; owners only. */
    async previewCampaign(input: { actorId: string; audience: CampaignAudience; dueDate?: string; policyId?: string }): Promise<CampaignPreview> {
      const { version, dueDate, members } = await prepareStart(input);
      const dueWarning = rules.calendar ? dueDateWarning(dueDate, now(), rules.calendar, deps.sayDate ?? ((d) => d)) : undefined;
      // A narrower campaign already running (a department's, a school's) whose people this one reaches too: each would send
      // them a card and count them (found by an outside walk-through). Said before Start; Start itself refuses only a campaign
      // already reaching everyone this one would.
      const overlapping = (await store.listCampaigns('active')).filter((c) => c.policyId === version.policyId && !covers(c.audience, input.audience)
        && (input.audience.kind === 'all' || c.audience.kind !== input.audience.kind));
      const overlapWarning = overlapping.length === 0 ? undefined
        : `${overlapping.length === 1 ? 'A campaign' : `${overlapping.length} campaigns`} of this policy already running reach${overlapping.length === 1 ? 'es' : ''} some of these people `
          + `(${overlapping.map((c) => describeAudience(c.audience)).join('; ')}): they would get a card from each and count in each. `
          + 'To ask each person once, start this one for the other departments or schools only.';
      return {
        version, audience: input.audience, dueDate, ...(dueWarning ? { dueWarning } : {}), ...(overlapWarning ? { overlapWarning } : {}),
        ...(await countReach(store, version, members, deps.canInstall === true)),
      };
    },

    /**
     * Starts a campaign for an audience, due on a date (YYYY-MM-DD); owners only. With background jobs the recipients
     * are added by a job (shown on `card`, when given) and `recipients` is the audience counted now.
     */
    async startCampaign(input: {
      actorId: string; audience: CampaignAudience; dueDate?: string; policyId?: string; card?: OwnerCardRef; keyPoints?: string[];
    }) {
      const keyPoints = input.keyPoints ? assertChoices({ dueDate: input.dueDate, keyPoints: input.keyPoints }, now(), rules.defaultDueDays, rules.calendar) : undefined;
      const { version, dueDate, members } = await prepareStart(input);
      // Asked again at Start, not only at "campaign start": a second owner's preview, opened before the first pressed
      // Start, would otherwise send everyone a second card (found by an outside walk-through).
      const campaigns = (await store.listCampaigns()).filter((c) => c.policyId === version.policyId);
      const running = campaigns.find((c) => c.status === 'active' && covers(c.audience, input.audience));
      if (running) {
        throw new AcknowledgementError('CAMPAIGN_RUNNING', `A campaign for ${describeAudience(running.audience)} is already running (started ${deps.sayDate?.(running.startedAt.slice(0, 10)) ?? running.startedAt.slice(0, 10)}): `
          + 'nothing was sent again. Type "campaign status" to see it.');
      }
      // Two Starts at the same moment (two owners, two instances) make the same id, so the store opens it once: the id
      // follows from the policy, the audience and the campaigns of them there were before.
      const before = campaigns.filter((c) => covers(c.audience, input.audience) && covers(input.audience, c.audience)).map((c) => c.id).sort().join(',');
      const id = `ack-${isoDate(now()).replace(/-/g, '')}-${createHash('sha256').update(`${version.policyId}\n${describeAudience(input.audience).toLowerCase()}\n${before}`).digest('hex').slice(0, 6)}`;
      return rounds.openRound({
        version, audience: input.audience, dueDate, actor: input.actorId, id, round: 1, expected: members.length,
        ...(input.card ? { card: input.card } : {}), ...(keyPoints ? { keyPoints } : {}),
      });
    },

    /**
     * What `campaign start` meets for an audience: a campaign of the policy already reaching it (running as it is, or with
     * a newer version whose round awaits the owner), or nothing; owners only. A second start never opens a second campaign
     * for the same people unnoticed.
     */
    async startCheck(input: { actorId: string; audience: CampaignAudience; policyId?: string }): Promise<StartCheck> {
      assertPolicyOwner(deps.owners, input.actorId);
      const latest = await latestVersionOf(input.policyId);
      const running = (await store.listCampaigns('active')).find((c) => c.policyId === latest.policyId && covers(c.audience, input.audience));
      if (!running) return { kind: 'new' };
      const newer = await rounds.newerVersion(running);
      if (newer && !newer.skippedAt) return { kind: 'nextRound', campaign: running, version: newer.version };
      return {
        kind: 'running', campaign: running, version: await requireVersion(running),
        ...(newer?.skippedAt ? { skipped: { version: newer.version, at: newer.skippedAt } } : {}),
      };
    },

    /** What the next round of a running campaign would be, for the newer version it does not ask about yet; owners only. */
    previewNextRound: later.previewNextRound,

    /** What an edited next-round preview needs again (without counting who it reaches); owners only. */
    nextRoundFacts: later.nextRoundFacts,

    /** Starts that next round with the owner's choices, closing the running one; owners only. */
    startNextRound: later.startNextRound,

    /** Records the owner's choice not to ask staff again for the newer version; owners only. */
    skipNextRound: later.skipNextRound,

    /** The version a campaign would ask staff to acknowledge now; owners only. */
    async versionToStart(input: { actorId: string; policyId?: string }): Promise<PolicyVersion> {
      assertPolicyOwner(deps.owners, input.actorId);
      return latestVersionOf(input.policyId);
    },

    /** A due date as the preview shows it: checked (an AcknowledgementError says why not), with a warning when staff will not be in school. */
    dueDateFor(raw?: string): { dueDate: string; dueWarning?: string } {
      const dueDate = checkDueDate(raw, now(), rules.defaultDueDays, rules.calendar);
      const dueWarning = rules.calendar ? dueDateWarning(dueDate, now(), rules.calendar, deps.sayDate ?? ((d) => d)) : undefined;
      return { dueDate, ...(dueWarning ? { dueWarning } : {}) };
    },

    /** A page of the campaign's people (outstanding, not reached, excused), by department and name; owners only. */
    async campaignPeople(input: {
      actorId: string; campaignId?: string; list: PeopleList; department?: string; name?: string; offset?: number; limit?: number;
    }): Promise<PeoplePage & { campaign: Campaign }> {
      assertPolicyOwner(deps.owners, input.actorId);
      const campaign = await requireCampaign(input.campaignId);
      const page = await store.listCampaignPeople(campaign.id, {
        list: input.list, offset: Math.max(0, input.offset ?? 0), limit: input.limit ?? 20,
        ...(input.department !== undefined ? { department: input.department } : {}), ...(input.name ? { name: input.name.slice(0, 100) } : {}),
      });
      return { ...page, campaign };
    },

    /** The campaign an owner command is about (the newest active one by default); owners only. */
    async ownerCampaign(input: { actorId: string; campaignId?: string }): Promise<Campaign> {
      assertPolicyOwner(deps.owners, input.actorId);
      return requireCampaign(input.campaignId);
    },

    /** The campaign an owner command is about and its version (what its name is made of); owners only. */
    async ownerCampaignVersion(input: { actorId: string; campaignId?: string }): Promise<{ campaign: Campaign; version: PolicyVersion }> {
      assertPolicyOwner(deps.owners, input.actorId);
      const campaign = await requireCampaign(input.campaignId);
      return { campaign, version: await requireVersion(campaign) };
    },

    /**
     * Starts a reminder pass or an export as a background job shown on the owner's card; owners only. Fails with
     * NO_JOBS where this service runs without background jobs.
     */
    async startOwnerJob(input: { kind: 'remind' | 'export'; actorId: string; campaignId?: string; card?: OwnerCardRef; name?: string }): Promise<OwnerJob> {
      assertPolicyOwner(deps.owners, input.actorId);
      const campaign = await requireCampaign(input.campaignId);
      if (!deps.jobs) throw new AcknowledgementError('BAD_COMMAND', 'Background jobs are not available here.');
      return deps.jobs.enqueue({
        kind: input.kind, campaignId: campaign.id, actorId: input.actorId, ...(input.card ? { card: input.card } : {}),
        // The campaign as the owner reads it, shown on the job's card (no personal data: a policy, an audience, a date).
        ...(input.name ? { data: { name: input.name.slice(0, 300) } } : {}),
      });
    },

    /** Counts and percentages of a campaign (the newest active one by default); owners only. */
    async campaignStatus(input: { actorId: string; campaignId?: string }): Promise<CampaignStatus> {
      assertPolicyOwner(deps.owners, input.actorId);
      const campaign = await requireCampaign(input.campaignId);
      const version = await requireVersion(campaign);
      const [tallies, others, newer] = await Promise.all([
        store.tallyDeliveries(campaign.id), rounds.otherRounds(campaign), campaign.status === 'active' ? rounds.newerVersion(campaign) : undefined,
      ]);
      return { ...summariseTallies(campaign, version, tallies), rounds: others, ...(newer ? { newerVersion: newer } : {}) };
    },

    /** Reminds those who have the card but have not acknowledged, at most once per interval each; owners only. */
    async remindOutstanding(input: { actorId: string; campaignId?: string }): Promise<RemindResult> {
      assertPolicyOwner(deps.owners, input.actorId);
      const campaign = await requireCampaign(input.campaignId);
      return remindInCommand({ store, rules, canInstall: deps.canInstall === true, ...(deps.messenger ? { messenger: deps.messenger } : {}) }, campaign, input.actorId, now().toISOString());
    },

    /**
     * Writes the CSV an inspector reads to a sink, page by page, yielding to the event loop between pages so owners
     * and staff are answered while 50,000 rows are written: everyone in the campaign, with their acknowledgement if
     * any, each row naming its version and round; owners only.
     */
    writeExport: csvExports.writeExport,

    /** The whole export as one string (the command line, tests); the bot writes it to a file with writeExport. */
    exportCampaign: csvExports.exportCampaign,

    /**
     * The periodic work (run it every few minutes on every instance; it is idempotent): starts next year's
     * round when due, and adds people who joined the audience since.
     */
    async runScheduledWork(): Promise<ScheduledWorkResult> {
      const result: ScheduledWorkResult = { roundsStarted: [], joinersAdded: 0, acknowledgementsSettled: 0, leaversMarked: 0 };
      const at = now().toISOString();
      for (const c of await store.listCampaigns('active')) {
        result.acknowledgementsSettled += await store.settleAcknowledgements(c.id);
        if (c.nextRoundAt && c.nextRoundAt <= at) {
          const version = (await store.getLatestPolicyVersion(c.policyId)) ?? (await requireVersion(c));
          result.roundsStarted.push((await rounds.nextRound(c, 'schedule', version)).campaign.id);
        }
      }
      // Joiners: the staff list a page at a time, added to every active campaign they belong to (adding is idempotent),
      // with a yield between pages, so this check costs the bot no pause at 50,000 staff. A round opened just now is
      // being filled by its own job. Leavers a sync did not take out of a campaign are taken out on the same pages.
      const campaigns = (await store.listCampaigns('active')).filter((c) => !(deps.jobs && result.roundsStarted.includes(c.id)));
      const added = new Map<string, number>();
      for (let after = ''; campaigns.length > 0;) {
        const page = await store.listStaffPage(after, STAFF_PAGE);
        for (const c of campaigns) {
          const members = page.filter((m) => isInAudience(m, c.audience));
          if (members.length > 0) added.set(c.id, (added.get(c.id) ?? 0) + await store.addDeliveries(c.id, members, at));
          result.leaversMarked += await sweepLeavers(c, page, at);
        }
        if (page.length < STAFF_PAGE) break;
        after = page[page.length - 1].userId;
        await yieldToEventLoop();
      }
      for (const [campaignId, count] of added) {
        if (count === 0) continue;
        result.joinersAdded += count;
        await store.appendAudit({ at, actor: 'system', action: 'campaign.joinersAdded', subject: campaignId, details: { added: count } });
        deps.messenger?.deliver(campaignId);
      }
      return result;
    },

    /**
     * People a staff sync has just added (or brought back active), put into every active campaign whose audience they are
     * in and sent the card, at the sync rather than at the scheduler's next pass (up to ACK_SCHEDULE_MINUTES later), as
     * leavers leave at the sync. Idempotent, as the scheduler's pass is. A sync that adds more than JOINERS_AT_ONCE (a
     * first sync of a whole directory) leaves them to the scheduler, which reads the staff list a page at a time.
     */
    async addJoiners(userIds: readonly string[]): Promise<number> {
      if (userIds.length === 0 || userIds.length > JOINERS_AT_ONCE) return 0;
      const campaigns = await store.listCampaigns('active');
      if (campaigns.length === 0) return 0;
      const at = now().toISOString();
      const joined = (await store.getStaffByIds([...new Set(userIds)])).filter((m) => m.active);
      let total = 0;
      for (const c of campaigns) {
        const members = joined.filter((m) => isInAudience(m, c.audience));
        const count = members.length > 0 ? await store.addDeliveries(c.id, members, at) : 0;
        if (count === 0) continue;
        total += count;
        await store.appendAudit({ at, actor: 'system', action: 'campaign.joinersAdded', subject: c.id, details: { added: count } });
        deps.messenger?.deliver(c.id);
      }
      return total;
    },

    /**
     * After a new policy version is registered: the active campaigns whose next round a material change calls for. None
     * is started: each owner sees the round as a preview first (what changed, the points, the date) and starts it, or
     * chooses not to ask again. Recorded in the audit either way.
     */
    async onPolicyVersionRegistered(registered: RegisteredVersion): Promise<Campaign[]> {
      const { version } = registered;
      if (!registered.isNew || !version.material || !registered.previous) return [];
      const awaiting = (await store.listCampaigns('active')).filter((c) => c.policyId === version.policyId && c.versionHash !== version.versionHash);
      for (const c of awaiting) {
        await store.appendAudit({
          at: now().toISOString(), actor: 'system', action: 'campaign.nextRoundAwaitingOwner', subject: c.id, details: { versionHash: version.versionHash },
        });
      }
      return awaiting;
    },

    /**
     * The bot was installed for someone (or they messaged it): keep how to reach them, and give them the card of
     * every active campaign they belong to but could not be reached for.
     */
    async onInstalled(ref: StoredConversationReference): Promise<string[]> {
      await store.saveConversationReference(ref);
      const member = await store.getStaff(ref.userId);
      const woken: string[] = [];
      for (const c of await store.listCampaigns('active')) {
        const existing = await store.getDelivery(c.id, ref.userId);
        const unreached = existing && UNREACHED_DELIVERY_STATES.includes(existing.state);
        const requeued = unreached ? await store.requeueDelivery(c.id, ref.userId, ref.updatedAt) : false;
        const added = !existing && member && isInAudience(member, c.audience) ? await store.addDeliveries(c.id, [member], ref.updatedAt) : 0;
        if (requeued || added > 0) {
          woken.push(c.id);
          deps.messenger?.deliver(c.id);
        }
      }
      return woken;
    },
  };
}

/** The campaign use cases. */
export type CampaignService = ReturnType<typeof createCampaignService>;
