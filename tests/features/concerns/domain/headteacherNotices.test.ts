import { createConcernOutbox } from '../../../../src/features/concerns/domain/concernOutbox';
import { createConcernReporting } from '../../../../src/features/concerns/domain/concernReporting';
import { ConcernRoutingTable } from '../../../../src/features/concerns/domain/concernRouting';
import { createSafeguardingRouteCheck } from '../../../../src/features/concerns/domain/safeguardingRouteCheck';
import { createFieldCipher } from '../../../../src/shared/fieldEncryption';
import { createSqliteConcernStore } from '../../../../src/adapters/sqlite/sqliteConcernStore';
import { openSqliteDatabase } from '../../../../src/adapters/sqlite/sqliteDatabase';
import {
  capturedLogger, DSL_CHANNEL, formFor, manualClock, noSleep, ORIGIN, PEOPLE, RecordingDelivery, RecordingNotifier, REPORTER, SECRET_TEXT, testRouting,
} from './concernFakes';

/**
 * A report about the headteacher: the notices about it (the two-minute "reached no one" watch, a report that waits for
 * its route) go with the real outbox and the real route check. The headteacher learns nothing of it, wherever their id
 * is configured (on SAFEGUARDING_TEAM, a policy owner, the deputy DSL): not that it exists, not its reference, not that it
 * is for the chair. Nothing is posted in the safeguarding place (the head may read it). The chair of governors (where
 * set) and the DSL and deputy who are not the head are told.
 */

const OWNER = 'aad-owner-hr-0008';

interface Told { to: string; text: string }

function setup(options: { routing?: ConcernRoutingTable; team?: string[]; deputyId?: string; owners?: string[]; missing?: string[] } = {}) {
  const clock = manualClock();
  const db = openSqliteDatabase(':memory:');
  const store = createSqliteConcernStore(db, createFieldCipher(Buffer.alloc(32, 7)));
  const delivery = new RecordingDelivery();
  const notifier = new RecordingNotifier();
  const log = capturedLogger().logger;
  const routing = options.routing ?? testRouting();
  const told: Told[] = [];
  const posted: Told[] = [];
  const route = createSafeguardingRouteCheck({
    destination: 'team-channel', place: routing.destinations.dslChannel,
    // The headteacher is the DSL here, as in many schools, and a policy owner: both as the settings would have it.
    team: (options.team ?? [PEOPLE.dsl, PEOPLE.headteacher]).map((aadObjectId) => ({ aadObjectId })),
    deputyId: 'deputyId' in options ? options.deputyId : PEOPLE.deputy,
    owners: options.owners ?? [PEOPLE.headteacher, OWNER],
    reader: { read: async () => ({ ok: true, members: [] }) },
    messenger: {
      tell: async (to, text) => { told.push({ to, text }); },
      post: async (place, text) => { posted.push({ to: place.kind === 'person' ? place.aadObjectId : place.conversationId, text }); },
    },
    store, log, now: clock.now, missing: options.missing ?? [],
  });
  const outbox = createConcernOutbox({
    store, delivery, notifier, routing, log, now: clock.now, sleep: noSleep, attemptsPerDestination: 1, route, routeMissing: options.missing ?? [],
  });
  const reporting = createConcernReporting({ store, outbox, routing, referencePrefix: 'SG', log, now: clock.now, headteacherId: PEOPLE.headteacher });
  const toldTo = (id: string) => told.filter((t) => t.to === id).map((t) => t.text);
  return { db, store, delivery, notifier, outbox, reporting, clock, told, posted, toldTo };
}

type Setup = ReturnType<typeof setup>;

async function reportAboutHead(s: Setup): Promise<string> {
  const result = await s.reporting.submitConcern(REPORTER, ORIGIN, formFor('allegation', { aboutHeadteacher: 'true' }));
  if (!result.ok) throw new Error('not filed');
  return result.report.reference;
}

/** Nothing said to the headteacher, and nothing posted in the place, names the report or that one exists. */
function headLearnsNothing(s: Setup, reference: string) {
  expect(s.toldTo(PEOPLE.headteacher)).toEqual([]);
  expect(s.posted).toEqual([]);
  for (const t of [...s.told, ...s.posted]) {
    if (t.to === PEOPLE.headteacher || t.to === DSL_CHANNEL) expect(t.text).not.toContain(reference);
  }
}

function saysNothingOfTheReport(text: string) {
  for (const secret of Object.values(SECRET_TEXT)) expect(text).not.toContain(secret);
  expect(text).not.toContain(REPORTER.name!);
}

