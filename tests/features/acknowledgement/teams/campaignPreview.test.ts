import { AcknowledgementStore } from '../../../../src/features/acknowledgement/domain/acknowledgementStore';
import { createAcknowledgementModule } from '../../../../src/features/acknowledgement/teams/acknowledgementModule';
import { createAcknowledgementActivityRenderer } from '../../../../src/features/acknowledgement/teams/acknowledgementMessaging';
import { parseAcknowledgementSettings } from '../../../../src/config/acknowledgementSettings';
import { createSqliteAcknowledgementStore } from '../../../../src/adapters/sqlite/sqliteAcknowledgementStore';
import { createSchoolCalendar, parseBankHolidays } from '../../../../src/features/acknowledgement/domain/schoolCalendar';
import shipped from '../../../../src/features/acknowledgement/calendar/bank-holidays-england-and-wales.json';
import { PolicyDocument } from '../../../../src/features/policy/policyDocument';
import { Verbs } from '../../../../src/teams/verbs';
import { startBotHost } from '../../../support/botHost';
import { cardProblems, executeActions, pressData, shownText } from '../../../support/cardAssertions';
import { FakeConnector, startFakeConnector } from '../../../support/fakeConnector';
import { person, policyVersion } from '../domain/ackTestKit';

/**
 * Issue 43, part 2, over HTTP: the owner decides what the card says. The preview proposes the policy's rules staff most
 * need; the owner moves, removes and adds points and picks the date; what they chose is what the campaign keeps and
 * what staff get. A half-filled preview comes back with the owner's text and what is missing named.
 */
const OWNER = { id: '29:owner', aadObjectId: 'aad-owner', name: 'Hana Head' };
const FRIENDS = 'Staff must not accept friend requests from pupils or their parents on personal accounts.';
const PHOTOS = 'Staff must not post photos of pupils on their personal social media.';
const REPORT = 'Staff must report any concern about a child to the DSL the same day.';
const LAW = 'Use of social networking must comply with UK law.';
const MOBILE = 'Staff must never give pupils their personal mobile number.';
const POLICY: PolicyDocument = {
  id: 'social-media', source: 'policy.txt', title: 'Social Media Policy', metadata: { title: 'Social Media Policy', contentHash: 'hash-v1' },
  frontPage: [], warnings: [],
  sections: [
    { ordinal: 1, number: '1', title: 'Scope', level: 1, parent: null, text: `${LAW} Staff should use discretion and common sense at all times.` },
    { ordinal: 2, number: '2', title: 'Contact', level: 1, parent: null, text: `${FRIENDS} ${MOBILE}` },
    { ordinal: 3, number: '3', title: 'Posting', level: 1, parent: null, text: PHOTOS },
    { ordinal: 4, number: '4', title: 'Reporting', level: 1, parent: null, text: REPORT },
  ],
};

