/**
 * Issue 49, "leavers and accounts that are not staff": an acknowledgement counts only from someone on the staff list who
 * has not left. A pupil's account, or a member of staff the staff sync has marked as departed, pressing Acknowledge or
 * opening the campaign's reader is told politely that it is for current staff and whom to ask, and nothing is recorded
 * but an audit line; status, the people lists, reminders and the export neither count nor list leavers. Reporting a
 * concern is never refused to anyone in the tenant, and a leaver's policy question is still answered. Runs the whole
 * bot (startApp, local mode) over real HTTP, its staff list synced from a roster file the test edits.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { Verbs } from '../../src/teams/verbs';
import { executeActions, pressData } from '../support/cardAssertions';
import { waitFor } from '../support/waitFor';
import { PEOPLE, Person, SecurityBot, concernForm, readableText, startSecurityBot } from './securityHarness';

const LEAVER: Person = { id: '29:sec-leaver', aadObjectId: 'aad-sec-leaver', name: 'Lee Leaver' };
/** Acknowledges while on the staff, then leaves. */
const EARLY: Person = { id: '29:sec-early', aadObjectId: 'aad-sec-early', name: 'Ada Early' };
/** A pupil's account in the school's tenant: never on the staff list. */
const PUPIL: Person = { id: '29:sec-pupil', aadObjectId: 'aad-sec-pupil', name: 'Pat Pupil' };
const FILLERS: Person[] = [1, 2, 3].map((n) => ({ id: `29:sec-staff-${n}`, aadObjectId: `aad-sec-staff-${n}`, name: `Sam Staff ${n}` }));
const STAFF: Person[] = [PEOPLE.owner, PEOPLE.dsl, PEOPLE.deputy, PEOPLE.head, PEOPLE.reporter, LEAVER, EARLY, ...FILLERS];

const rosterOf = (people: Person[]) => ['aadObjectId,name,upn,department,school,manager',
  ...people.map((p) => `${p.aadObjectId},${p.name},${p.aadObjectId}@school.example,${p === PEOPLE.owner ? 'Leadership' : 'Teaching'},Northfield,`)].join('\n');

const REFUSED = /this acknowledgement is for current staff/i;

