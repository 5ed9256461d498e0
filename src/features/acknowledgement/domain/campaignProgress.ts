import { DeliveryCounts, emptyDeliveryCounts } from './acknowledgementStore';
import { Campaign, Delivery, PolicyVersion, StaffMember } from './acknowledgementTypes';

/** One row of the status breakdown. */
export interface GroupStatus {
  name: string;
  total: number;
  acknowledged: number;
  percent: number;
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
  percent: number;
  deliveries: DeliveryCounts;
  /** "Department" or "School" where the directory has them; groups are then listed least complete first. */
  groupLabel?: 'Department' | 'School';
  groups: GroupStatus[];
}

/** A campaign's progress from its deliveries, the staff list and who has acknowledged. */
export function summarise(
  campaign: Campaign, version: PolicyVersion, deliveries: Delivery[], staff: Map<string, StaffMember>, acked: Map<string, string>,
): CampaignStatus {
  const counts = emptyDeliveryCounts();
  for (const d of deliveries) counts[d.state] += 1;
  const people = deliveries.map((d) => staff.get(d.userId));
  const schools = new Set(people.map((p) => p?.school).filter(Boolean));
  const departments = new Set(people.map((p) => p?.department).filter(Boolean));
  const groupLabel = schools.size > 1 ? 'School' : departments.size > 0 ? 'Department' : undefined;
  const groups = new Map<string, GroupStatus>();
  let acknowledged = 0;
  let openedNotAcknowledged = 0;
  let notOpened = 0;
  let excused = 0;
  deliveries.forEach((d, i) => {
    const done = acked.has(d.userId);
    if (done) acknowledged += 1;
    else if (d.excusedAt) excused += 1;
    else if (d.state === 'sent' && d.openedAt) openedNotAcknowledged += 1;
    else if (d.state === 'sent') notOpened += 1;
    if (!groupLabel) return;
    const name = (groupLabel === 'School' ? people[i]?.school : people[i]?.department) ?? 'Not recorded';
    const g = groups.get(name) ?? { name, total: 0, acknowledged: 0, percent: 0 };
    g.total += 1;
    if (done) g.acknowledged += 1;
    groups.set(name, g);
  });
  for (const g of groups.values()) g.percent = percent(g.acknowledged, g.total);
  const total = deliveries.length;
  return {
    campaign, version, total, acknowledged, outstanding: total - acknowledged, openedNotAcknowledged, notOpened, excused,
    percent: percent(acknowledged, total),
    deliveries: counts, ...(groupLabel ? { groupLabel } : {}),
    groups: [...groups.values()].sort((a, b) => a.percent - b.percent || a.name.localeCompare(b.name)),
  };
}

/** A whole-number percentage that only shows 100 when everyone is done. */
function percent(part: number, whole: number): number {
  if (whole === 0) return 0;
  const p = Math.round((100 * part) / whole);
  return p === 100 && part < whole ? 99 : p;
}