describe('notices about a report about the headteacher', () => {
  test('when it has reached no one after two minutes, then the chair, the deputy DSL and the DSL who is not the head are told 1:1; the head (on the team and an owner) gets nothing, the place gets no post, and owners are not told', async () => {
    const s = setup();
    s.delivery.failing.add('chairOfGovernors');
    s.delivery.failing.add('deputyDsl');
    const reference = await reportAboutHead(s);
    expect(s.told).toEqual([]);
    s.clock.advance(121_000);
    await s.outbox.processDue();

    headLearnsNothing(s, reference);
    expect(s.toldTo(OWNER)).toEqual([]);
    expect(s.told.map((t) => t.to).sort()).toEqual([PEOPLE.chair, PEOPLE.deputy, PEOPLE.dsl].sort());
    for (const id of [PEOPLE.chair, PEOPLE.deputy, PEOPLE.dsl]) {
      const [text] = s.toldTo(id);
      expect(text).toContain(`Safeguarding report ${reference} is waiting: it has reached no one for 2 minutes (it was for the chair of governors)`);
      // The reporter was sent to those entitled, and the team is told so: never "the DSL", who may be the head.
      expect(text).toContain('The reporter has been told to come to a deputy DSL or the chair of governors in person with the reference.');
      saysNothingOfTheReport(text);
    }
    const c = await s.store.getCase(reference);
    expect(c?.events.find((e) => e.type === 'undeliveredAlerted')?.data).toMatchObject({ alerted: '3', reporterTold: 'true' });
    expect(s.notifier.notices.map((n) => n.notice)).toEqual(['notArrived']);
    s.db.close();
  });

  test('when the chair of governors is not set up yet, so it waits, then the deputy and the DSL who is not the head are told with what IT must fill in; the head and the owners get nothing', async () => {
    const base = testRouting();
    const routing: ConcernRoutingTable = { ...base, destinations: { ...base.destinations, chairOfGovernors: undefined }, waiting: ['chairOfGovernors'] };
    const s = setup({ routing, missing: ['CONCERN_CHAIR_OF_GOVERNORS'] });
    const reference = await reportAboutHead(s);

    headLearnsNothing(s, reference);
    expect(s.toldTo(OWNER)).toEqual([]);
    expect(s.told.map((t) => t.to).sort()).toEqual([PEOPLE.deputy, PEOPLE.dsl].sort());
    for (const id of [PEOPLE.deputy, PEOPLE.dsl]) {
      const [text] = s.toldTo(id);
      expect(text).toContain(`Safeguarding report ${reference} is waiting: it cannot be sent to the chair of governors`);
      expect(text).toContain('(missing CONCERN_CHAIR_OF_GOVERNORS)');
      expect(text).toContain('The reporter has been told to go to a deputy DSL or the chair of governors in person with the reference.');
      saysNothingOfTheReport(text);
    }
    expect(s.delivery.attempts).toEqual([]);
    s.db.close();
  });

  test('when the headteacher is also the deputy DSL and a policy owner, then their id still receives nothing; the chair and the DSL are told', async () => {
    const s = setup({ team: [PEOPLE.dsl], deputyId: PEOPLE.headteacher });
    s.delivery.failing.add('chairOfGovernors');
    s.delivery.failing.add('deputyDsl');
    const reference = await reportAboutHead(s);
    s.clock.advance(121_000);
    await s.outbox.processDue();

    headLearnsNothing(s, reference);
    expect(s.told.map((t) => t.to).sort()).toEqual([PEOPLE.chair, PEOPLE.dsl].sort());
    s.db.close();
  });

  test('when the headteacher\'s id is not configured, then no one who might be the head is told (not the team, not the owners, not the place): only the chair and the deputy DSL, as the report itself would go', async () => {
    const base = testRouting();
    const routing: ConcernRoutingTable = { ...base, destinations: { ...base.destinations, headteacher: undefined } };
    const s = setup({ routing });
    s.delivery.failing.add('chairOfGovernors');
    s.delivery.failing.add('deputyDsl');
    const reference = await reportAboutHead(s);
    s.clock.advance(121_000);
    await s.outbox.processDue();

    headLearnsNothing(s, reference);
    expect(s.told.map((t) => t.to).sort()).toEqual([PEOPLE.chair, PEOPLE.deputy].sort());
    s.db.close();
  });

  test('when a report not about the headteacher reaches no one, then nothing changes: the place gets the notice and the whole team and every owner are told, the head included', async () => {
    const s = setup();
    s.delivery.failing.add('dslChannel');
    s.delivery.failing.add('deputyDsl');
    const result = await s.reporting.submitConcern(REPORTER, ORIGIN, formFor('childSafety'));
    if (!result.ok) throw new Error('not filed');
    s.clock.advance(121_000);
    await s.outbox.processDue();

    const reference = result.report.reference;
    expect(s.posted).toEqual([{ to: DSL_CHANNEL, text: expect.stringContaining(`Safeguarding report ${reference} is waiting`) }]);
    expect(s.told.map((t) => t.to).sort()).toEqual([PEOPLE.dsl, PEOPLE.headteacher, PEOPLE.deputy, OWNER].sort());
    expect(s.posted[0].text).toContain('The reporter has been told to come to the DSL or a deputy in person with the reference.');
    s.db.close();
  });
});
