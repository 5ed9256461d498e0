/**
 * Issue 49: what an owner teaches is kept as the owner approved it (names out), sealed like the question log, and
 * erased with the link. The whole bot (startApp, local mode) over real HTTP, reading the SQLite file and its
 * write-ahead log as anyone with a copy of them would.
 */
import fs from 'node:fs';
import { Verbs } from '../../src/teams/verbs';
import { PEOPLE, SecurityBot, askAndSend, readableText, startSecurityBot } from './securityHarness';

/** A word nobody types by chance, in an ordinary question the policy does not answer well, naming a made-up colleague. */
const WORD = 'quendlewick';
import { ORDINARY } from '../support/modelItems';
const QUESTION = ORDINARY.namedChoirPhotos;
const AS_TAUGHT = `can [name] post his ${WORD} choir photos on his own page?`;

interface Action { verb?: string; data?: Record<string, unknown> }

/** Every Action.Execute in what the bot sent or answered, wherever it sits in the card. */
function actionsIn(value: unknown): Action[] {
  const out: Action[] = [];
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) { n.forEach(walk); return; }
    if (!n || typeof n !== 'object') return;
    const o = n as Record<string, unknown>;
    if (o.type === 'Action.Execute') out.push(o as Action);
    Object.values(o).forEach(walk);
  };
  walk(value);
  return out;
}

/** The database file and its write-ahead log, as bytes read as text. */
function databaseFiles(bot: SecurityBot): string {
  const file = bot.app.db.name;
  return [file, `${file}-wal`].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f).toString('latin1')).join('\n');
}

/** Every value of every row of every table, as text. */
function everythingStored(bot: SecurityBot): string {
  const tables = (bot.app.db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[]).map((t) => t.name);
  return tables.map((t) => JSON.stringify(bot.app.db.prepare(`SELECT * FROM "${t}"`).all())).join('\n');
}

/** What the bot sent through the connector while one request ran. */
async function sentDuring(bot: SecurityBot, send: () => Promise<unknown>): Promise<unknown[]> {
  const before = bot.connector.deliveries.length;
  await send();
  return bot.connector.deliveries.slice(before).map((d) => d.activity);
}

describe('a question an owner teaches (issue 49)', () => {
  let bot: SecurityBot;
  let linkId = '';
  let sealedQuestion = '';
  beforeAll(async () => { bot = await startSecurityBot(); });
  afterAll(async () => { await bot?.close(); });

  it('when an owner links a question to a section, then the database files hold no plain text of it, and the owner\'s taught list shows it with the name taken out', async () => {
    const questionIds = [(await askAndSend(bot, PEOPLE.reporter, QUESTION)).questionId];
    const list = await sentDuring(bot, () => bot.message(PEOPLE.owner, 'unanswered'));
    const teach = actionsIn(list).find((a) => a.verb === Verbs.teachAnswer && questionIds.includes(String(a.data?.questionId)));
    expect(teach).toBeDefined();

    const taught = await bot.execute(PEOPLE.owner, Verbs.teachAnswer, teach!.data);

    expect(readableText(taught.body)).toMatch(/Linked/);
    const rows = bot.app.db.prepare('SELECT id, question FROM policy_teaching_links').all() as { id: string; question: string }[];
    expect(rows).toHaveLength(1);
    [{ id: linkId, question: sealedQuestion }] = rows;
    for (const plain of [WORD, 'Wrenfield']) {
      expect(databaseFiles(bot)).not.toContain(plain);
      expect(everythingStored(bot)).not.toContain(plain);
    }
    expect(sealedQuestion).toMatch(/^gcm1\./);
    const shown = readableText(await sentDuring(bot, () => bot.message(PEOPLE.owner, 'taught')));
    expect(shown).toContain(AS_TAUGHT);
    expect(shown).not.toContain('Wrenfield');
  });

  it('when the owner removes the link, then its question is erased from the database files, and who taught and removed which section stays', async () => {
    expect(linkId).not.toBe('');
    const taughtList = await sentDuring(bot, () => bot.message(PEOPLE.owner, 'taught'));
    const remove = actionsIn(taughtList).find((a) => a.verb === Verbs.removeTeaching && a.data?.linkId === linkId);
    expect(remove).toBeDefined();

    const removed = await bot.execute(PEOPLE.owner, Verbs.removeTeaching, remove!.data);

    expect(readableText(removed.body)).toMatch(/Removed/);
    const row = bot.app.db.prepare('SELECT * FROM policy_teaching_links WHERE id = ?').get(linkId) as Record<string, unknown>;
    expect(row).toMatchObject({ taught_by: PEOPLE.owner.aadObjectId, removed_by: PEOPLE.owner.aadObjectId, section: expect.any(String), removed_at: expect.any(String) });
    expect(row.question ?? '').toBe('');
    // The sealed value too: not a trace of the question is left for a key to open later.
    const sealedBody = sealedQuestion.split('.').pop()!;
    expect(sealedBody.length).toBeGreaterThan(20);
    expect(databaseFiles(bot)).not.toContain(sealedBody);
    expect(readableText(await sentDuring(bot, () => bot.message(PEOPLE.owner, 'taught')))).not.toContain(AS_TAUGHT);
  });
});
