import { randomBytes } from 'node:crypto';
import { AcknowledgementError } from './acknowledgementErrors';
import { ExportSink, acknowledgementCsvHeader, toAcknowledgementCsvRows } from './acknowledgementExport';
import { exportFileName, exportRow } from './campaignExportRows';
import { AcknowledgementStore, StoreError } from './acknowledgementStore';
import {
  Campaign, CampaignAudience, PolicyVersion, StoredConversationReference, UNREACHED_DELIVERY_STATES,
} from './acknowledgementTypes';
import { describeAudience, isInAudience, listAudience, STAFF_PAGE } from './campaignAudience';
import { createLeaverSweep } from './campaignMembership';
import { CampaignMessenger, CampaignRules, PolicyOwners } from './campaignPorts';
import { RegisteredVersion } from './policyVersions';
import { addYears, checkDueDate, DAY_MS, dueDateWarning, isoDate } from './campaignDates';
import { assertChoices } from './campaignChoices';
import { PeopleList, PeoplePage } from './acknowledgementStore';
import { CampaignStatus, summariseTallies } from './campaignProgress';
import { OwnerCardRef, OwnerJob, OwnerJobQueue } from './ownerJobs';
import { forEachLimited, yieldToEventLoop } from './eventLoop';
import { CampaignExport, CampaignPreview, RemindResult, ScheduledWorkResult, WrittenExport } from './campaignServiceTypes';

/** What an owner is told when a campaign is asked for before the school's policy has been added. */
export const NO_POLICY_TO_ACKNOWLEDGE = 'There is no policy for staff to acknowledge yet: add the policy first. Send the school\'s policy '
  + '(.docx, .pdf, .txt or .md) to me here, check what I read and press Publish; then type **campaign start** again.';

/** Store calls made at once when a command touches many recipients (reminders on Azure Tables). */
const CONCURRENCY = 16;

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
}

/** Export rows read and written at once: big enough that the pages cost little, small enough that none blocks the loop. */
const EXPORT_PAGE = 100;

export type { CampaignStatus, GroupStatus } from './campaignProgress';
export type { CampaignPreview, RemindResult, WrittenExport, CampaignExport, ScheduledWorkResult } from './campaignServiceTypes';

