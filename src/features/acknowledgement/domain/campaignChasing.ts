import { AcknowledgementError } from './acknowledgementErrors';
import { AcknowledgementStore } from './acknowledgementStore';
import { Campaign, StaffMember } from './acknowledgementTypes';
import { DigestNotifier, ManagerLookup, PolicyOwners } from './campaignPorts';
import { assertPolicyOwner } from './campaignService';
import { isoDate } from './campaignDates';
import { formatDate } from './versionNames';
import { forEachLimited, yieldToEventLoop } from './eventLoop';

/** Nobody is listed in a digest more than once a week. */
export const DIGEST_INTERVAL_MS = 7 * 24 * 3600 * 1000;
/** Staff read at once when looking someone up by name. */
const STAFF_PAGE = 1000;
/** Line managers looked up at once (Graph calls). */
const LOOKUP_CONCURRENCY = 8;

/** What the chasing needs. */
export interface CampaignChasingDeps {
  store: AcknowledgementStore;
  clock: () => Date;
  owners: PolicyOwners;
  /** Where line managers come from; without one, every outstanding person is listed to the owners only. */
  managers?: ManagerLookup;
  notifier: DigestNotifier;
  /** Logs counts and codes only. */
  logger: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
}

/** What one digest run did. */
export interface DigestRunResult {
  campaigns: number;
  listed: number;
  managersNotified: number;
  ownersNotified: number;
}

/** Who an owner excused or reinstated. */
export interface ExcuseResult {
  campaign: Campaign;
  person: StaffMember;
  excused: boolean;
}

/**
 * Chasing after the due date (opt-in, ACK_MANAGER_DIGEST): once a week each outstanding person's line manager gets
 * a digest of their people who have not acknowledged, and the owners get the whole picture with anyone who has no
 * manager recorded. Nobody is listed more than once a week (an atomic mark per person, so two instances never both
 * list them), and people an owner has excused (on leave) are never chased.
 */
