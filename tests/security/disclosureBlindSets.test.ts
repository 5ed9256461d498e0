import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main as policyBot } from '../../src/cli/policyBot';
import { createQuestionSealing } from '../../src/adapters/questionSealing';
import { openSqliteDatabase } from '../../src/adapters/sqlite/sqliteDatabase';
import { createSqliteQuestionLog } from '../../src/adapters/sqlite/sqliteQuestionLog';
import { redactNames } from '../../src/features/policy/teaching/redactNames';
import { sendingStepOf } from '../support/cardAssertions';
import { ProductionBot, startProductionBot } from '../support/productionBot';
import { REPO_ROOT } from '../support/repoRoot';
import { readableText } from './securityHarness';

/**
 * Issue 48, done when: "zero disclosure texts in `unanswered` after pressing No on every missed one", over HTTP in
 * production mode (real Bot Framework token checks, the fake connector). Every message of both blind sets (written by
 * helpers who saw no code, list or training data; never trained or tuned on) is typed by a different member of staff
 * in their 1:1 chat; every "No" the bot offers is pressed; then the policy owner reads `unanswered` on the card and
 * with the CLI. No disclosure may be there, nor kept in the question log at all. This test asserts what reaches the
 * owner, not the detector's rates: `npm run eval:disclosure` prints those.
 */
const TENANT = 'tenant-1';
const KEY = crypto.randomBytes(32).toString('base64');
const OWNER = { id: '29:owner', aadObjectId: 'aad-blind-owner', name: 'Policy Owner' };

interface BlindCase { text: string; disclosure: boolean; kind: string }
const blind: BlindCase[] = ['disclosure-blind.jsonl', 'disclosure-blind-2.jsonl'].flatMap((f) => fs.readFileSync(path.join(REPO_ROOT, 'research', 'eval', f), 'utf8')
  .split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as BlindCase));

/** What shows a message reached the owner: its first words as the card and the CLI print them (names out), lower-cased. */
const fingerprint = (text: string): string => redactNames(text).toLowerCase().replace(/\s+/g, ' ').trim().slice(0, 60);

describe('the blind disclosure sets over HTTP in production: nothing a child told staff reaches the policy owner (issue 48)', () => {
  let dir: string;
  let bot: ProductionBot;
  const person = (i: number) => ({ id: `29:blind-${i}`, aadObjectId: `aad-blind-${i}`, name: `Staff ${i}` });
  const personal = (p: { aadObjectId: string }) => ({ id: `a:${p.aadObjectId}`, conversationType: 'personal', tenantId: TENANT });
  const channelData = { tenant: { id: TENANT } };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'blind-disclosures-'));
    // Teams' budget is lifted (the fake connector has none): the bot's replies to 600 messages and their presses, paced
    // at Teams' 50 a second, held this test up for about 10 s. What reaches the owner does not depend on the pace.
    bot = await startProductionBot({
      CONCERN_ENCRYPTION_KEY: KEY, SQLITE_PATH: path.join(dir, 'bot.sqlite'), POLICY_OWNERS: OWNER.aadObjectId, SEND_RATE_PER_SECOND: '1000',
    });
  }, 60_000);
  afterAll(async () => {
    await bot?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('when every blind message is asked and sent to the owners wherever its reply offers it, then no disclosure is kept or listed in unanswered, on the card or in the CLI', async () => {
    expect(blind.filter((c) => c.disclosure).length).toBeGreaterThanOrEqual(300);
    let pressed = 0;
    for (const [i, c] of blind.entries()) {
      const p = person(i);
      const before = bot.connector.deliveries.length;
      expect((await bot.post({ type: 'message', text: c.text, textFormat: 'plain', from: p, conversation: personal(p), channelData })).status).toBe(200);
      // The worst case: the person sends every question to the owners as its reply offers (issue 69: nothing is kept
      // unless they do): at once on "not covered", after No on an answer or "None of these" on a "not sure" reply.
      const press = async (verb: string, data: Record<string, unknown>) => {
        const res = await bot.post({
          type: 'invoke', name: 'adaptiveCard/action', from: p, conversation: personal(p), channelData, replyToId: 'card-1',
          value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
        });
        expect(res.status).toBe(200);
        return res.body;
      };
      let { send, first } = sendingStepOf(bot.connector.deliveries.slice(before).map((d) => d.activity));
      if (!send && first) send = sendingStepOf(await press(first.verb, first.data)).send;
      if (send) {
        await press(send.verb, { ...send.data, question: c.text.trim().slice(0, 500) });
        pressed++;
      }
    }
    // Ordinary questions were sent: the owner's list is not empty for want of trying.
    expect(pressed).toBeGreaterThan(100);

    const before = bot.connector.deliveries.length;
    await bot.post({ type: 'message', text: 'unanswered', textFormat: 'plain', from: OWNER, conversation: personal(OWNER), channelData });
    const card = readableText(bot.connector.deliveries.slice(before).map((d) => d.activity)).toLowerCase().replace(/\s+/g, ' ');
    expect(card).toMatch(/questions were held back \d+ times \(not kept, never shown; an edited question sent again counts again\) because they may be about a particular child/);

    const printed: string[] = [];
    const log = jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => { printed.push(args.join(' ')); });
    try {
      expect(await policyBot(['unanswered', '--db', path.join(dir, 'bot.sqlite'), '--limit', '1000'], { CONCERN_ENCRYPTION_KEY: KEY })).toBe(0);
    } finally {
      log.mockRestore();
    }
    const listed = printed.join('\n').toLowerCase().replace(/\s+/g, ' ');
    expect(listed).toMatch(/not covered|not helpful/);

    const leaked = blind.filter((c) => {
      if (!c.disclosure) return false;
      const words = fingerprint(c.text);
      return card.includes(words) || listed.includes(words);
    });
    expect(leaked.map((c) => `[${c.kind}] ${c.text}`)).toEqual([]);

    // Nor is any kept, read with the key: every question sent was a failure (not covered, No, or "None of these").
    const db = openSqliteDatabase(path.join(dir, 'bot.sqlite'));
    try {
      const kept = new Set((await createSqliteQuestionLog(db, createQuestionSealing(KEY)).listFailed(10_000)).map((q) => q.question));
      expect(kept.size).toBeGreaterThan(100);
      expect(blind.filter((c) => c.disclosure && kept.has(c.text.trim().slice(0, 500))).map((c) => c.text)).toEqual([]);
    } finally {
      db.close();
    }
  }, 600_000);
});
