import { TokenCredential } from '@azure/identity';
import { FakeGraphUser } from '../../support/fakeGraph';

/** A credential that hands out a fixed token, as Entra would, without any network. */
export const staticCredential: TokenCredential = {
  getToken: async () => ({ token: 'test-token', expiresOnTimestamp: Date.now() + 3_600_000 }),
};

/** `count` ordinary staff users with predictable ids (u0001, u0002...). */
export function staffUsers(count: number, prefix = 'u'): FakeGraphUser[] {
  return Array.from({ length: count }, (_, i) => {
    const n = String(i + 1).padStart(4, '0');
    return {
      id: `${prefix}${n}`,
      displayName: `Staff ${n}`,
      userPrincipalName: `staff${n}@school.example`,
      department: i % 2 === 0 ? 'Teaching' : 'Support',
      companyName: 'Northfield Primary',
    };
  });
}