describe('acknowledgements count only from current staff (issue 49)', () => {
  let bot: SecurityBot;
  let dir: string;
  let roster: string;
  let campaignId: string;
  /** The campaign card's Acknowledge and Read the policy data, as the card carries them. */
  let ackData: Record<string, unknown>;
  let readData: Record<string, unknown>;

  const db = () => bot.app.db;
  const one = <T>(sql: string, ...params: unknown[]) => db().prepare(sql).get(...params) as T;
  const until = async (what: string, ok: () => boolean, timeoutMs = 15_000): Promise<void> => { await waitFor(ok, { what, timeoutMs }); };
  /** Everything a person reads in answer to one request: the invoke's card or text, and the messages sent meanwhile. */
  async function answerTo(send: () => Promise<{ status: number; body: unknown }>) {
    const before = bot.connector.deliveries.length;
    const res = await send();
    expect(res.status).toBe(200);
    const sent = bot.connector.deliveries.slice(before);
    return [readableText((res.body as { value?: unknown } | undefined)?.value), ...sent.map((d) => readableText(d.activity))].join('\n');
  }
  const acks = (p: Person) => one<{ n: number }>('SELECT COUNT(*) AS n FROM ack_acknowledgements WHERE user_id = ?', p.aadObjectId).n;
  const reads = (p: Person) => one<{ n: number }>('SELECT COUNT(*) AS n FROM ack_policy_reads WHERE user_id = ?', p.aadObjectId).n;
  const status = () => answerTo(() => bot.message(PEOPLE.owner, `campaign status ${campaignId}`));
  const leftCampaign = () => one<{ n: number }>(`SELECT COUNT(*) AS n FROM ack_deliveries WHERE campaign_id = ? AND state = 'left'`, campaignId).n;
  /**
   * The owner's status once the staff sync, which runs on its own, has taken the staff list's changes into the campaign
   * (`left` people marked as having left it): asked then, rather than asked again and again until it reads right.
   */
  async function statusOnceLeft(left: number): Promise<string> {
    await waitFor(() => leftCampaign() === left, { what: `the sync to count ${left} people as left in the campaign`, timeoutMs: 15_000, seen: deliveryStates });
    return status();
  }
  /** Each delivery's person and state, for a wait that runs out to say what it saw. */
  const deliveryStates = () => db().prepare('SELECT user_id AS user, state FROM ack_deliveries WHERE campaign_id = ? ORDER BY user_id').all(campaignId);
  /** Marks a person departed the way the school does: out of the roster, and the next sync marks them. */
  async function leave(p: Person) {
    const kept = STAFF.filter((s) => s !== p && one<{ active: number } | undefined>('SELECT active FROM ack_staff WHERE user_id = ?', s.aadObjectId)?.active === 1);
    fs.writeFileSync(roster, rosterOf(kept));
    await until(`the sync to mark ${p.name} departed`, () => one<{ active: number }>('SELECT active FROM ack_staff WHERE user_id = ?', p.aadObjectId).active === 0);
  }

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leavers-'));
    roster = path.join(dir, 'roster.csv');
    fs.writeFileSync(roster, rosterOf(STAFF));
    // The owner asks for status many times while the sync and the scheduler catch up: no per-person limit in the way.
    bot = await startSecurityBot({ env: { ROSTER_FILE: roster, STAFF_SYNC_MINUTES: '0.01', ACK_SCHEDULE_MINUTES: '0.01', QUESTIONS_PER_PERSON_PER_HOUR: '1000' } });
    await until('the first staff sync', () => one<{ n: number }>('SELECT COUNT(*) AS n FROM ack_staff WHERE active = 1').n === STAFF.length);
    // Everyone has opened a chat with the bot, so the campaign's card reaches them (and a reminder could).
    for (const p of [...STAFF, PUPIL]) await bot.message(p, 'help');

    const preview = await (async () => {
      const before = bot.connector.deliveries.length;
      await bot.message(PEOPLE.owner, 'campaign start all');
      return bot.connector.deliveries.slice(before).find((d) => readableText(d.activity).includes('Start this campaign?'))!.activity;
    })();
    const card = (preview.attachments as { content: unknown }[])[0].content;
    const start = executeActions(card).find((a) => a.verb === Verbs.campaignStart)!;
    expect((await bot.execute(PEOPLE.owner, Verbs.campaignStart, pressData(card, start))).status).toBe(200);
    await until('every card sent', () => one<{ n: number }>(`SELECT COUNT(*) AS n FROM ack_deliveries WHERE state = 'sent'`).n === STAFF.length, 30_000);
    campaignId = one<{ id: string }>('SELECT id FROM ack_campaigns').id;
    const staffCard = bot.connector.deliveries.find((d) => d.conversationId === `a:${FILLERS[0].aadObjectId}` && readableText(d.activity).includes('I have read and understood'))!;
    const actions = executeActions((staffCard.activity.attachments as { content: unknown }[])[0].content);
    ackData = actions.find((a) => a.verb === Verbs.acknowledge)!.data;
    readData = actions.find((a) => a.verb === Verbs.readPolicy)!.data;
    expect(ackData).toMatchObject({ campaignId });
  }, 90_000);

  afterAll(async () => {
    await bot?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('when a pupil presses Acknowledge on the campaign\'s card, then they are told politely it is for current staff and whom to ask, nothing is recorded but an audit line, and status still counts 0 of 10', async () => {
    const answer = await answerTo(() => bot.execute(PUPIL, Verbs.acknowledge, ackData));
    expect(answer).toMatch(REFUSED);
    expect(answer).toContain('your account is not on the school\'s staff list');
    expect(answer).toContain('ask Olive Owner');
    expect(answer).not.toContain('You acknowledged');
    expect(acks(PUPIL)).toBe(0);
    expect(one<{ n: number }>('SELECT COUNT(*) AS n FROM ack_acknowledgements').n).toBe(0);
    const audit = db().prepare(`SELECT actor, action, subject, details FROM ack_audit WHERE actor = ?`).all(PUPIL.aadObjectId);
    expect(audit).toEqual([{ actor: PUPIL.aadObjectId, action: 'acknowledgement.refused', subject: campaignId, details: JSON.stringify({ reason: 'notOnStaffList', what: 'acknowledge' }) }]);
    expect(await status()).toContain('0 of 10 acknowledged');
  });

  it('when a pupil opens the campaign\'s reader, then they are told the same and no read is recorded', async () => {
    const answer = await answerTo(() => bot.execute(PUPIL, Verbs.readPolicy, readData));
    expect(answer).toMatch(REFUSED);
    expect(answer).not.toContain('Contents');
    const page = await answerTo(() => bot.execute(PUPIL, Verbs.readPage, { ...readData, page: '1' }));
    expect(page).toMatch(REFUSED);
    expect(reads(PUPIL)).toBe(0);
    // A member of staff reads it as before.
    const staffRead = await answerTo(() => bot.execute(FILLERS[0], Verbs.readPolicy, readData));
    expect(staffRead).not.toMatch(REFUSED);
    expect(reads(FILLERS[0])).toBe(1);
  });

  it('when the staff sync marks people as departed, then status, the outstanding list and reminders leave them out (the export keeps their record, marked as left), an acknowledgement made before leaving no longer counts, and a leaver\'s press is refused', async () => {
    expect(await answerTo(() => bot.execute(EARLY, Verbs.acknowledge, ackData))).toContain('You acknowledged this on');
    expect(await status()).toContain('1 of 10 acknowledged');
    await leave(EARLY);
    await leave(LEAVER);

    const shown = await statusOnceLeft(2);
    expect(shown).toContain('0 of 8 acknowledged');
    expect(shown).toContain('2 people have left the staff list since the campaign reached them: they are not counted here, and the export keeps their record.');
    for (const p of [LEAVER, EARLY]) expect(shown).not.toContain(p.name);
    expect(shown).toContain(FILLERS[0].name);

    const beforeReminders = bot.connector.deliveries.length;
    await answerTo(() => bot.message(PEOPLE.owner, `campaign remind ${campaignId}`));
    await until('the reminder pass', () => db().prepare(`SELECT 1 FROM ack_audit WHERE action = 'campaign.reminded'`).get() !== undefined);
    const reminded = bot.connector.deliveries.slice(beforeReminders).map((d) => d.conversationId);
    expect(reminded).toContain(`a:${FILLERS[0].aadObjectId}`);
    for (const p of [LEAVER, EARLY]) expect(reminded).not.toContain(`a:${p.aadObjectId}`);

    const exported = await answerTo(() => bot.message(PEOPLE.owner, `campaign export ${campaignId}`));
    await until('the export link', () => bot.connector.updates.some((u) => readableText(u.activity).includes('/files/')) || /\/files\//.test(exported));
    const link = [exported, ...bot.connector.updates.map((u) => readableText(u.activity))].join('\n').match(/https?:\/\/[^\s"]+\/files\/[^\s")]+/)![0];
    const rows = parse(await (await fetch(link)).text()) as string[][];
    const names = rows.slice(1).map((r) => r[0]);
    expect(names).toHaveLength(10);
    for (const p of [LEAVER, EARLY]) expect(rows.find((r) => r[0] === p.name)?.join(',')).toMatch(/left the staff list/);

    const answer = await answerTo(() => bot.execute(LEAVER, Verbs.acknowledge, ackData));
    expect(answer).toMatch(REFUSED);
    expect(answer).toContain('the school\'s staff list shows you have left');
    expect(acks(LEAVER)).toBe(0);
    expect(await answerTo(() => bot.execute(LEAVER, Verbs.readPolicy, readData))).toMatch(REFUSED);
    expect(await status()).toContain('0 of 8 acknowledged');
  });

  it('when a leaver comes back onto the staff list, then they count again, their earlier acknowledgement with them', async () => {
    fs.writeFileSync(roster, rosterOf(STAFF));
    await until('the sync to mark them back', () => one<{ n: number }>('SELECT COUNT(*) AS n FROM ack_staff WHERE active = 1').n === STAFF.length);
    // The owner's status once it counts them again (the sync puts a returned leaver's delivery back; the scheduler runs
    // beside it), asked until it does.
    const shown = await waitFor(async () => { const now = await status(); return now.includes('1 of 10 acknowledged') && now; },
      { what: 'the owner\'s status to count the returned leaver again', timeoutMs: 15_000, intervalMs: 200, seen: deliveryStates });
    expect(shown).toContain('1 of 10 acknowledged');
    expect(leftCampaign()).toBe(0);
    await leave(LEAVER);
  });

  it('when a pupil or a leaver reports a concern, then it is recorded and sent as anyone\'s is: reporting is never refused', async () => {
    for (const p of [PUPIL, LEAVER]) {
      const answer = await answerTo(() => bot.execute(p, Verbs.concernSubmit, concernForm()));
      expect(answer).toContain('Your report is recorded');
      expect(answer).not.toMatch(REFUSED);
    }
    expect(one<{ n: number }>('SELECT COUNT(*) AS n FROM concerns').n).toBe(2);
  });

  it('when a leaver asks a policy question, then it is answered from the policy (the policy is not secret)', async () => {
    const answer = await answerTo(() => bot.message(LEAVER, 'Can I accept a friend request from a parent?'));
    expect(answer).toMatch(/section/i);
    expect(answer).not.toMatch(REFUSED);
  });
});