/** Refuses anyone who is not a configured policy owner. */
export function assertPolicyOwner(owners: PolicyOwners, userId: string | undefined): void {
  if (!userId || !owners.includes(userId)) {
    throw new AcknowledgementError('NOT_POLICY_OWNER', 'Only the policy owners (headteacher, HR, SLT) can run campaign commands.');
  }
}

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

  async function openRound(input: {
    version: PolicyVersion; audience: CampaignAudience; dueDate: string; actor: string; id: string; round: number; seriesId?: string;
    /** The key points the owner chose; absent: the version's own (and, for a later round, the previous round's choice). */
    keyPoints?: string[];
    /** The audience's size when the caller has just counted it (starting from a preview). */
    expected?: number; card?: OwnerCardRef;
  }): Promise<{ campaign: Campaign; recipients: number; created: boolean; job?: OwnerJob }> {
    const startedAt = now().toISOString();
    const campaign: Campaign = {
      id: input.id, policyId: input.version.policyId, versionHash: input.version.versionHash, audience: input.audience,
      dueDate: input.dueDate, startedAt, startedBy: input.actor, round: input.round, seriesId: input.seriesId ?? input.id,
      status: 'active',
      ...(rules.repeatYearly ? { nextRoundAt: addYears(now(), 1).toISOString() } : {}),
      ...(input.keyPoints ? { keyPoints: input.keyPoints } : {}),
    };
    try {
      await store.createCampaign(campaign);
    } catch (err) {
      // Another instance opened this round first (the ids of later rounds are deterministic).
      if (err instanceof StoreError && err.code === 'STORE_CONFLICT') {
        return { campaign: (await store.getCampaign(input.id))!, recipients: 0, created: false };
      }
      throw err;
    }
    if (deps.jobs) {
      // Recipients are added by a background job in slices of the staff list; the card goes out as they are added.
      const recipients = input.expected ?? 0;
      await store.appendAudit({
        at: startedAt, actor: input.actor, action: 'campaign.started', subject: campaign.id,
        details: { round: campaign.round, expected: recipients, versionHash: campaign.versionHash, audience: describeAudience(input.audience) },
      });
      const job = await deps.jobs.enqueue({
        kind: 'recipients', campaignId: campaign.id, actorId: input.actor, total: recipients, ...(input.card ? { card: input.card } : {}),
      });
      return { campaign, recipients, created: true, job };
    }
    const members = await audienceOf(input.audience);
    // Added a page at a time (adding is idempotent), so even without jobs no single write holds the bot up.
    let recipients = 0;
    for (let i = 0; i < members.length; i += STAFF_PAGE) {
      if (i > 0) await yieldToEventLoop();
      recipients += await store.addDeliveries(campaign.id, members.slice(i, i + STAFF_PAGE), startedAt);
    }
    await store.appendAudit({
      at: startedAt, actor: input.actor, action: 'campaign.started', subject: campaign.id,
      details: { round: campaign.round, recipients, versionHash: campaign.versionHash, audience: describeAudience(input.audience) },
    });
    deps.messenger?.deliver(campaign.id);
    return { campaign, recipients, created: true };
  }

  /** The export written page by page to a sink, a yield to the event loop after each page. */
  async function writeExport(
    input: { actorId: string; campaignId?: string }, sink: ExportSink, onPage?: (rows: number) => Promise<void>,
  ): Promise<WrittenExport> {
    assertPolicyOwner(deps.owners, input.actorId);
    const campaign = await requireCampaign(input.campaignId);
    await sink.write(acknowledgementCsvHeader());
    let rows = 0;
    for await (const page of store.exportRecords(campaign.id, EXPORT_PAGE)) {
      rows += page.length;
      await sink.write(toAcknowledgementCsvRows(page.map((r) => exportRow(campaign, r)), campaign.id, rules.exportSecret));
      if (onPage) await onPage(rows);
      else await yieldToEventLoop();
    }
    await store.appendAudit({ at: now().toISOString(), actor: input.actorId, action: 'campaign.exported', subject: campaign.id, details: { rows } });
    return { campaign, rows, fileName: exportFileName(campaign) };
  }

  async function nextRound(previous: Campaign, actor: string, version: PolicyVersion): Promise<Campaign> {
    const span = Math.max(1, Math.round((Date.parse(`${previous.dueDate}T00:00:00Z`) - Date.parse(previous.startedAt)) / DAY_MS));
    const { campaign } = await openRound({
      version, audience: previous.audience, dueDate: isoDate(new Date(now().getTime() + span * DAY_MS)), actor,
      id: `${previous.seriesId}-r${previous.round + 1}`, round: previous.round + 1, seriesId: previous.seriesId,
      // The owner's points were chosen from that version's wording: a new version starts from its own.
      ...(previous.keyPoints && previous.versionHash === version.versionHash ? { keyPoints: previous.keyPoints } : {}),
    });
    const latest = await store.getCampaign(previous.id);
    if (latest && latest.status === 'active') {
      const { nextRoundAt: _dropped, ...rest } = latest;
      await store.updateCampaign({ ...rest, status: 'closed', closedAt: now().toISOString() });
      await store.appendAudit({ at: now().toISOString(), actor, action: 'campaign.closed', subject: previous.id, details: { nextRound: campaign.id } });
    }
    return campaign;
  }

  return {
    /** What starting would do (audience, who can be reached now and why not), without sending anything; owners only. */
    async previewCampaign(input: { actorId: string; audience: CampaignAudience; dueDate?: string; policyId?: string }): Promise<CampaignPreview> {
      const { version, dueDate, members } = await prepareStart(input);
      const withChat = new Set<string>();
      await forEachLimited(members, CONCURRENCY, async (m) => {
        if (await store.getConversationReference(m.userId)) withChat.add(m.userId);
      });
      const acked = new Set((await store.listAcknowledgements(version.policyId, version.versionHash)).map((a) => a.userId));
      const without = members.length - withChat.size;
      const dueWarning = rules.calendar ? dueDateWarning(dueDate, now(), rules.calendar, deps.sayDate ?? ((d) => d)) : undefined;
      return {
        version, audience: input.audience, dueDate, ...(dueWarning ? { dueWarning } : {}), members: members.length, withChat: withChat.size,
        installable: deps.canInstall ? without : 0, unreachable: deps.canInstall ? 0 : without,
        alreadyAcknowledged: members.filter((m) => acked.has(m.userId)).length, canInstall: deps.canInstall === true,
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
      const id = `ack-${isoDate(now()).replace(/-/g, '')}-${randomBytes(3).toString('hex')}`;
      return openRound({
        version, audience: input.audience, dueDate, actor: input.actorId, id, round: 1, expected: members.length,
        ...(input.card ? { card: input.card } : {}), ...(keyPoints ? { keyPoints } : {}),
      });
    },

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

    /**
     * Starts a reminder pass or an export as a background job shown on the owner's card; owners only. Fails with
     * NO_JOBS where this service runs without background jobs.
     */
    async startOwnerJob(input: { kind: 'remind' | 'export'; actorId: string; campaignId?: string; card?: OwnerCardRef }): Promise<OwnerJob> {
      assertPolicyOwner(deps.owners, input.actorId);
      const campaign = await requireCampaign(input.campaignId);
      if (!deps.jobs) throw new AcknowledgementError('BAD_COMMAND', 'Background jobs are not available here.');
      return deps.jobs.enqueue({ kind: input.kind, campaignId: campaign.id, actorId: input.actorId, ...(input.card ? { card: input.card } : {}) });
    },

    /** Counts and percentages of a campaign (the newest active one by default); owners only. */
    async campaignStatus(input: { actorId: string; campaignId?: string }): Promise<CampaignStatus> {
      assertPolicyOwner(deps.owners, input.actorId);
      const campaign = await requireCampaign(input.campaignId);
      const version = await requireVersion(campaign);
      return summariseTallies(campaign, version, await store.tallyDeliveries(campaign.id));
    },

    /** Reminds those who have the card but have not acknowledged, at most once per interval each; owners only. */
    async remindOutstanding(input: { actorId: string; campaignId?: string }): Promise<RemindResult> {
      assertPolicyOwner(deps.owners, input.actorId);
      const campaign = await requireCampaign(input.campaignId);
      const [tallies, reachable] = await Promise.all([store.tallyDeliveries(campaign.id), store.listOutstanding(campaign.id)]);
      const at = now().toISOString();
      const result: RemindResult = { campaign, reminded: 0, recentlyReminded: 0, awaitingCard: 0, unreachable: 0 };
      const toRemind: string[] = [];
      for (const t of tallies) {
        if (t.acknowledged || t.excused || t.state === 'sent' || t.state === 'left') continue;
        if (t.state === 'pending' || t.state === 'claimed') result.awaitingCard += t.count;
        else result.unreachable += t.count;
      }
      await forEachLimited(reachable, CONCURRENCY, async (userId) => {
        if (await store.markReminded(campaign.id, userId, at, rules.reminderIntervalMs)) toRemind.push(userId);
        else result.recentlyReminded += 1;
      });
      result.reminded = toRemind.length;
      if (toRemind.length > 0 && deps.messenger) await deps.messenger.remind(campaign, toRemind);
      await store.appendAudit({
        at, actor: input.actorId, action: 'campaign.reminded', subject: campaign.id,
        details: { reminded: result.reminded, recentlyReminded: result.recentlyReminded, unreachable: result.unreachable },
      });
      return result;
    },

    /**
     * Writes the CSV an inspector reads to a sink, page by page, yielding to the event loop between pages so owners
     * and staff are answered while 50,000 rows are written: everyone in the campaign, with their acknowledgement if
     * any; owners only.
     */
    writeExport,

    /** The whole export as one string (the command line, tests); the bot writes it to a file with writeExport. */
    async exportCampaign(input: { actorId: string; campaignId?: string }): Promise<CampaignExport> {
      const parts: string[] = [];
      const written = await writeExport(input, { write: async (chunk) => { parts.push(chunk); } });
      return { ...written, csv: parts.join('') };
    },

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
          result.roundsStarted.push((await nextRound(c, 'schedule', version)).id);
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

    /** After a new policy version is registered: a material change starts a fresh round of every active campaign. */
    async onPolicyVersionRegistered(registered: RegisteredVersion): Promise<Campaign[]> {
      const { version } = registered;
      if (!registered.isNew || !version.material || !registered.previous) return [];
      const started: Campaign[] = [];
      for (const c of await store.listCampaigns('active')) {
        if (c.policyId === version.policyId && c.versionHash !== version.versionHash) started.push(await nextRound(c, 'policyChange', version));
      }
      return started;
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
