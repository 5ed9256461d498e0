import { ConcernStore, NewConcern } from '../../../src/features/concerns/domain/concernPorts';
import { ConcernReferenceDraw } from '../../../src/features/concerns/domain/concernReference';
import { ConcernDraft } from '../../../src/features/concerns/domain/concernTypes';
import { validateConcernForm } from '../../../src/features/concerns/domain/concernValidation';
import { formFor, ORIGIN, REPORTER, SECRET_TEXT } from '../../features/concerns/domain/concernFakes';

function draft(kind = 'childSafety'): ConcernDraft {
  const r = validateConcernForm(formFor(kind));
  if (!r.ok) throw new Error('test form invalid');
  return r.draft;
}

/** A new reference: the prefix, the year, six characters of Crockford base32 (no I, L, O or U). */
const RANDOM_REFERENCE = (year: number) => new RegExp(`^SG-${year}-[0-9ABCDEFGHJKMNPQRSTVWXYZ]{6}$`);

const newConcern = (submittedAt = '2026-03-02T09:00:00.000Z', kind = 'childSafety'): NewConcern => ({
  draft: draft(kind), reporter: REPORTER, origin: ORIGIN, submittedAt, referencePrefix: 'SG',
});

/**
 * One contract for every concern-store adapter: what reporting, triage and the outbox rely on. Adapter-specific
 * guarantees (encryption at rest, refusing updates in the file, transactions) are tested beside each adapter.
 */
