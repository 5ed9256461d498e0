import { formatConcernRecord } from '../../../../src/features/concerns/domain/concernRecord';
import { ConcernActor } from '../../../../src/features/concerns/domain/concernTypes';
import { formFor, ORIGIN, PEOPLE, RecordingDelivery, REPORTER, testRouting } from './concernFakes';
import { concernHarness } from './concernHarness';

const HEAD: ConcernActor = { aadObjectId: PEOPLE.headteacher, name: 'Hana Head' };
const CHAIR: ConcernActor = { aadObjectId: PEOPLE.chair, name: 'Chris Chair' };

/** An urgent report sent with a field left out (it goes at once, without it): who was involved, unless told. */
async function urgentWithoutPeople(kind: string, left = 'peopleInvolved', options: Parameters<typeof concernHarness>[0] = {}) {
  const h = concernHarness(options);
  const r = await h.reporting.submitConcern(REPORTER, ORIGIN, formFor(kind, { immediateDanger: 'true', [left]: '' }));
  if (!r.ok) throw new Error('not stored');
  await h.outbox.processDue();
  return { h, reference: r.report.reference };
}

describe('details a reporter adds later that name the headteacher', () => {
  test('when an urgent allegation sent to the headteacher gets "who was involved: the head", then it goes on to the chair and the head can no longer open it', async () => {
    const { h, reference } = await urgentWithoutPeople('allegation');
    expect(h.delivery.posts.map((p) => p.role)).toEqual(['headteacher']);
    await h.triage.openCase(HEAD, reference);

    const added = await h.reporting.addDetails(REPORTER, reference, { peopleInvolved: 'The head, in the corridor by Year 4' });
    expect(added.ok).toBe(true);
    expect(added.intendedFor).toBe('chairOfGovernors');
    expect(added.ok && added.movedToChair?.report.reference).toBe(reference);
    await h.outbox.processDue();

    expect(h.delivery.posts.map((p) => p.role)).toEqual(['headteacher', 'chairOfGovernors']);
    const c = (await h.store.getCase(reference))!;
    expect(c.report.aboutHeadteacher).toBe(true);
    expect(c.events.map((e) => e.type)).toEqual(expect.arrayContaining(['detailsAdded', 'markedAboutHeadteacher']));
    // The record says the bot read the reporter's details so, not that the reporter said it was about the head.
    expect(formatConcernRecord(c)).toContain('Added details the bot read as naming the headteacher (for the chair of governors instead, and hidden from the headteacher)');
    await expect(h.triage.openCase(HEAD, reference)).rejects.toMatchObject({ code: 'CONCERN_NOT_FOUND' });
    expect(JSON.stringify(await h.triage.openCase(CHAIR, reference))).toContain('The head, in the corridor by Year 4');
  });

  test('when what is added does not name the headteacher, or the report is a child\'s safety (it is with the team), then it stays where it went', async () => {
    const { h, reference } = await urgentWithoutPeople('allegation');
    const added = await h.reporting.addDetails(REPORTER, reference, { peopleInvolved: 'Mr Jones, the head of Year 5, and a boy in his class' });
    expect(added.ok && added.movedToChair).toBeUndefined();
    expect(added.intendedFor).toBe('headteacher');
    expect((await h.store.getCase(reference))!.report.aboutHeadteacher).toBe(false);
    // The export reads as the card does: what was added stands in its section, marked as added.
    expect(formatConcernRecord((await h.store.getCase(reference))!)).toMatch(/WHO IS INVOLVED\nMr Jones, the head of Year 5, and a boy in his class \(added by the reporter /);

    const child = await urgentWithoutPeople('childSafety', 'whatHappened');
    const toTeam = await child.h.reporting.addDetails(REPORTER, child.reference, { whatHappened: 'The head saw it too' });
    expect(toTeam.ok).toBe(true);
    expect(toTeam.ok && toTeam.movedToChair).toBeUndefined();
    await child.h.outbox.processDue();
    expect(child.h.delivery.posts.map((p) => p.role)).toEqual(['dslChannel']);
  });

  test('when what is added names the head by name, it moves the report; a title with the surname one letter off, or an initial, does not (it is only ever asked about)', async () => {
    const byName = await urgentWithoutPeople('allegation', 'peopleInvolved', { headteacherNames: ['Lynne Robbins'] });
    const moved = await byName.h.reporting.addDetails(REPORTER, byName.reference, { peopleInvolved: 'Mrs Robbins, in the hall' });
    expect(moved.ok && moved.movedToChair !== undefined).toBe(true);
    for (const peopleInvolved of ['Mrs Robins, in the hall', 'Mrs R, in the hall']) {
      const near = await urgentWithoutPeople('allegation', 'peopleInvolved', { headteacherNames: ['Lynne Robbins'] });
      const added = await near.h.reporting.addDetails(REPORTER, near.reference, { peopleInvolved });
      expect({ peopleInvolved, moved: added.ok && added.movedToChair !== undefined, to: added.intendedFor }).toEqual({ peopleInvolved, moved: false, to: 'headteacher' });
    }
  });

  test('when the route to the head was not set up yet (the report waits), or failing, when the details are added, then the earlier route is never sent once it can be', async () => {
    // Not set up: the report waits for the headteacher's route; the app restarts later with it set up.
    const waiting = await urgentWithoutPeople('allegation', 'peopleInvolved', { routing: testRouting({ waiting: ['headteacher'] }) });
    const moved = await waiting.h.reporting.addDetails(REPORTER, waiting.reference, { peopleInvolved: 'the head' });
    expect(moved.ok && moved.movedToChair !== undefined).toBe(true);
    await waiting.h.outbox.processDue();
    expect(waiting.h.delivery.posts.map((p) => p.role)).toEqual(['chairOfGovernors']);
    expect((await waiting.h.store.dueOutbox('2030-01-01T00:00:00.000Z')).filter((e) => e.task.kind === 'route')).toEqual([]);

    // Failing: the head and the deputy cannot be reached, so the first route is retried later; by then it is about the head.
    const delivery = new RecordingDelivery();
    delivery.failing.add('headteacher');
    delivery.failing.add('deputyDsl');
    const failing = await urgentWithoutPeople('allegation', 'peopleInvolved', { delivery });
    await failing.h.reporting.addDetails(REPORTER, failing.reference, { peopleInvolved: 'The head' });
    delivery.failing.clear();
    for (let run = 0; run < 3; run++) {
      failing.h.clock.advance(2 * 60_000);
      await failing.h.outbox.processDue();
    }
    expect(delivery.posts.map((p) => p.role)).toEqual(['chairOfGovernors']);
    expect(delivery.attempts.filter((a) => a.role === 'headteacher').length).toBeGreaterThan(0);
    const c = (await failing.h.store.getCase(failing.reference))!;
    expect(c.deliveredTo).toBe('chairOfGovernors');
  });

  test('when the moved report reaches neither the chair nor the deputy within two minutes, then the reporter is told here, as their receipt said, and told again when it arrives', async () => {
    const delivery = new RecordingDelivery();
    const { h, reference } = await urgentWithoutPeople('allegation', 'peopleInvolved', { delivery });
    delivery.failing.add('chairOfGovernors');
    delivery.failing.add('deputyDsl');
    await h.reporting.addDetails(REPORTER, reference, { peopleInvolved: 'the head' });
    h.clock.advance(3 * 60_000);
    await h.outbox.processDue();
    const told = () => h.notifier.notices.filter((n) => n.reference === reference).map((n) => n.notice);
    expect(told()).toContain('notArrived');
    delivery.failing.clear();
    h.clock.advance(2 * 60_000);
    await h.outbox.processDue();
    expect(told().slice(-1)).toEqual(['arrived']);
    expect(delivery.posts.map((p) => p.role)).toEqual(['headteacher', 'chairOfGovernors']);
  });

  test('when the team marks a report and it is slow to reach the chair, then the reporter is not told anything about it', async () => {
    const delivery = new RecordingDelivery();
    const { h, reference } = await urgentWithoutPeople('allegation', 'peopleInvolved', { delivery });
    const before = h.notifier.notices.length;
    delivery.failing.add('chairOfGovernors');
    delivery.failing.add('deputyDsl');
    await h.triage.markAboutHeadteacher({ aadObjectId: PEOPLE.dsl, name: 'Dana DSL' }, reference);
    h.clock.advance(3 * 60_000);
    await h.outbox.processDue();
    delivery.failing.clear();
    h.clock.advance(2 * 60_000);
    await h.outbox.processDue();
    expect(delivery.posts.map((p) => p.role)).toEqual(['headteacher', 'chairOfGovernors']);
    expect(h.notifier.notices.slice(before).filter((n) => n.reference === reference)).toEqual([]);
  });
});
