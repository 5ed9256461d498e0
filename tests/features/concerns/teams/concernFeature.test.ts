import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPORT_CONCERN_COMMAND_ID } from '../../../../src/features/concerns/teams/concernFeature';
import { FakeConnector, startFakeConnector } from '../../../support/fakeConnector';
import { Verbs } from '../../../../src/teams/verbs';
import { openSqliteDatabase, SqliteDatabase } from '../../../../src/adapters/sqlite/sqliteDatabase';
import { cardProblems, cardVerbs, shownText } from '../../../support/cardAssertions';
import { formFor, SECRET_TEXT } from '../domain/concernFakes';
import { CHANNEL, cardOf, cardsIn, ENV, PEOPLE, referenceIn, startBot } from './concernBotDriver';

describe('concern feature over HTTP', () => {
  let connector: FakeConnector;
  let bot: Awaited<ReturnType<typeof startBot>>;
  let db: SqliteDatabase;

  beforeEach(async () => {
    // A channel that is down says when to try again (at once): the connector client's own retries then take no 7 s.
    connector = await startFakeConnector({ ratePerSecond: 0, failingRetryAfterSeconds: 0 });
    db = openSqliteDatabase(':memory:');
    bot = await startBot(connector.url, db, ENV);
  });
  afterEach(async () => {
    await bot.close();
    await connector.close();
    db.close();
  });

  const messagesTo = (conversationPrefix: string) =>
    connector.calls.filter((c) => c.status < 300 && c.conversationId.startsWith(conversationPrefix) && c.method === 'POST' && c.body.type === 'message');

  test('when a report is submitted, then it appears in the DSL channel, is acknowledged and closed by the team, and the reporter is told each step', async () => {
    // 1. "report a concern" in the 1:1 chat brings the first step: what kind of concern, then Next.
    await bot.message(PEOPLE.reporter, 'report a concern');
    const [formPost] = messagesTo('a:personal-29:reporter');
    const stepOne = cardsIn(formPost)[0];
    expect(stepOne).toMatchObject({ type: 'AdaptiveCard', version: '1.5' });
    expect(cardVerbs(stepOne)).toEqual([Verbs.concernChooseKind]);

    // 1b. Next without a kind (and not urgent) asks for the kind; with one, the form for that kind, its required fields marked.
    const noKind = JSON.stringify(cardOf((await bot.execute(PEOPLE.reporter, Verbs.concernChooseKind, { immediateDanger: 'false' })).body));
    expect(noKind).toContain('What kind of concern: choose one');
    const stepTwo = cardOf((await bot.execute(PEOPLE.reporter, Verbs.concernChooseKind, { kind: 'colleagueConduct', immediateDanger: 'false' })).body);
    expect(cardProblems(stepTwo)).toEqual([]);
    expect(JSON.stringify(stepTwo)).toContain('Where (platform or place) (required)');
    expect(JSON.stringify(stepTwo)).toContain('Who is involved (required)');
    expect(cardVerbs(stepTwo).sort()).toEqual([Verbs.concernChooseKind, Verbs.concernSubmit].sort());

    // 2. A half-filled form that is not urgent comes back with everything typed still there and what is missing named.
    const half = await bot.execute(PEOPLE.reporter, Verbs.concernSubmit, { kind: 'childSafety', whatHappened: SECRET_TEXT.whatHappened, immediateDanger: 'false' });
    const halfCard = JSON.stringify(cardOf(half.body));
    expect(halfCard).toContain(SECRET_TEXT.whatHappened);
    expect(halfCard).toContain('When it happened: please fill this in');
    expect(halfCard).not.toContain('What happened: please fill this in');
    expect(messagesTo(CHANNEL)).toHaveLength(0);

    // 3. The complete form: the reporter gets the reference, the role, and "call 999" first (urgent).
    const sent = await bot.execute(PEOPLE.reporter, Verbs.concernSubmit, formFor('childSafety', { immediateDanger: 'true' }));
    const ref = referenceIn(db);
    const receipt = cardOf(sent.body);
    expect(cardProblems(receipt)).toEqual([]);
    const receiptText = JSON.stringify(receipt);
    expect(receiptText).toContain(ref);
    expect(receiptText).toContain('It has reached the Designated Safeguarding Lead team');
    expect(receiptText.indexOf('call 999')).toBeLessThan(receiptText.indexOf(ref));
    expect(receiptText).not.toContain('Dana DSL');

    // 4. The channel has the alert: reference, kind, urgency, time and status, and no details or names (a
    // private channel can hold people outside the safeguarding team).
    const channelPosts = messagesTo(CHANNEL);
    expect(channelPosts).toHaveLength(1);
    const alert = cardsIn(channelPosts[0])[0];
    expect(cardProblems(alert)).toEqual([]);
    expect(JSON.stringify(alert)).toContain(ref);
    expect(JSON.stringify(alert)).toContain('URGENT');
    for (const secret of [...Object.values(SECRET_TEXT), 'Robin Reporter']) expect(JSON.stringify(alert)).not.toContain(secret);

    // 4b. A team member opens it: the details come back to them alone (an invoke response with no refresh,
    // which teams-ai returns to the person who pressed, rather than replacing the message for everyone).
    const opened = await bot.execute(PEOPLE.dsl, Verbs.concernOpen, { reference: ref }, bot.channel, 'channel-card-1');
    const openedCard = cardOf(opened.body);
    expect(JSON.stringify(openedCard)).toContain(SECRET_TEXT.whatHappened);
    expect(JSON.stringify(openedCard)).toContain('Robin Reporter');
    expect(openedCard.refresh).toBeUndefined();
    const peek = await bot.execute(PEOPLE.outsider, Verbs.concernOpen, { reference: ref }, bot.channel, 'channel-card-1');
    expect(peek.body).toMatchObject({ value: expect.stringContaining(`No concern was found with the reference ${ref}.`) });
    expect(JSON.stringify(peek.body)).not.toContain(SECRET_TEXT.whatHappened);

    // 5. Someone outside the team cannot act, and is told so clearly.
    const refused = await bot.execute(PEOPLE.outsider, Verbs.concernAcknowledge, { reference: ref }, bot.channel);
    expect(refused.body).toMatchObject({ type: 'application/vnd.microsoft.activity.message', value: expect.stringContaining(`No concern was found with the reference ${ref}.`) });

    // 6. The DSL acknowledges: the card is updated in place for everyone and the reporter is told.
    const acked = await bot.execute(PEOPLE.dsl, Verbs.concernAcknowledge, { reference: ref }, bot.channel, 'channel-card-1');
    const ackCard = JSON.stringify(cardOf(acked.body));
    expect(ackCard).toContain('Dana DSL: Acknowledged');
    const updates = connector.calls.filter((c) => c.method === 'PUT' && c.path.includes('channel-card-1'));
    expect(updates.length).toBeGreaterThanOrEqual(1);
    // The update everyone sees says what changed, still without details or names.
    const updatedCard = JSON.stringify((updates[updates.length - 1].body as { attachments: unknown[] }).attachments);
    expect(updatedCard).toContain('Acknowledged, being dealt with');
    expect(updatedCard).not.toContain('Dana DSL');
    // Whoever acted keeps their own view: the update lists them (by Teams user id) for an automatic Open, which
    // gives them the details back as their own invoke response and is recorded as a view, tagged as a refresh.
    const refresh = ((updates[updates.length - 1].body as { attachments: { content: { refresh?: { userIds: string[]; action: { verb: string; data: object } } } }[] })
      .attachments[0].content.refresh)!;
    expect(refresh.userIds).toEqual([PEOPLE.dsl.id]);
    expect(refresh.action).toMatchObject({ verb: Verbs.concernOpen, data: { reference: ref, refresh: true } });
    const viewsBefore = (db.prepare("SELECT COUNT(*) AS n FROM concern_events WHERE type = 'viewed'").get() as { n: number }).n;
    const own = await bot.invoke(PEOPLE.dsl, 'adaptiveCard/action', { action: { type: 'Action.Execute', verb: Verbs.concernOpen, data: refresh.action.data }, trigger: 'automatic' }, bot.channel);
    expect(JSON.stringify(cardOf(own.body))).toContain('Dana DSL: Acknowledged');
    expect((db.prepare("SELECT COUNT(*) AS n FROM concern_events WHERE type = 'viewed'").get() as { n: number }).n).toBe(viewsBefore + 1);
    const reporterChat = () => messagesTo('a:personal-29:reporter').map((c) => String(c.body.text ?? ''));
    expect(reporterChat()).toContain(`Your report ${ref} has been read by the Designated Safeguarding Lead team. Thank you for raising it.`);

    // 7. A note, then Close with an outcome; the reporter is told it is closed, with no details.
    await bot.execute(PEOPLE.deputy, Verbs.concernAddNote, { reference: ref, note: SECRET_TEXT.note }, bot.channel, 'channel-card-1');
    const closed = await bot.execute(PEOPLE.deputy, Verbs.concernClose, { reference: ref, outcome: SECRET_TEXT.outcome }, bot.channel, 'channel-card-1');
    const closedCard = JSON.stringify(cardOf(closed.body));
    expect(closedCard).toContain('Closed');
    expect(closedCard).toContain(`Dev Deputy: Note: ${SECRET_TEXT.note}`);
    expect(reporterChat()).toContain(`Your report ${ref} has been closed by the Designated Safeguarding Lead team. Thank you. If you have a new worry, report it again.`);

    // Nothing of the report or the triage was posted anywhere, the channel included: the details travelled only
    // in invoke responses to the team members who opened the case.
    for (const secret of [...Object.values(SECRET_TEXT), 'Robin Reporter']) {
      expect(JSON.stringify(connector.calls.map((c) => (c.body as { attachments?: unknown; text?: unknown }).attachments ?? (c.body as { text?: unknown }).text))).not.toContain(secret);
    }
    // And nothing of it reached the logs.
    for (const secret of [...Object.values(SECRET_TEXT), 'Robin Reporter']) expect(bot.logLines()).not.toContain(secret);
  });

  test('when a team member assigns and records an action, then the card shows both; a bad choice comes back named on the card', async () => {
    await bot.execute(PEOPLE.reporter, Verbs.concernSubmit, formFor('allegation', { aboutHeadteacher: 'true' }));
    const ref = referenceIn(db);
    // The report about the headteacher went only to the chair of governors; the DSL can still triage it by reference.
    expect(connector.calls.filter((c) => c.path === '/v3/conversations').map((c) => (c.body.members as { id: string }[])[0].id)).toEqual(['aad-chair']);
    const dm = bot.personal(PEOPLE.dsl);
    const assigned = await bot.execute(PEOPLE.dsl, Verbs.concernAssign, { reference: ref, assigneeId: PEOPLE.deputy.aadObjectId }, dm);
    expect(JSON.stringify(cardOf(assigned.body))).toContain('Dana DSL: Assigned to Dev Deputy');
    const action = await bot.execute(PEOPLE.deputy, Verbs.concernRecordAction, { reference: ref, actionType: 'lado', actionDetail: 'LADO advice sought by phone' }, bot.personal(PEOPLE.deputy));
    expect(JSON.stringify(cardOf(action.body))).toContain('Dev Deputy: Referral to the LADO: LADO advice sought by phone');
    const bad = await bot.execute(PEOPLE.dsl, Verbs.concernAssign, { reference: ref, assigneeId: PEOPLE.outsider.aadObjectId }, dm);
    const badCard = cardOf(bad.body);
    expect(cardProblems(badCard)).toEqual([]);
    expect(JSON.stringify(badCard)).toContain('Choose a member of the safeguarding team to assign.');
  });

  test('when a reporter ticks "about the headteacher" on an allegation, then changes the kind to a child\'s safety, then the report goes to the safeguarding team, not to the chair alone', async () => {
    const allegation = cardOf((await bot.execute(PEOPLE.reporter, Verbs.concernChooseKind, { kind: 'allegation', immediateDanger: 'false' })).body);
    const keptOf = (card: unknown) => JSON.parse(JSON.parse((JSON.stringify(card).match(/"kept":("(?:[^"\\]|\\.)*")/) ?? [])[1]!)) as Record<string, unknown>;
    // "Change kind" from the allegation's form with the box ticked: the flag rides in the kept text to the child's form.
    const childForm = cardOf((await bot.execute(PEOPLE.reporter, Verbs.concernChooseKind, { ...keptOf(allegation), kind: 'childSafety', aboutHeadteacher: 'true', immediateDanger: 'false' })).body);
    const before = connector.calls.length;
    // The child's form has no headteacher box, so its inputs carry no aboutHeadteacher: the kept flag would stand.
    const { aboutHeadteacher: _noBox, ...inputs } = formFor('childSafety');
    expect(keptOf(childForm).aboutHeadteacher).toBe(true);
    const sent = await bot.execute(PEOPLE.reporter, Verbs.concernSubmit, { ...inputs, kept: JSON.stringify(keptOf(childForm)) });
    expect(JSON.stringify(cardOf(sent.body))).not.toContain('chair of governors');
    const delivered = connector.calls.slice(before);
    // It reached the safeguarding team's place (the channel), and no 1:1 chat with the chair was opened for it.
    expect(delivered.some((c) => c.conversationId.startsWith(CHANNEL))).toBe(true);
    expect(delivered.filter((c) => c.path === '/v3/conversations').map((c) => (c.body.members as { id: string }[])[0].id)).not.toContain('aad-chair');
  });

  test('when the same form is sent twice (Send pressed twice, or again after a slow answer), then it is one report with one reference and one alert; changed, it is a second', async () => {
    const keptOf = (card: unknown) => JSON.parse(JSON.parse((JSON.stringify(card).match(/"kept":("(?:[^"\\]|\\.)*")/) ?? [])[1]!)) as Record<string, unknown>;
    const form = cardOf((await bot.execute(PEOPLE.reporter, Verbs.concernChooseKind, { kind: 'onlineAbuse', immediateDanger: 'false' })).body);
    const { formId } = keptOf(form);
    expect(formId).toMatch(/^[0-9a-f]{32}$/);
    const reports = () => (db.prepare('SELECT COUNT(*) AS n FROM concerns').get() as { n: number }).n;
    const before = reports();
    const data = { ...formFor('onlineAbuse'), kept: JSON.stringify(keptOf(form)) };
    const [first, second] = await Promise.all([
      bot.execute(PEOPLE.reporter, Verbs.concernSubmit, data), bot.execute(PEOPLE.reporter, Verbs.concernSubmit, data),
    ]);
    const again = await bot.execute(PEOPLE.reporter, Verbs.concernSubmit, data);
    expect(reports()).toBe(before + 1);
    const ref = referenceIn(db);
    for (const answer of [first, second, again]) expect(JSON.stringify(cardOf(answer.body))).toContain(ref);
    expect(JSON.stringify([second.body, again.body])).toContain('You had already sent this report');
    // The same form with other words is a report of its own, never lost.
    await bot.execute(PEOPLE.reporter, Verbs.concernSubmit, { ...data, whatHappened: `${SECRET_TEXT.whatHappened} It happened again tonight.` });
    expect(reports()).toBe(before + 2);
    // Another form, even with the same words, is another report (two incidents written alike).
    const other = cardOf((await bot.execute(PEOPLE.reporter, Verbs.concernChooseKind, { kind: 'onlineAbuse', immediateDanger: 'false' })).body);
    expect(keptOf(other).formId).not.toBe(formId);
    await bot.execute(PEOPLE.reporter, Verbs.concernSubmit, { ...formFor('onlineAbuse'), kept: JSON.stringify(keptOf(other)) });
    expect(reports()).toBe(before + 3);
  });

  test('when a note arrives that is not text (a forged card) or is too long, then the card says what is wrong and nothing goes into the chronology', async () => {
    await bot.execute(PEOPLE.reporter, Verbs.concernSubmit, formFor('childSafety'));
    const ref = referenceIn(db);
    const dm = bot.personal(PEOPLE.dsl);
    const notes = () => (db.prepare("SELECT COUNT(*) AS n FROM concern_events WHERE type = 'noteAdded'").get() as { n: number }).n;
    const before = notes();
    for (const note of [{ text: 'obj' }, ['a', 'b'], 12345, null]) {
      const answer = JSON.stringify(cardOf((await bot.execute(PEOPLE.dsl, Verbs.concernAddNote, { reference: ref, note }, dm)).body));
      expect(answer).toContain('A note is needed.');
      expect(answer).not.toContain('[object Object]');
    }
    const long = JSON.stringify(cardOf((await bot.execute(PEOPLE.dsl, Verbs.concernAddNote, { reference: ref, note: 'y'.repeat(4001) }, dm)).body));
    expect(long).toContain('A note is 4001 characters; the limit is 4000.');
    expect(notes()).toBe(before);
    await bot.execute(PEOPLE.dsl, Verbs.concernAddNote, { reference: ref, note: 'Spoke to the class teacher.' }, dm);
    expect(notes()).toBe(before + 1);
  });

  test('when a report needs looking at today, then the DSL\'s `concerns` list says so in the words of the alert, never "not urgent"', async () => {
    await bot.execute(PEOPLE.reporter, Verbs.concernSubmit, formFor('childSafety', { howSoon: 'today' }));
    const ref = referenceIn(db);
    const alertText = shownText(cardsIn(messagesTo(CHANNEL)[0])[0]);
    expect(alertText).toContain('Needs looking at today');

    await bot.message(PEOPLE.dsl, 'concerns');
    const [listPost] = messagesTo('a:personal-29:dsl');
    const list = cardsIn(listPost)[0];
    expect(cardProblems(list)).toEqual([]);
    const listText = shownText(list);
    expect(listText).toContain(`${ref}: A child's safety`);
    expect(listText).toMatch(/^New · Needs looking at today · reported /m);
    expect(listText).not.toMatch(/not urgent/i);
  });

  test('when the concernStart button is pressed on another card, then the form arrives in the chat and the pressed card stays', async () => {
    const pressed = await bot.execute(PEOPLE.reporter, Verbs.concernStart, {});
    expect(pressed.body).toMatchObject({ type: 'application/vnd.microsoft.activity.message', value: 'The form is in the chat below.' });
    expect(JSON.stringify(cardsIn(messagesTo('a:personal-29:reporter')[0]))).toContain('Report a concern');
  });

  test('when a triage action is attempted in an ordinary group chat, then nothing is shown there', async () => {
    await bot.execute(PEOPLE.reporter, Verbs.concernSubmit, formFor('childSafety'));
    const ref = referenceIn(db);
    const group = { id: '19:staffroom@thread.v2', conversationType: 'groupChat', isGroup: true, tenantId: 'tenant-1' };
    const opened = await bot.execute(PEOPLE.dsl, Verbs.concernOpen, { reference: ref }, group);
    expect(opened.body).toMatchObject({ value: 'Concern records open only in your 1:1 chat with me or in the safeguarding channel.' });
    await bot.message(PEOPLE.dsl, `concern ${ref}`, group);
    expect(messagesTo('19:staffroom').map((c) => c.body.text)).toEqual(['Concern records open only in your 1:1 chat with me or in the safeguarding channel.']);
    // An outsider trying there is refused and recorded all the same.
    const outsider = await bot.execute(PEOPLE.outsider, Verbs.concernAcknowledge, { reference: ref }, group);
    expect(outsider.body).toMatchObject({ value: expect.stringContaining(`No concern was found with the reference ${ref}.`) });
    // Who tried is encrypted with the event (see storeReporterIdentity.test.ts); only the outsider tried here.
    const refusals = db.prepare("SELECT COUNT(*) AS n FROM concern_events WHERE type = 'accessRefused'").get() as { n: number };
    expect(refusals.n).toBe(1);
  });

  test('when the DSL channel is down, then each member of the safeguarding team gets the alert in a 1:1 chat and the failure is in the record', async () => {
    connector.failing.set(CHANNEL, 503);
    const sent = await bot.execute(PEOPLE.reporter, Verbs.concernSubmit, formFor('childSafety'));
    const ref = referenceIn(db);
    expect(JSON.stringify(cardOf(sent.body))).toContain('It has reached the Designated Safeguarding Lead team');
    // A transient failure is retried first (the connector client retries a 503 itself too), then the team is reached one by one.
    expect([...new Set(connector.calls.filter((c) => c.conversationId.startsWith(CHANNEL)).map((c) => c.status))]).toEqual([503]);
    const created = connector.calls.filter((c) => c.method === 'POST' && c.path === '/v3/conversations');
    expect(created.map((c) => (c.body.members as { id: string }[])[0].id)).toEqual([PEOPLE.dsl.aadObjectId, PEOPLE.deputy.aadObjectId]);
    // Each gets the alert the channel would have had: the reference, no details, Open.
    for (const who of [PEOPLE.dsl, PEOPLE.deputy]) {
      const [post] = messagesTo(`a:${who.aadObjectId}`);
      expect(JSON.stringify(cardsIn(post))).toContain(ref);
      expect(JSON.stringify(cardsIn(post))).not.toContain(SECRET_TEXT.whatHappened);
    }

    await bot.message(PEOPLE.dsl, `concern export ${ref}`);
    const exported = messagesTo('a:personal-29:dsl').map((c) => String(c.body.text)).join('');
    expect(exported).toContain('Delivery to the Designated Safeguarding Lead team failed (HTTP_503)');
    expect(exported).toContain('Delivered to each member of the safeguarding team 1:1 (2 of 2 reached): the shared place could not be reached');
  });

  test('when delivery takes longer than the reporter should wait, then they are answered at once and the report still arrives once', async () => {
    await bot.close();
    bot = await startBot(connector.url, db, ENV, 0);
    const sent = await bot.execute(PEOPLE.reporter, Verbs.concernSubmit, formFor('childSafety'));
    expect(JSON.stringify(cardOf(sent.body))).toContain('It is saved and being delivered to the Designated Safeguarding Lead team');
    await bot.feature.processOutbox();
    await bot.feature.processOutbox();
    expect(messagesTo(CHANNEL)).toHaveLength(1);
  });

  test('when the bot restarts after every route failed, then the stored report is posted exactly once by the next run', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'concern-restart-'));
    const file = path.join(dir, 'bot.sqlite');
    try {
      connector.failing.set(CHANNEL, 404);
      connector.failing.set(`a:${PEOPLE.dsl.aadObjectId}`, 404);
      connector.failing.set(`a:${PEOPLE.deputy.aadObjectId}`, 404);
      const firstDb = openSqliteDatabase(file);
      const first = await startBot(connector.url, firstDb, ENV);
      const sent = await first.execute(PEOPLE.reporter, Verbs.concernSubmit, formFor('childSafety'));
      const ref = referenceIn(firstDb);
      expect(JSON.stringify(cardOf(sent.body))).toContain('It is saved and being delivered');
      await first.close();
      firstDb.close();
      expect(connector.calls.filter((c) => c.status < 300 && c.method === 'POST' && cardsIn(c).length > 0)).toEqual([]);
      expect(connector.calls.filter((c) => c.status === 404).length).toBeGreaterThanOrEqual(2);

      // Restart with the destination back, after the retry back-off has passed.
      connector.failing.clear();
      const later = () => new Date(Date.now() + 5 * 60_000);
      const secondDb = openSqliteDatabase(file);
      const second = await startBot(connector.url, secondDb, ENV, 60_000, later);
      await second.feature.processOutbox();
      await second.feature.processOutbox();
      await second.close();
      secondDb.close();
      expect(messagesTo(CHANNEL).filter((c) => JSON.stringify(cardsIn(c)).includes(ref))).toHaveLength(1);

      const thirdDb = openSqliteDatabase(file);
      const third = await startBot(connector.url, thirdDb, ENV, 60_000, later);
      await third.feature.processOutbox();
      await third.close();
      const record = thirdDb.prepare('SELECT type FROM concern_events ORDER BY seq').all();
      thirdDb.close();
      expect(messagesTo(CHANNEL)).toHaveLength(1);
      // The channel, each member 1:1, then the deputy DSL as the fallback: three failures, then delivered.
      expect(record).toEqual([{ type: 'submitted' }, { type: 'routeFailed' }, { type: 'routeFailed' }, { type: 'routeFailed' }, { type: 'routed' }]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('when an online-abuse report is made, then only the senior manager is messaged, in their own 1:1 chat', async () => {
    await bot.execute(PEOPLE.reporter, Verbs.concernSubmit, formFor('onlineAbuse'));
    expect(messagesTo(CHANNEL)).toHaveLength(0);
    const created = connector.calls.filter((c) => c.path === '/v3/conversations');
    expect(created).toHaveLength(1);
    expect(created[0].body).toMatchObject({ isGroup: false, members: [{ id: 'aad-senior-manager' }] });
    expect(JSON.stringify(cardsIn(messagesTo('a:aad-senior-manager')[0]))).toContain(SECRET_TEXT.whatHappened);
  });

  test('when a report marked immediate danger is missing a required field, then it goes at once and the reporter adds the rest afterwards', async () => {
    // Urgent, "a colleague's conduct online", with neither Where nor Who filled in: never held back.
    const sent = await bot.execute(PEOPLE.reporter, Verbs.concernSubmit, { kind: 'colleagueConduct', whatHappened: SECRET_TEXT.whatHappened, immediateDanger: 'true' });
    const ref = referenceIn(db);
    const receipt = cardOf(sent.body);
    expect(cardProblems(receipt)).toEqual([]);
    const receiptText = JSON.stringify(receipt);
    expect(receiptText).toContain(ref);
    expect(receiptText).not.toContain('Nothing has been sent yet');
    expect(receiptText).toContain('When you can, add what it went without');
    for (const id of ['"id":"whenHappened"', '"id":"where"', '"id":"peopleInvolved"']) expect(receiptText).toContain(id);
    expect(cardVerbs(receipt)).toEqual([Verbs.concernAddDetails]);
    expect(receiptText).toContain('It has reached the headteacher');

    // Someone else cannot add to it (told it was not found, as if it did not exist); nothing is appended.
    const other = await bot.execute(PEOPLE.outsider, Verbs.concernAddDetails, { reference: ref, where: 'made up' });
    expect(JSON.stringify(other.body)).toContain(`No report ${ref} of yours was found`);
    // Adding nothing is named, with the fields still there.
    const empty = JSON.stringify(cardOf((await bot.execute(PEOPLE.reporter, Verbs.concernAddDetails, { reference: ref })).body));
    expect(empty).toContain('Nothing was added');
    // The reporter adds two of the three; the card confirms and still asks for the third.
    const added = JSON.stringify(cardOf((await bot.execute(PEOPLE.reporter, Verbs.concernAddDetails, { reference: ref, where: 'Staff WhatsApp group', peopleInvolved: 'PUPIL-ZEBRA' })).body));
    expect(added).toContain(`Added to ${ref}: Where (platform or place), Who is involved`);
    expect(added).toContain('"id":"whenHappened"');
    expect(added).not.toContain('"id":"where"');

    // The team sees what was sent at once and what came after, in the record; the details stay encrypted at rest.
    const opened = JSON.stringify(cardOf((await bot.execute(PEOPLE.dsl, Verbs.concernOpen, { reference: ref })).body));
    expect(opened).toContain('Reported as URGENT (immediate danger); sent at once, before these were filled in: When it happened, Where (platform or place), Who is involved');
    expect(opened).toContain('Reporter added: Where (platform or place): Staff WhatsApp group; Who is involved: PUPIL-ZEBRA');
    const raw = JSON.stringify(db.prepare("SELECT * FROM concern_events WHERE type = 'detailsAdded'").all());
    expect(raw).not.toContain('Staff WhatsApp group');
  });

  test('when the message action is used, then the form opens pre-filled with the message and submitting it files the report', async () => {
    const conversation = { id: '19:general@thread.tacv2;messageid=9', conversationType: 'channel', isGroup: true, tenantId: 'tenant-1' };
    const fetched = await bot.invoke(PEOPLE.reporter, 'composeExtension/fetchTask', {
      commandId: REPORT_CONCERN_COMMAND_ID, commandContext: 'message',
      messagePayload: { body: { contentType: 'html', content: '<p>meet me after school &amp; tell no one</p>' }, from: { user: { displayName: 'Unknown Adult' } }, linkToMessage: 'https://teams.example/l/message/9' },
    }, conversation);
    const task = (fetched.body as { task: { type: string; value: { card: { content: Record<string, unknown> } } } }).task;
    expect(task.type).toBe('continue');
    expect(cardProblems(task.value.card.content)).toEqual([]);
    expect(JSON.stringify(task.value.card.content)).toContain('meet me after school & tell no one');
    expect(cardVerbs(task.value.card.content)).toEqual([Verbs.concernChooseKind]);

    // Next, inside the dialog: the second step for the kind, with the message attached and its link kept.
    const kept = (JSON.stringify(task.value.card.content).match(/"kept":("(?:[^"\\]|\\.)*")/) ?? [])[1];
    const stepTwo = await bot.invoke(PEOPLE.reporter, 'composeExtension/submitAction', {
      commandId: REPORT_CONCERN_COMMAND_ID, commandContext: 'message', data: { verb: Verbs.concernChooseKind, kind: 'allegation', kept: JSON.parse(kept!) },
    }, conversation);
    const form = (stepTwo.body as { task: { type: string; value: { card: { content: Record<string, unknown> } } } }).task;
    expect(form.type).toBe('continue');
    expect(cardProblems(form.value.card.content)).toEqual([]);
    expect(JSON.stringify(form.value.card.content)).toContain('Who is involved (required)');
    expect(JSON.stringify(form.value.card.content)).toContain('meet me after school & tell no one');
    // An allegation's form has no Link box; the message's link travels in the card's kept text instead of being lost.
    expect(JSON.stringify(form.value.card.content)).toContain('https://teams.example/l/message/9');

    const missing = await bot.invoke(PEOPLE.reporter, 'composeExtension/submitAction', {
      commandId: REPORT_CONCERN_COMMAND_ID, commandContext: 'message', data: { kind: 'childSafety', attachedMessage: 'From Unknown Adult:\nmeet me' },
    }, conversation);
    const again = (missing.body as { task: { type: string; value: { card: { content: unknown } } } }).task;
    expect(again.type).toBe('continue');
    expect(JSON.stringify(again.value.card.content)).toContain('From Unknown Adult:\\nmeet me');

    const done = await bot.invoke(PEOPLE.reporter, 'composeExtension/submitAction', {
      commandId: REPORT_CONCERN_COMMAND_ID, commandContext: 'message', data: formFor('childSafety', { attachedMessage: 'meet me' }),
    }, conversation);
    const ref = referenceIn(db);
    expect((done.body as { task: { type: string; value: string } }).task).toEqual({
      type: 'message', value: expect.stringContaining(`Your reference is ${ref}; it has gone to the Designated Safeguarding Lead team`),
    });
    // Nothing about the report was posted in the channel where the message was.
    expect(connector.calls.filter((c) => c.conversationId.startsWith('19:general'))).toEqual([]);
  });

  test('when a reported message reaches the send as Teams gave it, then the team sees it as it was; altered in the card on the way, it is filed marked as changed', async () => {
    const conversation = { id: '19:general@thread.tacv2;messageid=12', conversationType: 'channel', isGroup: true, tenantId: 'tenant-1' };
    const openForm = async () => {
      const fetched = await bot.invoke(PEOPLE.reporter, 'composeExtension/fetchTask', {
        commandId: REPORT_CONCERN_COMMAND_ID, commandContext: 'message',
        messagePayload: { body: { contentType: 'text', content: 'see you at the bus stop, delete this' }, from: { user: { displayName: 'Mr Example' } } },
      }, conversation);
      const card = JSON.stringify((fetched.body as { task: { value: { card: { content: unknown } } } }).task.value.card.content);
      return JSON.parse(JSON.parse((card.match(/"kept":("(?:[^"\\]|\\.)*")/) ?? [])[1]!)) as Record<string, unknown>;
    };
    const send = async (kept: Record<string, unknown>) => {
      await bot.invoke(PEOPLE.reporter, 'composeExtension/submitAction', {
        commandId: REPORT_CONCERN_COMMAND_ID, commandContext: 'message', data: { ...formFor('childSafety'), kept: JSON.stringify(kept) },
      }, conversation);
      return JSON.stringify(cardOf((await bot.execute(PEOPLE.dsl, Verbs.concernOpen, { reference: referenceIn(db) })).body));
    };

    const kept = await openForm();
    expect(kept.attachedSeal).toMatch(/^[0-9a-f]{32}$/);
    const asSent = await send(kept);
    expect(asSent).toContain('From Mr Example:\\nsee you at the bus stop, delete this');
    expect(asSent).not.toContain('Changed in the report form');

    // The same form with the colleague's words altered in the card's data: filed, never lost, and marked.
    const altered = await send({ ...(await openForm()), attachedMessage: 'From Mr Example:\nsomething he never wrote' });
    expect(altered).toContain('Changed in the report form after Teams gave it to the bot');
    expect(altered).toContain('something he never wrote');
    // A seal is the reporter's own: another person's sealed message sent as theirs is marked too.
    const other = await bot.invoke(PEOPLE.dsl, 'composeExtension/submitAction', {
      commandId: REPORT_CONCERN_COMMAND_ID, commandContext: 'message', data: { ...formFor('childSafety'), kept: JSON.stringify(await openForm()) },
    }, conversation);
    expect(other.status).toBe(200);
    expect(JSON.stringify(cardOf((await bot.execute(PEOPLE.dsl, Verbs.concernOpen, { reference: referenceIn(db) })).body))).toContain('Changed in the report form');
  });

  test('when "report a concern" is typed in a shared channel, then the form goes to the person\'s private chat, not the channel', async () => {
    const conversation = { id: '19:general@thread.tacv2;messageid=3', conversationType: 'channel', isGroup: true, tenantId: 'tenant-1' };
    await bot.message(PEOPLE.reporter, 'report a concern', conversation);
    const channelReplies = messagesTo('19:general');
    expect(channelReplies.map((c) => c.body.text)).toEqual(['I have sent you the form in your private chat with me.']);
    expect(cardsIn(messagesTo('a:29:reporter')[0])[0]).toMatchObject({ type: 'AdaptiveCard' });
  });

  test('when the form cannot be posted in the person\'s 1:1 chat, then they are told to open it themselves, and nothing else is posted there', async () => {
    const conversation = { id: '19:general@thread.tacv2;messageid=4', conversationType: 'channel', isGroup: true, tenantId: 'tenant-1' };
    connector.failNext(1, 403);
    await bot.message(PEOPLE.reporter, 'report a concern', conversation);
    expect(messagesTo('19:general').map((c) => c.body.text)).toEqual([
      'Please open your private chat with me and type "report a concern". If anyone is in immediate danger, call 999 or speak to the DSL in person now.',
    ]);
    expect(JSON.stringify(connector.calls.map((c) => c.body))).not.toContain('Sorry, something went wrong');
  });

  test('when the DSL lists and opens concerns, then they see them; anyone else is refused', async () => {
    await bot.execute(PEOPLE.reporter, Verbs.concernSubmit, formFor('childSafety'));
    const ref = referenceIn(db);
    await bot.message(PEOPLE.dsl, 'concerns');
    const list = cardsIn(messagesTo('a:personal-29:dsl')[0])[0];
    expect(cardProblems(list)).toEqual([]);
    expect(JSON.stringify(list)).toContain(ref);

    await bot.message(PEOPLE.dsl, `concern ${ref}`);
    expect(JSON.stringify(cardsIn(messagesTo('a:personal-29:dsl')[1])[0])).toContain(SECRET_TEXT.whatHappened);

    const fromList = await bot.execute(PEOPLE.dsl, Verbs.concernOpen, { reference: ref, fromList: true });
    expect(fromList.body).toMatchObject({ value: `${ref} is open below.` });
    expect(JSON.stringify(cardsIn(messagesTo('a:personal-29:dsl')[2])[0])).toContain(SECRET_TEXT.whatHappened);

    await bot.message(PEOPLE.outsider, 'concerns');
    await bot.message(PEOPLE.outsider, `concern ${ref}`);
    await bot.message(PEOPLE.outsider, `concern export ${ref}`);
    const notFound = `No concern was found with the reference ${ref}. Check the reference: concern records open only for the safeguarding team and the person a report was sent to.`;
    expect(messagesTo('a:personal-29:outsider').map((c) => c.body.text)).toEqual(['Only the safeguarding team, and those reports are sent to, can list concerns.', notFound, notFound]);
    // Who tried is encrypted with the event (see storeReporterIdentity.test.ts); only the outsider tried here.
    const refusals = db.prepare("SELECT COUNT(*) AS n FROM concern_events WHERE type = 'accessRefused'").get() as { n: number };
    expect(refusals.n).toBe(3);
  });
});