describe('the owner decides what the card says (campaign preview over HTTP)', () => {
  let connector: FakeConnector;
  let store: AcknowledgementStore;
  let host: Awaited<ReturnType<typeof startBotHost>>;
  let seq = 0;

  beforeEach(async () => {
    connector = await startFakeConnector({ ratePerSecond: 0 });
    store = createSqliteAcknowledgementStore(':memory:');
    await store.savePolicyVersion(policyVersion('hash-v1', '2026-01-01T00:00:00.000Z', { keyPoints: [LAW] }));
    await store.upsertStaff([person(1), person(2)]);
    const { value: settings } = parseAcknowledgementSettings({}, 'local');
    const mod = createAcknowledgementModule({
      store, settings, owners: [OWNER.aadObjectId], primaryPolicyId: 'social-media', channel: 'teams',
      policyTexts: { document: () => POLICY, version: async () => POLICY, file: async () => undefined },
      calendar: createSchoolCalendar({ bankHolidays: parseBankHolidays(shipped) }),
      logger: { info: () => undefined, warn: () => undefined },
    });
    host = await startBotHost(() => [mod.feature]);
  });
  afterEach(async () => {
    await host.close();
    await connector.close();
    await store.close();
  });

  const send = async (activity: Record<string, unknown>) => {
    const res = await fetch(host.botUrl, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        channelId: 'msteams', serviceUrl: connector.url, id: `in-${++seq}`, recipient: { id: '28:bot' }, from: OWNER,
        conversation: { id: 'a:owner', conversationType: 'personal', tenantId: 't' }, ...activity,
      }),
    });
    const text = await res.text();
    return text ? JSON.parse(text) as { type?: string; value?: unknown } : {};
  };
  const press = async (card: Record<string, unknown>, title: string, typed: Record<string, string> = {}) => {
    const action = executeActions(card).find((a) => a.title === title);
    if (!action) throw new Error(`no "${title}" on the card: ${executeActions(card).map((a) => a.title).join(', ')}`);
    return send({ type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: action.verb, data: pressData(card, action, typed) } } });
  };
  const cardOf = (body: { type?: string; value?: unknown }) => {
    if (body.type !== 'application/vnd.microsoft.card.adaptive') throw new Error(`not a card: ${JSON.stringify(body).slice(0, 300)}`);
    return body.value as Record<string, unknown>;
  };
  const pointsOn = (card: Record<string, unknown>) => Object.entries(pressData(card, {})).filter(([k]) => /^kp\d+$/.test(k)).map(([, v]) => v);

  it('when the owner previews, edits, moves, adds and picks the date, then the campaign starts with exactly their choice and staff see it', async () => {
    await send({ type: 'message', text: 'campaign start' });
    const posted = connector.calls.map((c) => c.body).filter((b) => Array.isArray(b.attachments)).at(-1)!;
    let card = (posted.attachments as { content: Record<string, unknown> }[])[0].content;
    expect(cardProblems(card)).toEqual([]);
    // Proposed: the rules staff most need, the general statements left out.
    expect(pointsOn(card)).toEqual([FRIENDS, MOBILE, PHOTOS, REPORT]);
    expect(shownText(card)).not.toContain('discretion and common sense');

    card = cardOf(await press(card, 'Remove', {}));
    expect(pointsOn(card)).toEqual([MOBILE, PHOTOS, REPORT]);
    card = cardOf(await press(card, 'Remove', {}));
    card = cardOf(await press(card, 'Move down', { kp0: 'Never post photos of pupils, even on a private account.' }));
    expect(pointsOn(card)).toEqual([REPORT, 'Never post photos of pupils, even on a private account.']);
    card = cardOf(await press(card, 'Add this point', { addText: MOBILE }));
    expect(pointsOn(card)).toHaveLength(3);
    // Christmas Day: the card warns and suggests school days instead; nothing is lost.
    card = cardOf(await press(card, 'Update the preview', { dueDate: '2026-12-25' }));
    if (new Date() < new Date('2026-12-24T00:00:00Z')) expect(shownText(card)).toContain('25 December 2026 is Christmas Day (a bank holiday)');
    expect(pointsOn(card)).toHaveLength(3);

    const due = new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10);
    const started = cardOf(await press(card, 'Start', { dueDate: due }));
    expect(shownText(started)).toContain('0 of 2 acknowledged');
    const [campaign] = await store.listCampaigns('active');
    expect(campaign.keyPoints).toEqual([REPORT, 'Never post photos of pupils, even on a private account.', MOBILE]);
    expect(campaign.dueDate).toBe(due);
    // What staff are sent is that choice, not the version's own points.
    await store.addDeliveries(campaign.id, ['aad-1'], new Date().toISOString());
    const [delivery] = await store.claimDeliveries({ campaignId: campaign.id, workerId: 'w', limit: 1, leaseMs: 60_000, now: new Date().toISOString() });
    const activity = await createAcknowledgementActivityRenderer({ store })(delivery);
    const staffCard = (activity.attachments as { content: unknown }[])[0].content;
    expect(shownText(staffCard)).toContain('Never post photos of pupils, even on a private account.');
    expect(shownText(staffCard)).not.toContain(LAW);
  });

  it('when a point is made longer than a card carries, then the preview says so at once, keeping the text; a forged point of 42,000 characters comes back cut, not as a card Teams cannot show', async () => {
    await send({ type: 'message', text: 'campaign start' });
    const posted = connector.calls.map((c) => c.body).filter((b) => Array.isArray(b.attachments)).at(-1)!;
    const card = (posted.attachments as { content: Record<string, unknown> }[])[0].content;
    const long = `Staff must never ${'share anything about pupils or their families online, '.repeat(8)}`.trim();
    expect(long.length).toBeGreaterThan(300);
    const back = cardOf(await press(card, 'Update the preview', { kp1: long }));
    expect(cardProblems(back)).toEqual([]);
    expect(shownText(back)).toContain(`Key point 2 is ${long.length} characters; shorten it to 300 or fewer.`);
    expect(pointsOn(back)[1]).toBe(long);

    const forged = 'x'.repeat(42_005);
    const answer = await press(card, 'Update the preview', { kp1: forged, addText: forged });
    expect(JSON.stringify(answer).length).toBeLessThan(40_000);
    expect(shownText(cardOf(answer))).toContain('Key point 2 is 600 characters; shorten it to 300 or fewer.');
    expect(await store.listCampaigns()).toHaveLength(0);
  });

  it('when Start is pressed with every point emptied and a bad date, then nothing starts and the card comes back as filled, each problem named', async () => {
    await send({ type: 'message', text: 'campaign start' });
    const posted = connector.calls.map((c) => c.body).filter((b) => Array.isArray(b.attachments)).at(-1)!;
    const card = (posted.attachments as { content: Record<string, unknown> }[])[0].content;
    const back = cardOf(await press(card, 'Start', { kp0: '  ', kp1: '', kp2: '', kp3: '', dueDate: '2020-01-01', addText: 'My half-written point' }));
    expect(cardProblems(back)).toEqual([]);
    expect(shownText(back)).toContain('Not started yet: please put these right.');
    expect(shownText(back)).toContain('Due date: The due date must be after today.');
    expect(shownText(back)).toContain('Key points: add at least one');
    // Nothing typed is lost: the date and the half-written point come back as they were.
    expect(pressData(back, {})).toMatchObject({ dueDate: '2020-01-01', addText: 'My half-written point' });
    expect(await store.listCampaigns()).toHaveLength(0);
    // Named once, not twice (Start's own check and the card's).
    expect(shownText(back).split('Due date: The due date must be after today.')).toHaveLength(2);
  });

  it('when Update the preview is pressed with a date in the past, or one that does not exist, then the card says so at once and keeps what was typed', async () => {
    await send({ type: 'message', text: 'campaign start' });
    const posted = connector.calls.map((c) => c.body).filter((b) => Array.isArray(b.attachments)).at(-1)!;
    const card = (posted.attachments as { content: Record<string, unknown> }[])[0].content;
    const past = cardOf(await press(card, 'Update the preview', { dueDate: '2020-01-01' }));
    expect(cardProblems(past)).toEqual([]);
    expect(shownText(past)).toContain('Due date: The due date must be after today.');
    expect(pressData(past, {})).toMatchObject({ dueDate: '2020-01-01' });
    const impossible = cardOf(await press(card, 'Update the preview', { dueDate: '2026-02-30' }));
    expect(shownText(impossible)).toMatch(/Due date: /);
    expect(await store.listCampaigns()).toHaveLength(0);
  });
});
