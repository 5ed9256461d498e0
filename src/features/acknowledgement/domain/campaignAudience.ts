import { AcknowledgementStore } from './acknowledgementStore';
import { CampaignAudience, StaffMember } from './acknowledgementTypes';
import { yieldToEventLoop } from './eventLoop';

/** Staff read at once when an audience is counted or walked: a few ms of work between two pauses. */
export const STAFF_PAGE = 1000;

/** Whether a member of staff belongs to a campaign's audience (active staff only; names match case-insensitively). */
export function isInAudience(member: StaffMember, audience: CampaignAudience): boolean {
  if (!member.active) return false;
  if (audience.kind === 'all') return true;
  const wanted = new Set(audience.values.map((v) => v.trim().toLowerCase()));
  const value = audience.kind === 'department' ? member.department : member.school;
  return value !== undefined && wanted.has(value.trim().toLowerCase());
}

/** Describes an audience for people: "all staff", "department Maths, English". */
export function describeAudience(audience: CampaignAudience): string {
  return audience.kind === 'all' ? 'all staff' : `${audience.kind} ${audience.values.join(', ')}`;
}

/** The audience's members, read a page of the staff list at a time with a pause for other work between pages. */
export async function listAudience(store: Pick<AcknowledgementStore, 'listStaffPage'>, audience: CampaignAudience): Promise<StaffMember[]> {
  const members: StaffMember[] = [];
  for (let after = ''; ;) {
    const page = await store.listStaffPage(after, STAFF_PAGE);
    for (const m of page) if (isInAudience(m, audience)) members.push(m);
    if (page.length < STAFF_PAGE) return members;
    after = page[page.length - 1].userId;
    await yieldToEventLoop();
  }
}

/** The audience a preview carries (as JSON), checked: all staff, or named departments or schools. */
export function parseAudience(json: string): CampaignAudience | undefined {
  try {
    const a = JSON.parse(json) as { kind?: unknown; values?: unknown };
    if (a.kind === 'all') return { kind: 'all' };
    if ((a.kind === 'department' || a.kind === 'school') && Array.isArray(a.values) && a.values.length > 0 && a.values.length <= 200
      && a.values.every((v) => typeof v === 'string' && v.length <= 200)) {
      return { kind: a.kind, values: a.values as string[] };
    }
  } catch {
    return undefined;
  }
  return undefined;
}
