import { DraftCheckResult } from '../../../../src/features/policy/drafts/draftChecker';
import { Verbs } from '../../../../src/teams/verbs';
import { BotHost, postActivity } from '../../../support/botHost';
import { startDraftFeatureHost } from '../../../support/draftFeatureHost';
import { FakeConnector, startFakeConnector } from '../../../support/fakeConnector';

/**
 * Issue 69, item 1, over real HTTP (the product's bot app and server with the policy feature, a checker that only
 * counts): one person's drafts are checked one at a time, the rest of their drafts waiting behind it, while another
 * person's draft is checked beside them. Ten pasted at once by one person used to run all at once, and a colleague's
 * waited behind all ten.
 */
describe('one draft per person at a time (issue 69)', () => {
  let host: BotHost;
  let connector: FakeConnector;
  const running = new Map<string, number>();
  const most = new Map<string, number>();
  /** Each check waits until it is let go, so the test sees what runs together. */
  const gates: { who: string; release(): void }[] = [];
  const check = async (draft: string): Promise<DraftCheckResult> => {
    const who = draft.split(':')[0];
    running.set(who, (running.get(who) ?? 0) + 1);
    most.set(who, Math.max(most.get(who) ?? 0, running.get(who)!));
    await new Promise<void>((release) => gates.push({ who, release }));
    running.set(who, running.get(who)! - 1);
    return { verdict: 'fine', concerns: [] };
  };

  beforeAll(async () => {
    connector = await startFakeConnector({ ratePerSecond: 0 });
    host = await startDraftFeatureHost(check);
  });
  afterAll(async () => {
    await host?.close();
    await connector?.close();
  });

  const send = (who: string, n: number) => postActivity(host.botUrl, {
    type: 'invoke', name: 'adaptiveCard/action', channelId: 'msteams', serviceUrl: connector.serviceUrl, id: `${who}-${n}`,
    from: { id: `29:${who}`, aadObjectId: `aad-${who}`, name: who }, recipient: { id: '28:bot', name: 'School Policy Bot' },
    conversation: { id: `a:${who}`, conversationType: 'personal', tenantId: 'tenant-1' }, channelData: { tenant: { id: 'tenant-1' } },
    replyToId: 'card-1', value: { action: { type: 'Action.Execute', verb: Verbs.checkPost, data: { draft: `${who}: draft ${n}`, media: 'none', account: 'personal', audience: 'friends' } }, trigger: 'manual' },
  });
  const until = async (ok: () => boolean): Promise<void> => {
    for (let i = 0; i < 500 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
    expect(ok()).toBe(true);
  };

  it('when one person sends five drafts at once and a colleague one, then the person\'s are checked one at a time, and the colleague\'s beside the first', async () => {
    const answers = [...Array.from({ length: 5 }, (_, i) => send('flooder', i)), send('colleague', 0)];
    // The first of the person's drafts and the colleague's are being checked together; the other four wait.
    await until(() => running.get('flooder') === 1 && running.get('colleague') === 1);
    expect(gates.map((g) => g.who).sort()).toEqual(['colleague', 'flooder']);
    // Let each go as it comes: every one of the person's drafts is checked, one after another.
    for (let released = 0; released < 6; released++) {
      await until(() => gates.length > 0);
      gates.shift()!.release();
    }
    const results = await Promise.all(answers);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(most.get('flooder')).toBe(1);
    expect(most.get('colleague')).toBe(1);
  });
});
