import path from 'node:path';
import { localBanner, notLoopbackMessage } from '../../scripts/localBanner';
import { readPolicyFilesIsolated } from '../../src/features/policy';
import { readerPages } from '../../src/features/acknowledgement/teams/policyReader';
import { renderPolicyReaderCard } from '../../src/features/acknowledgement/teams/cards/policyReaderCard';
import { shownText } from '../support/cardAssertions';
import { REPO_ROOT } from '../support/repoRoot';
import { policyVersion } from '../features/acknowledgement/domain/ackTestKit';

/** `npm run local`'s banner: how many sections the policy has is the number its reader shows in Teams. */
describe('the local banner', () => {
  it('when each sample policy is read as the app reads it, then the banner\'s section count is the one on the reader\'s contents page', async () => {
    const files = ['liverpool-model', 'lowerhouse-junior', 'lancashire-model', 'north-star-trust', 'cardinal-heenan'].map((f) => path.join(REPO_ROOT, 'samples', 'policies', `${f}.txt`));
    for (const doc of await readPolicyFilesIsolated(files)) {
      const pages = readerPages(doc);
      const version = policyVersion(doc.metadata.contentHash, '2026-01-01T00:00:00Z', { title: doc.metadata.title });
      const readerSays = /(\d+) sections/.exec(shownText(renderPolicyReaderCard({ version, pages, page: 0, canAcknowledge: true })))?.[1];
      const bannerSays = /\((?:[^,]+), (\d+) sections\)/.exec(localBanner({ documents: [doc], botPort: 3978, playgroundUrl: 'http://localhost:56150', playgroundHost: '127.0.0.1', devKey: true }))?.[1];
      expect({ source: doc.source, bannerSays }).toEqual({ source: doc.source, bannerSays: readerSays ?? 'the reader gives no count' });
    }
  });

  it('when reports are sealed with the public development key, then the banner says so in words (it was a JSON warning before it), and not when a key is set', () => {
    const input = { documents: [], botPort: 3978, playgroundUrl: 'http://localhost:56150', playgroundHost: '127.0.0.1' };
    expect(localBanner({ ...input, devKey: true })).toMatch(/Reports: +encrypted with the public local development key/);
    expect(localBanner({ ...input, devKey: false })).not.toMatch(/development key/);
  });

  it('when the bot and the Playground are up, then the banner says they answer on 127.0.0.1 only, and why that matters (issue 69)', () => {
    const banner = localBanner({ documents: [], botPort: 3978, playgroundUrl: 'http://localhost:56150', playgroundHost: '127.0.0.1', devKey: false });
    expect(banner).toMatch(/Reachable: +from this computer only: the bot and the Playground listen on 127\.0\.0\.1, never on the network/);
    expect(banner).toContain('anyone who reached them could act as the policy owner and the DSL');
  });

  it('when the Playground answered on another address, then npm run local says what was stopped and why', () => {
    const message = notLoopbackMessage('192.0.2.2', 56150);
    expect(message).toContain('School Policy Bot did not start (nothing is left running).');
    expect(message).toContain('The Agents Playground answered on 192.0.2.2:56150');
  });
});