export function describeConcernStoreContract(
  name: string, make: (options?: { newReference?: ConcernReferenceDraw }) => Promise<ConcernStore> | ConcernStore,
  /** Two instances over one shared store (two processes, two App Service instances). */
  makeTwo: () => Promise<[ConcernStore, ConcernStore]>,
): void {
  describe(`concern store contract: ${name}`, () => {
    it('when reports are stored, then each gets a random reference of its year that cannot be guessed from the one before', async () => {
      const store = await make();
      const a = await store.createConcern(newConcern('2026-03-02T09:00:00.000Z'), []);
      const b = await store.createConcern(newConcern('2026-03-02T09:01:00.000Z'), []);
      const c = await store.createConcern(newConcern('2027-01-04T09:00:00.000Z'), []);
      expect([a.reference, b.reference]).toEqual([expect.stringMatching(RANDOM_REFERENCE(2026)), expect.stringMatching(RANDOM_REFERENCE(2026))]);
      expect(c.reference).toMatch(RANDOM_REFERENCE(2027));
      expect(new Set([a.reference, b.reference, c.reference]).size).toBe(3);
      expect([a.reference, b.reference]).not.toEqual(['SG-2026-0001', 'SG-2026-0002']);
      expect(new Set([a.id, b.id, c.id]).size).toBe(3);
    });

    it('when a drawn reference is already taken, then the store draws again and both reports keep their own', async () => {
      const draws = ['SG-2026-7KQ4MX', 'SG-2026-7KQ4MX', 'sg-2026-7kq4mx', 'SG-2026-9ZW2HT'];
      const store = await make({ newReference: () => draws.shift()! });
      const first = await store.createConcern(newConcern(), []);
      const second = await store.createConcern(newConcern('2026-03-02T09:01:00.000Z'), []);
      expect([first.reference, second.reference]).toEqual(['SG-2026-7KQ4MX', 'SG-2026-9ZW2HT']);
      expect((await store.getCase('sg-2026-7kq4mx'))?.report).toEqual(first);
      expect((await store.getCase('SG-2026-9zw2ht'))?.report).toEqual(second);
    });

    it('when a report has a reference from before they were random (SG-2026-0007), then it is still found, in any case', async () => {
      const store = await make({ newReference: () => 'SG-2026-0007' });
      const old = await store.createConcern(newConcern(), []);
      expect((await store.getCase('sg-2026-0007'))?.report).toEqual(old);
    });

    it('when a report is read back, by reference in any case or by id, then it is whole, with its "submitted" event', async () => {
      const store = await make();
      const report = await store.createConcern(newConcern(), []);
      const byRef = await store.getCase(report.reference.toLowerCase());
      expect(byRef?.report).toEqual(report);
      expect(byRef?.report.details.whatHappened).toBe(SECRET_TEXT.whatHappened);
      expect(byRef?.report.reporter.aadObjectId).toBe(REPORTER.aadObjectId);
      expect(byRef?.events.map((e) => e.type)).toEqual(['submitted']);
      expect(byRef?.status).toBe('new');
      expect((await store.getCaseById(report.id))?.report.reference).toBe(report.reference);
      expect(await store.getCase('SG-2026-9999')).toBeUndefined();
    });

    it('when events are appended, then the chronology keeps them in order and the case follows them', async () => {
      const store = await make();
      const report = await store.createConcern(newConcern(), []);
      await store.append(report.id, [{ type: 'acknowledged', at: '2026-03-02T09:05:00.000Z', actorId: 'aad-dsl', actorName: 'Dana DSL', data: {} }]);
      await store.append(report.id, [{ type: 'noteAdded', at: '2026-03-02T09:06:00.000Z', actorId: 'aad-dsl', data: { note: 'spoke to the class teacher' } }]);
      const kase = await store.getCase(report.reference);
      expect(kase?.events.map((e) => e.type)).toEqual(['submitted', 'acknowledged', 'noteAdded']);
      expect(kase?.status).toBe('acknowledged');
      expect(JSON.stringify(kase?.events[2])).toContain('spoke to the class teacher');
    });

    it('when a case is closed, then it leaves the open list, which is oldest first', async () => {
      const store = await make();
      const a = await store.createConcern(newConcern('2026-03-02T09:00:00.000Z'), []);
      const b = await store.createConcern(newConcern('2026-03-02T10:00:00.000Z'), []);
      const c = await store.createConcern(newConcern('2026-03-02T11:00:00.000Z'), []);
      await store.append(b.id, [{ type: 'closed', at: '2026-03-03T09:00:00.000Z', data: { outcome: 'done' } }]);
      expect((await store.listOpenCases()).map((k) => k.report.reference)).toEqual([a.reference, c.reference]);
      expect((await store.getCase(b.reference))?.status).toBe('closed');
    });

    it('when an outbox task is claimed and completed, then it is not due again and its events are in the chronology', async () => {
      const store = await make();
      const report = await store.createConcern(newConcern(), [{ kind: 'route', primary: 'dslChannel', fallback: 'deputyDsl' }]);
      const [entry] = await store.dueOutbox('2026-03-02T09:00:00.000Z');
      expect(entry).toMatchObject({ concernId: report.id, state: 'pending', attempts: 0, task: { kind: 'route', primary: 'dslChannel', fallback: 'deputyDsl' } });
      await store.claimOutbox(entry, '2026-03-02T09:00:01.000Z');
      const [claimed] = await store.dueOutbox('2026-03-02T09:00:01.000Z');
      // Left in flight (as after a crash mid-send), it is still due, marked so, with the attempt counted.
      expect(claimed).toMatchObject({ id: entry.id, state: 'inFlight', attempts: 1 });
      await store.completeOutbox(entry.id, report.id, [{ type: 'routed', at: '2026-03-02T09:00:02.000Z', data: { role: 'dslChannel', stage: 'primary' } }]);
      expect(await store.dueOutbox('2026-03-02T10:00:00.000Z')).toEqual([]);
      expect((await store.getCase(report.reference))?.deliveredTo).toBe('dslChannel');
    });

    it('when an outbox task is rescheduled, then it is due again only from its next attempt time', async () => {
      const store = await make();
      const report = await store.createConcern(newConcern(), [{ kind: 'route', primary: 'dslChannel', fallback: 'deputyDsl' }]);
      const [entry] = await store.dueOutbox('2026-03-02T09:00:00.000Z');
      await store.claimOutbox(entry, '2026-03-02T09:00:00.000Z');
      await store.rescheduleOutbox(entry.id, report.id, '2026-03-02T09:05:00.000Z', [{ type: 'routeFailed', at: '2026-03-02T09:00:01.000Z', data: { role: 'dslChannel', code: 'HTTP_503' } }]);
      expect(await store.dueOutbox('2026-03-02T09:04:59.000Z')).toEqual([]);
      expect(await store.dueOutbox('2026-03-02T09:05:00.000Z')).toEqual([expect.objectContaining({ id: entry.id, state: 'pending', attempts: 1 })]);
      expect((await store.getCase(report.reference))?.events.map((e) => e.type)).toEqual(['submitted', 'routeFailed']);
    });

    it('when two instances race to claim one outbox entry, then exactly one claim succeeds and the attempt is counted once', async () => {
      const [a, b] = await makeTwo();
      await a.createConcern(newConcern(), [{ kind: 'route', primary: 'dslChannel', fallback: 'deputyDsl' }]);
      const [seenByA] = await a.dueOutbox('2026-03-02T09:00:00.000Z');
      const [seenByB] = await b.dueOutbox('2026-03-02T09:00:00.000Z');
      expect(seenByB.id).toBe(seenByA.id);
      const claims = await Promise.all([a.claimOutbox(seenByA, '2026-03-02T09:00:01.000Z'), b.claimOutbox(seenByB, '2026-03-02T09:00:01.000Z')]);
      expect(claims.filter(Boolean)).toHaveLength(1);
      const winner = claims[0] ? a : b;
      expect(await winner.dueOutbox('2026-03-02T09:00:02.000Z')).toEqual([expect.objectContaining({ id: seenByA.id, state: 'inFlight', attempts: 1 })]);
      // A claim made from a stale read (the entry moved on since) is refused too.
      await winner.completeOutbox(seenByA.id, seenByA.concernId, [{ type: 'routed', at: '2026-03-02T09:00:03.000Z', data: { role: 'dslChannel', stage: 'primary' } }]);
      expect(await a.claimOutbox(seenByA, '2026-03-02T09:00:04.000Z')).toBe(false);
      expect(await a.dueOutbox('2026-03-02T10:00:00.000Z')).toEqual([]);
    });

    it('when two instances file reports at once, then every report gets its own reference', async () => {
      const [a, b] = await makeTwo();
      const made = await Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 ? a : b).createConcern(newConcern(`2026-03-02T09:0${i}:00.000Z`), [])));
      expect(new Set(made.map((r) => r.reference)).size).toBe(6);
      for (const r of made) expect(r.reference).toMatch(RANDOM_REFERENCE(2026));
      expect(new Set(made.map((r) => r.id)).size).toBe(6);
      for (const r of made) expect((await b.getCase(r.reference))?.report).toEqual(r);
    });

    it('when an event and its tasks are appended together, then the tasks are queued for that case', async () => {
      const store = await make();
      const report = await store.createConcern(newConcern(), []);
      await store.append(report.id, [{ type: 'acknowledged', at: '2026-03-02T09:05:00.000Z', actorId: 'aad-dsl', data: {} }], [{ kind: 'notifyReporter', notice: 'acknowledged' }]);
      expect(await store.dueOutbox('2026-03-02T09:05:00.000Z')).toEqual([expect.objectContaining({ concernId: report.id, task: { kind: 'notifyReporter', notice: 'acknowledged' } })]);
    });
  });
}
