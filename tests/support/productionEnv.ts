import crypto from 'node:crypto';
import path from 'node:path';
import { REPO_ROOT } from './repoRoot';

const REPO = REPO_ROOT;

/**
 * A school's own policy as production runs on it: the Liverpool model adopted under the school's name (production
 * refuses the bundled samples themselves).
 */
export const SCHOOL_POLICY_FILE = path.join(REPO, 'tests', 'fixtures', 'policies', 'oakfield-social-media-policy.txt');

/** A complete production environment, with plausible values for every setting production requires. */
export function productionEnv(overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    APP_MODE: 'production',
    BOT_ID: '11111111-1111-1111-1111-111111111111',
    BOT_PASSWORD: 'not-a-real-secret',
    POLICY_FILES: SCHOOL_POLICY_FILE,
    CONCERN_ENCRYPTION_KEY: crypto.randomBytes(32).toString('base64'),
    SAFEGUARDING_TEAM: '22222222-2222-2222-2222-222222222222=Designated Lead',
    CONCERN_DSL_CHANNEL_ID: '19:dsl-channel@thread.tacv2',
    CONCERN_DEPUTY_DSL: '33333333-3333-3333-3333-333333333333',
    CONCERN_SENIOR_MANAGER: '44444444-4444-4444-4444-444444444444',
    CONCERN_HEADTEACHER: '55555555-5555-5555-5555-555555555555',
    CONCERN_CHAIR_OF_GOVERNORS: '66666666-6666-6666-6666-666666666666',
    GRAPH_TENANT_ID: '77777777-7777-7777-7777-777777777777',
    GRAPH_CLIENT_ID: '11111111-1111-1111-1111-111111111111',
    GRAPH_CLIENT_SECRET: 'not-a-real-graph-secret',
    TEAMS_APP_ID: '88888888-8888-8888-8888-888888888888',
    // The tenant the suites' Teams activities come from; ALLOWED_TENANT_IDS is required in production.
    ALLOWED_TENANT_IDS: 'tenant-1',
    ...overrides,
  };
}
