import { DeliveryCounts, DeliveryTally, ExportRecord, emptyDeliveryCounts } from './acknowledgementStore';
import { Acknowledgement, Campaign, Delivery, PolicyVersion, StaffMember } from './acknowledgementTypes';
import { yieldToEventLoop } from './eventLoop';

/** One row of the status breakdown. */
export interface GroupStatus {
  name: string;
  total: number;
  acknowledged: number;
  percent: number;
}

/** Another round of the same series, as the owner's status card lists it. */
export interface RoundSummary {
  campaign: Campaign;
  version: PolicyVersion;
  acknowledged: number;
  total: number;
}

/** A campaign's progress, as the owner's status card shows it. */
export interface CampaignStatus {
  campaign: Campaign;
  version: PolicyVersion;
  total: number;
  acknowledged: number;
  outstanding: number;
  /** Outstanding people whose card Teams says they read (read receipts), and those with the card who have not. */
  openedNotAcknowledged: number;
  notOpened: number;
  /** Outstanding people an owner excused (on leave): not reminded or chased. */
  excused: number;
  /**
   * Outstanding people the card did not reach (blocked, install failed, failed), not counting the excused: each person is
   * in one count.
   */
  unreached: number;
  /**
   * Outstanding people whose card has not gone out yet (pending or being sent), not counting the excused or those who
   * acknowledged already (a carried excusal is written before the card goes): each person is in one count.
   */
  awaitingCard: number;
  /** People who have left the staff list since the campaign reached them: in none of the other counts. */
  left: number;
  percent: number;
  deliveries: DeliveryCounts;
  /** "Department" or "School" where the directory has them; groups are then listed least complete first. */
  groupLabel?: 'Department' | 'School';
  groups: GroupStatus[];
  /** The series' other rounds, oldest first (each with its version): each has its own status and export. */
  rounds?: RoundSummary[];
  /** A newer version than this round asks about, when its wording differs: staff have not been asked about it yet. */
  newerVersion?: { version: PolicyVersion; skippedAt?: string };
}

/**
 * A campaign's progress from its delivery tallies: the same few rows at 40 staff and at 50,000. People who have left the
 * staff list are counted apart (`left`) and nowhere else: an acknowledgement counts only from current staff.
 */
export function summariseTallies(campaign: Campaign, version: PolicyVersion, tallies: readonly DeliveryTally[]): CampaignStatus {
  const counts = emptyDeliveryCounts();
  const counted = tallies.filter((t) => t.state !== 'left');
  const schools = new Set(counted.map((t) => t.school).filter(Boolean));
  const departments = new Set(counted.map((t) => t.department).filter(Boolean));
  const groupLabel = schools.size > 1 ? 'School' : departments.size > 0 ? 'Department' : undefined;
  const groups = new Map<string, GroupStatus>();
  let total = 0;
  let acknowledged = 0;
  let openedNotAcknowledged = 0;
  let notOpened = 0;
  let excused = 0;
  let unreached = 0;
  let awaitingCard = 0;
  let left = 0;
  for (const t of tallies) {
    const n = t.count;
    if (t.state === 'left') {
      left += n;
      counts.left += n;
      continue;
    }
    total += n;
    counts[t.state] += n;
    if (t.acknowledged) acknowledged += n;
    else if (t.excused) excused += n;
    else if (t.state === 'blocked' || t.state === 'installFailed' || t.state === 'failed') unreached += n;
    else if (t.state === 'pending' || t.state === 'claimed') awaitingCard += n;
    else if (t.state === 'sent' && t.opened) openedNotAcknowledged += n;
    else if (t.state === 'sent') notOpened += n;
    if (!groupLabel) continue;
    const name = (groupLabel === 'School' ? t.school : t.department) ?? 'Not recorded';
    const g = groups.get(name) ?? { name, total: 0, acknowledged: 0, percent: 0 };
    g.total += n;
    if (t.acknowledged) g.acknowledged += n;
    groups.set(name, g);
  }
  for (const g of groups.values()) g.percent = percent(g.acknowledged, g.total);
  return {
    campaign, version, total, acknowledged, outstanding: total - acknowledged, openedNotAcknowledged, notOpened, excused, unreached, awaitingCard, left,
    percent: percent(acknowledged, total),
    deliveries: counts, ...(groupLabel ? { groupLabel } : {}),
    groups: [...groups.values()].sort((a, b) => a.percent - b.percent || a.name.localeCompare(b.name)),
  };
}

/**
 * Tallies counted from the records themselves, for a store that keeps no counts: who acknowledged is decided as the
 * status always has (this campaign, or this version after it started), departments as the staff list has them now.
 */