export function createCampaignChasing(deps: CampaignChasingDeps) {
  const { store } = deps;

  /** When a person acknowledged the round's version in it (or after it started, as the round counts it); else undefined. */
  async function acknowledgedIn(campaign: Campaign, userId: string): Promise<string | undefined> {
    const delivery = await store.getDelivery(campaign.id, userId);
    if (delivery?.acknowledgedAt) return delivery.acknowledgedAt;
    const ack = await store.getAcknowledgement(campaign.policyId, campaign.versionHash, userId);
    return ack && (ack.campaignId === campaign.id || ack.acknowledgedAt >= campaign.startedAt) ? ack.acknowledgedAt : undefined;
  }

  async function chase(campaign: Campaign): Promise<{ listed: number; managers: number; owners: number }> {
    const version = await store.getPolicyVersion(campaign.policyId, campaign.versionHash);
    const [deliveries, staff, acks] = await Promise.all([
      store.listDeliveries(campaign.id), store.listStaff(), store.listAcknowledgements(campaign.policyId, campaign.versionHash),
    ]);
    const acked = new Set(acks.filter((a) => a.campaignId === campaign.id || a.acknowledgedAt >= campaign.startedAt).map((a) => a.userId));
    const byId = new Map(staff.map((m) => [m.userId, m]));
    // Leavers are never chased, whether or not their delivery is marked yet: the staff list says they have gone.
    const current = deliveries.filter((d) => d.state !== 'left' && byId.get(d.userId)?.active !== false);
    const outstanding = current.filter((d) => !acked.has(d.userId) && !d.excusedAt);
    const excused = current.filter((d) => !acked.has(d.userId) && d.excusedAt).length;
    const at = deps.clock().toISOString();
    const listed: string[] = [];
    // A minute's slack: a scheduler that runs a little early next week still lists them.
    // One at a time, in order, with a pause for other messages every 256: at 50,000 these writes were one long block.
    await forEachLimited(outstanding, 1, async (d) => {
      if (await store.markDigested(campaign.id, d.userId, at, DIGEST_INTERVAL_MS - 60_000)) listed.push(d.userId);
    });
    if (listed.length === 0) return { listed: 0, managers: 0, owners: 0 };

    const managerOf = new Map<string, string | undefined>();
    const queue = [...listed];
    await Promise.all(Array.from({ length: Math.min(LOOKUP_CONCURRENCY, queue.length) }, async () => {
      for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
        try {
          managerOf.set(id, await deps.managers?.managerOf(id));
        } catch (err) {
          managerOf.set(id, undefined);
          deps.logger.warn({ code: (err as { code?: string }).code ?? 'MANAGER_LOOKUP_FAILED' }, 'line manager not found');
        }
      }
    }));
    const label = (id: string) => {
      const m = byId.get(id);
      return `${m?.displayName ?? id}${m?.department ? ` (${m.department})` : ''}`;
    };
    const teams = new Map<string, string[]>();
    const withoutManager: string[] = [];
    for (const id of listed) {
      const manager = managerOf.get(id);
      if (manager && manager !== id) teams.set(manager, [...(teams.get(manager) ?? []), label(id)]);
      else withoutManager.push(label(id));
    }
    const title = version?.title ?? campaign.policyId;
    let managers = 0;
    for (const [managerId, people] of teams) {
      if (await deps.notifier.toManager(managerId, { campaign, title, people: people.sort((a, b) => a.localeCompare(b)) })) managers += 1;
    }
    let owners = 0;
    for (const ownerId of deps.owners) {
      const sent = await deps.notifier.toOwner(ownerId, {
        campaign, title, outstanding: outstanding.length, excused, managersNotified: managers,
        withoutManager: withoutManager.sort((a, b) => a.localeCompare(b)),
      });
      if (sent) owners += 1;
    }
    await store.appendAudit({
      at, actor: 'schedule', action: 'campaign.digestSent', subject: campaign.id,
      details: { listed: listed.length, managers, owners, withoutManager: withoutManager.length },
    });
    return { listed: listed.length, managers, owners };
  }

  return {
    /** Sends this week's digests for every active campaign past its due date; safe to run often and on every instance. */
    async runDigests(): Promise<DigestRunResult> {
      const today = isoDate(deps.clock());
      const result: DigestRunResult = { campaigns: 0, listed: 0, managersNotified: 0, ownersNotified: 0 };
      for (const c of await store.listCampaigns('active')) {
        if (c.dueDate >= today) continue;
        const r = await chase(c);
        if (r.listed === 0) continue;
        result.campaigns += 1;
        result.listed += r.listed;
        result.managersNotified += r.managers;
        result.ownersNotified += r.owners;
      }
      if (result.listed > 0) deps.logger.info({ ...result }, 'acknowledgement digests sent');
      return result;
    },

    /**
     * Excuses a person from the newest active campaign (or lifts it): found by UPN, or by a name only one person
     * has. Owners only; recorded in the audit.
     */
    async excuse(input: { actorId: string; person: string; excused: boolean; campaignId?: string }): Promise<ExcuseResult> {
      assertPolicyOwner(deps.owners, input.actorId);
      const campaign = input.campaignId ? await store.getCampaign(input.campaignId) : (await store.listCampaigns('active'))[0];
      if (!campaign) throw new AcknowledgementError('NO_CAMPAIGN', 'No campaign is running. Start one with "campaign start".');
      const wanted = input.person.trim().toLowerCase();
      // The staff list a page at a time with a pause between pages: at 50,000 one read would hold up every message.
      const byUpn: StaffMember[] = [];
      const byName: StaffMember[] = [];
      for (let after = ''; ;) {
        const page = await store.listStaffPage(after, STAFF_PAGE);
        for (const m of page) {
          if (m.userPrincipalName.toLowerCase() === wanted) byUpn.push(m);
          if (m.displayName.toLowerCase() === wanted) byName.push(m);
        }
        if (page.length < STAFF_PAGE) break;
        after = page[page.length - 1].userId;
        await yieldToEventLoop();
      }
      const found = byUpn.length === 1 ? byUpn : byName;
      if (found.length !== 1) {
        throw new AcknowledgementError('BAD_COMMAND', found.length > 1
          ? `More than one person is called "${input.person}": use their email address (UPN).`
          : `Nobody in the staff list is "${input.person}": use their email address (UPN) or full name.`);
      }
      const person = found[0];
      // What is said must be what happened (an outside walk-through was told "no longer excused" of someone never
      // excused, and "listed as excused" of someone who had left): the person's place in the round is read first.
      const delivery = await store.getDelivery(campaign.id, person.userId);
      if (delivery?.state === 'left') {
        throw new AcknowledgementError('BAD_COMMAND', `${person.displayName} has left the staff list: they are not counted or reminded already, and the export shows they left. Nothing changed.`);
      }
      if (delivery && !input.excused && !delivery.excusedAt) {
        throw new AcknowledgementError('BAD_COMMAND', `${person.displayName} was not excused from this round: nothing changed.`);
      }
      if (input.excused) {
        // Someone who has acknowledged this round has nothing to be excused from: saying they were would be untrue.
        const done = await acknowledgedIn(campaign, person.userId);
        if (done) {
          throw new AcknowledgementError('BAD_COMMAND', `${person.displayName} acknowledged this round's version on ${formatDate(done)}: there is nothing to excuse them from.`);
        }
      }
      const at = deps.clock().toISOString();
      const changed = await store.setExcused(campaign.id, person.userId, input.excused ? { by: input.actorId, at } : null);
      if (!changed) throw new AcknowledgementError('BAD_COMMAND', `${person.displayName} is not in campaign ${campaign.id}.`);
      await store.appendAudit({
        at, actor: input.actorId, action: input.excused ? 'campaign.excused' : 'campaign.excuseLifted', subject: campaign.id,
        details: { userId: person.userId },
      });
      return { campaign, person, excused: input.excused };
    },
  };
}

/** The chasing use cases. */
export type CampaignChasing = ReturnType<typeof createCampaignChasing>;
