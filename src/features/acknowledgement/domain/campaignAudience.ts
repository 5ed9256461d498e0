import { CampaignAudience, StaffMember } from './acknowledgementTypes';

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
