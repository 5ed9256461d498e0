import fs from 'node:fs';
import path from 'node:path';
import { AppConfig } from '../../src/config';
import { loadPolicyLibrary, policyHealthDetail } from '../../src/compose/policy';
import { openSqliteDatabase } from '../../src/adapters/sqlite/sqliteDatabase';
import { createSqlitePublishedPolicyStore } from '../../src/adapters/sqlite/sqlitePublishedPolicyStore';
import { PublishedPolicy } from '../../src/features/policy/publishing/publishedPolicies';
import { publishNext } from '../support/contracts/publishedPolicyStoreContract';
import { createLogger } from '../../src/shared/logger';
import { emptyParagraphsDocx } from '../support/hostileDocuments';
import { REPO_ROOT } from '../support/repoRoot';

const SCHOOL = fs.readFileSync(path.join(REPO_ROOT, 'tests', 'fixtures', 'policies', 'oakfield-social-media-policy.txt'));
const CODE = fs.readFileSync(path.join(REPO_ROOT, 'samples', 'policies', 'north-star-trust.txt'));
const NO_FILES = { policyFiles: [] } as unknown as AppConfig;

function capturedLogger(): { logger: ReturnType<typeof createLogger>; lines: () => Record<string, unknown>[] } {
  const raw: string[] = [];
  const logger = createLogger('info', { write: (s: string) => { raw.push(s); } });
  return { logger, lines: () => raw.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

const version = (v: Partial<PublishedPolicy> & Pick<PublishedPolicy, 'policyId' | 'fileName' | 'content'>): PublishedPolicy => ({
  contentHash: 'h', configuredHash: '', publishedBy: 'aad-owner', publishedAt: '2026-09-01T09:00:00.000Z', ...v,
});

describe('loading the policy with no POLICY_FILES', () => {
  it('when nothing was ever published, then the library is empty, the start says so as a warning, and health says none', async () => {
    const store = createSqlitePublishedPolicyStore(openSqliteDatabase(':memory:'));
    const { logger, lines } = capturedLogger();
    const { library, configuredHashes } = await loadPolicyLibrary(NO_FILES, logger, store);
    expect(library.primary).toBeUndefined();
    expect(configuredHashes.size).toBe(0);
    expect(lines().find((l) => l.event === 'policy.none')).toMatchObject({ level: 40 });
    expect(policyHealthDetail(library)).toMatchObject({ state: 'none', loaded: false });
  });

  it('when owners sent policies in chat, then each is loaded at its newest version under its first id, the first sent first; a version of a configured file is not', async () => {
    const store = createSqlitePublishedPolicyStore(openSqliteDatabase(':memory:'));
    await publishNext(store, version({ policyId: 'oakfield-policy', fileName: 'Oakfield policy.txt', content: Buffer.from('1. Old\n\nOld words.\n') }));
    // A version published while POLICY_FILES named a file: it belongs to that file, not to chat.
    await publishNext(store, version({ policyId: 'liverpool-model', fileName: 'v2.txt', content: CODE, configuredHash: 'configured-hash' }));
    await publishNext(store, version({ policyId: 'code-of-conduct', fileName: 'Code.txt', content: CODE, publishedAt: '2026-09-02T09:00:00.000Z' }));
    await publishNext(store, version({ policyId: 'oakfield-policy', fileName: 'Oakfield policy 2027.txt', content: SCHOOL, publishedAt: '2026-09-03T09:00:00.000Z' }));
    const { library } = await loadPolicyLibrary(NO_FILES, createLogger('silent'), store);
    expect(library.documents.map((d) => d.id)).toEqual(['oakfield-policy', 'code-of-conduct']);
    expect(library.primary?.title).toBe('Social Media Policy for Schools');
    expect(policyHealthDetail(library)).toMatchObject({ state: 'loaded', loaded: true, documents: 2 });
  });

  it('when the newest version sent in chat is refused at start, then it is logged as an error and the bot starts without it', async () => {
    const store = createSqlitePublishedPolicyStore(openSqliteDatabase(':memory:'));
    await publishNext(store, version({ policyId: 'oakfield-policy', fileName: 'Oakfield policy.docx', content: await emptyParagraphsDocx(450_000) }));
    const { logger, lines } = capturedLogger();
    const { library } = await loadPolicyLibrary(NO_FILES, logger, store);
    expect(library.primary).toBeUndefined();
    const refused = lines().find((l) => l.event === 'policy.publishedVersionRefused');
    expect(refused).toMatchObject({ level: 50, document: 'oakfield-policy', code: 'POLICY_TOO_LARGE' });
    expect(refused?.msg).toMatch(/an owner can send the policy again in chat/);
  });
});
