import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AppConfig } from '../../../../src/config';
import { loadPolicyLibrary } from '../../../../src/compose/policy';
import { PolicyAuditEntry, PublishedPolicyStore, StoredPolicyVersion } from '../../../../src/features/policy/publishing/publishedPolicies';
import { loadPolicyFile } from '../../../../src/features/policy/ingest/loadPolicyFile';
import { createLogger } from '../../../../src/shared/logger';
import { declaredSizeDocx, emptyParagraphsDocx } from '../../../support/hostileDocuments';
import { REPO_ROOT } from '../../../support/repoRoot';

const SAMPLE = path.join(REPO_ROOT, 'samples', 'policies', 'liverpool-model.txt');

/** A published-versions store holding one version of the sample policy. */
function storeWith(version: StoredPolicyVersion): PublishedPolicyStore {
  const audit: PolicyAuditEntry[] = [];
  return {
    publish: async () => ({ published: false, live: undefined }),
    latest: async (policyId) => (policyId === version.policyId ? version : undefined),
    newest: async () => undefined,
    version: async () => undefined,
    history: async () => [],
    listPolicies: async () => {
      const { content: _content, ...rest } = version;
      return [rest];
    },
    appendAudit: async (entry) => { audit.push(entry); },
    listAudit: async () => audit,
  };
}

function capturedLogger(): { logger: ReturnType<typeof createLogger>; lines: () => Record<string, unknown>[] } {
  const raw: string[] = [];
  const logger = createLogger('info', { write: (s: string) => { raw.push(s); } });
  return { logger, lines: () => raw.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

/**
 * Issue 40, hole 1, at start-up: the published version and the POLICY_FILES file are read the way a sent file is, so a
 * refused document neither takes the bot down on every restart nor fails silently.
 */
describe('a refused document when the bot starts', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'refused-at-start-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('when the version an owner published is refused, then the bot starts on the configured file and says why, as an error', async () => {
    const configured = await loadPolicyFile(SAMPLE);
    const published = storeWith({
      policyId: configured.id, fileName: 'Social media policy 2027.docx', content: await emptyParagraphsDocx(450_000), contentHash: 'x',
      configuredHash: configured.metadata.contentHash, publishedBy: 'owner', publishedAt: '2026-05-01T09:00:00.000Z', number: 1,
    });
    const { logger, lines } = capturedLogger();
    const { library } = await loadPolicyLibrary({ policyFiles: [SAMPLE] } as unknown as AppConfig, logger, published);
    expect(library.primary?.metadata.contentHash).toBe(configured.metadata.contentHash);
    const refused = lines().find((l) => l.event === 'policy.publishedVersionRefused');
    expect(refused).toMatchObject({ level: 50, document: configured.id, code: 'POLICY_TOO_LARGE', limit: 'xmlElements' });
    expect(refused?.msg).toMatch(/Social media policy 2027\.docx was refused: its word\/document\.xml holds more than 400,000 XML elements.*answering from liverpool-model\.txt instead/);
  });

  it('when the configured file itself is refused, then the start fails with the file, the limit and what to do', async () => {
    const file = path.join(dir, 'policy.docx');
    fs.writeFileSync(file, await declaredSizeDocx(0x7fff0000));
    const { logger, lines } = capturedLogger();
    const error = await loadPolicyLibrary({ policyFiles: [file] } as unknown as AppConfig, logger).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'POLICY_TOO_LARGE', limit: 'docxPartBytes', message: expect.stringMatching(/^policy\.docx was refused: its word\/document\.xml would unpack to 2,048 MB.*save it again from Word/) });
    expect(lines().find((l) => l.event === 'policy.refused')).toMatchObject({ level: 50, code: 'POLICY_TOO_LARGE', limit: 'docxPartBytes' });
  });
});
