import { AcknowledgementStore } from '../../../../src/features/acknowledgement/domain/acknowledgementStore';
import { Campaign, PolicyVersion, StaffMember } from '../../../../src/features/acknowledgement/domain/acknowledgementTypes';
import { CampaignMessenger } from '../../../../src/features/acknowledgement/domain/campaignPorts';
import { createSqliteAcknowledgementStore } from '../../../../src/adapters/sqlite/sqliteAcknowledgementStore';

/** A clock the test moves by hand. */
export function manualClock(startIso: string) {
  let t = Date.parse(startIso);
  return {
    now: () => new Date(t),
    advanceDays: (days: number) => { t += days * 86_400_000; },
    set: (iso: string) => { t = Date.parse(iso); },
  };
}

/** A messenger that records what the use cases asked it to send. */
export function recordingMessenger(): CampaignMessenger & { delivered: string[]; reminded: { campaignId: string; userIds: string[] }[] } {
  const delivered: string[] = [];
  const reminded: { campaignId: string; userIds: string[] }[] = [];
  return {
    delivered, reminded,
    deliver: (id) => { delivered.push(id); },
    remind: async (c: Campaign, ids) => { reminded.push({ campaignId: c.id, userIds: [...ids] }); },
  };
}

/** A fresh embedded store in memory. */
export function memoryStore(): AcknowledgementStore {
  return createSqliteAcknowledgementStore(':memory:');
}

/** A member of staff. */
export function person(n: number, extra: Partial<StaffMember> = {}): StaffMember {
  return {
    userId: `aad-${n}`, userPrincipalName: `person${n}@school.example`, displayName: `Person ${n}`,
    department: ['Maths', 'English', 'Science'][n % 3], active: true, source: 'graph', updatedAt: '2026-09-01T00:00:00.000Z', ...extra,
  };
}

/** A policy version. */
export function policyVersion(hash: string, publishedAt: string, extra: Partial<PolicyVersion> = {}): PolicyVersion {
  return {
    policyId: 'social-media', versionHash: hash, title: 'Social Media Policy', keyPoints: ['Never contact pupils privately.'],
    material: true, wordingHash: `w-${hash}`, publishedAt, ...extra,
  };
}