export function tallyRecords(
  campaign: Campaign, deliveries: readonly Delivery[], staff: ReadonlyMap<string, StaffMember>, acks: readonly Acknowledgement[],
): DeliveryTally[] {
  const acked = new Set(acks.filter((a) => a.campaignId === campaign.id || a.acknowledgedAt >= campaign.startedAt).map((a) => a.userId));
  const tallies = new Map<string, DeliveryTally>();
  for (const d of deliveries) {
    const person = staff.get(d.userId);
    const t: DeliveryTally = {
      ...(person?.department ? { department: person.department } : {}), ...(person?.school ? { school: person.school } : {}),
      state: d.state, acknowledged: acked.has(d.userId), excused: Boolean(d.excusedAt), opened: Boolean(d.openedAt), count: 0,
    };
    const k = JSON.stringify([t.department, t.school, t.state, t.acknowledged, t.excused, t.opened]);
    const found = tallies.get(k) ?? t;
    found.count += 1;
    tallies.set(k, found);
  }
  return [...tallies.values()];
}

/** A whole-number percentage that only shows 100 when everyone is done. */
function percent(part: number, whole: number): number {
  if (whole === 0) return 0;
  const p = Math.round((100 * part) / whole);
  return p === 100 && part < whole ? 99 : p;
}

/** Records handled between two turns of the event loop while an export is built from the records. */
const EXPORT_SLICE = 4_000;

interface KeyedRecord { r: ExportRecord; known: number; name: string }

/** People in the staff list by name (case folded), then anyone no longer in it by id: the order SQLite pages in. */
function byExportOrder(x: KeyedRecord, y: KeyedRecord): number {
  return x.known - y.known || (x.name < y.name ? -1 : x.name > y.name ? 1 : 0)
    || (x.r.userId < y.r.userId ? -1 : x.r.userId > y.r.userId ? 1 : 0);
}

/**
 * Export records built from the records themselves, for a store that cannot page by name: the acknowledgement that
 * counts is the one made in the campaign, else the first of its version after it started; nobody who has left the staff
 * list since they were added (state `left`); ordered as the port says,
 * and handed out `pageSize` at a time. Built and sorted in slices of a few thousand with a turn of the event loop
 * between them, then merged a page at a time, so a campaign of 50,000 never holds the loop for one long map and sort.
 * Each record's sort key is built once, not on every comparison.
 */
export async function* exportRecordPages(
  campaign: Campaign, all: readonly Delivery[], staff: readonly StaffMember[], acks: readonly Acknowledgement[], pageSize: number,
): AsyncIterable<ExportRecord[]> {
  // Everyone the campaign reached, those who have left the staff list since included: their record is the proof a
  // tribunal asks for (counted apart in the status, never sent or reminded).
  const deliveries = all;
  const byUser = new Map<string, StaffMember>();
  for (let i = 0; i < staff.length; i++) {
    if (i > 0 && i % (4 * EXPORT_SLICE) === 0) await yieldToEventLoop();
    byUser.set(staff[i].userId, staff[i]);
  }
  const ackOf = new Map<string, Acknowledgement>();
  for (const a of acks) if (a.campaignId === campaign.id || (a.acknowledgedAt >= campaign.startedAt && !ackOf.has(a.userId))) ackOf.set(a.userId, a);
  const runs: KeyedRecord[][] = [];
  for (let start = 0; start < deliveries.length; start += EXPORT_SLICE) {
    if (start > 0) await yieldToEventLoop();
    const run = deliveries.slice(start, start + EXPORT_SLICE).map((d): KeyedRecord => {
      const m = byUser.get(d.userId);
      const a = ackOf.get(d.userId);
      const r: ExportRecord = {
        userId: d.userId, state: d.state,
        ...(m ? { staff: { displayName: m.displayName, userPrincipalName: m.userPrincipalName, ...(m.department ? { department: m.department } : {}) } } : {}),
        ...(d.openedAt ? { openedAt: d.openedAt } : {}), ...(d.excusedAt ? { excusedAt: d.excusedAt } : {}), ...(d.excusedBy ? { excusedBy: d.excusedBy } : {}),
        ...(a ? { acknowledgement: a } : {}),
      };
      return { r, known: m ? 0 : 1, name: m?.displayName.toLowerCase() ?? '' };
    });
    runs.push(run.sort(byExportOrder));
  }
  // A k-way merge of the sorted slices (k is deliveries / EXPORT_SLICE: 13 at 50,000), a page per step.
  const at = runs.map(() => 0);
  for (let left = deliveries.length; left > 0;) {
    const page: ExportRecord[] = [];
    while (page.length < pageSize && left > 0) {
      let best = -1;
      for (let k = 0; k < runs.length; k++) {
        if (at[k] < runs[k].length && (best < 0 || byExportOrder(runs[k][at[k]], runs[best][at[best]]) < 0)) best = k;
      }
      page.push(runs[best][at[best]++].r);
      left--;
    }
    yield page;
  }
}
