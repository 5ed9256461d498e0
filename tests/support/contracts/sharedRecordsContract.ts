import { changeShared, SharedRecords } from '../../../src/shared/sharedRecords';

/**
 * One contract for every shared-records adapter: what the app's coordination between instances relies on. `makeTwo`
 * gives two handles on one store, as two instances have.
 */
export function describeSharedRecordsContract(name: string, makeTwo: () => Promise<[SharedRecords, SharedRecords]>): void {
  describe(`shared records contract: ${name}`, () => {
    let a: SharedRecords;
    let b: SharedRecords;
    beforeAll(async () => {
      [a, b] = await makeTwo();
    });

    it('when a record is created, then the other instance reads it with a version, and a second create loses', async () => {
      expect(await a.read('space', 'k1')).toBeUndefined();
      const version = await a.write('space', 'k1', { n: 1, text: 'héllo / # ? \\' }, undefined);
      expect(version).toEqual(expect.any(String));
      expect(await b.read('space', 'k1')).toEqual({ value: { n: 1, text: 'héllo / # ? \\' }, version });
      expect(await b.write('space', 'k1', { n: 2 }, undefined)).toBeUndefined();
      expect((await a.read<{ n: number }>('space', 'k1'))?.value.n).toBe(1);
    });

    it('when two instances write on the same version, then exactly one write is kept and the other is told', async () => {
      const read = (await a.write('space', 'k2', { n: 0 }, undefined))!;
      const outcomes = await Promise.all([a.write('space', 'k2', { n: 'a' }, read), b.write('space', 'k2', { n: 'b' }, read)]);
      expect(outcomes.filter((v) => v !== undefined)).toHaveLength(1);
      const kept = outcomes[0] !== undefined ? 'a' : 'b';
      expect(await a.read('space', 'k2')).toEqual({ value: { n: kept }, version: outcomes.find((v) => v !== undefined) });
      // A write on a version that is no longer there loses.
      expect(await b.write('space', 'k2', { n: 'late' }, read)).toBeUndefined();
    });

    it('when many new records are created at once from both instances, then each key is created once, with a version its writer can change it under', async () => {
      const keys = Array.from({ length: 30 }, (_, i) => `new-${i}`);
      // Every key created from both instances at once (a person's first press reaching both), a few twice from one.
      const tries = [...keys.map((k) => ({ on: a, k })), ...keys.map((k) => ({ on: b, k })), ...keys.slice(0, 3).map((k) => ({ on: a, k }))];
      const versions = await Promise.all(tries.map(({ on, k }) => on.write('many', k, { k }, undefined)));
      for (const k of keys) {
        const won = tries.map((t, i) => ({ ...t, v: versions[i] })).filter((t) => t.k === k && t.v !== undefined);
        expect(won).toHaveLength(1);
        expect(await won[0].on.write('many', k, { k, changed: true }, won[0].v)).toEqual(expect.any(String));
        expect((await (won[0].on === a ? b : a).read<{ changed?: boolean }>('many', k))?.value.changed).toBe(true);
      }
    });

    it('when twenty changes run at once from both instances, then none is lost', async () => {
      await Promise.all(Array.from({ length: 20 }, (_, i) => changeShared<number>(i % 2 ? a : b, 'space', 'counter', (n) => (n ?? 0) + 1)));
      expect((await a.read<number>('space', 'counter'))?.value).toBe(20);
    });

    it('when a change is tried on a record read earlier, then it is written without a read unless it changed meanwhile', async () => {
      const known = { value: 1, version: (await a.write('space', 'k3', 1, undefined))! };
      const first = await changeShared<number>(a, 'space', 'k3', (n) => (n ?? 0) + 1, { known });
      expect(first).toMatchObject({ value: 2, written: true });
      // `known` is stale now: the change is worked out again on what is there.
      expect(await changeShared<number>(b, 'space', 'k3', (n) => (n ?? 0) + 10, { known })).toMatchObject({ value: 12, written: true });
      expect(await changeShared<number>(b, 'space', 'k3', () => undefined)).toMatchObject({ value: 12, written: false });
    });

    it('when a change believes a record absent, then it creates it without a read, or, made meanwhile by the other instance, reads and changes it', async () => {
      expect(await changeShared<number>(a, 'space', 'k4', (n) => (n ?? 0) + 1, { absent: true })).toMatchObject({ value: 1, written: true });
      expect(await changeShared<number>(b, 'space', 'k4', (n) => (n ?? 0) + 1, { absent: true })).toMatchObject({ value: 2, written: true });
      expect((await a.read<number>('space', 'k4'))?.value).toBe(2);
    });

    it('when a space is swept, then only its records written before the time go', async () => {
      await a.write('old', 'x', 1, undefined);
      await a.write('other', 'y', 1, undefined);
      expect(await b.sweep('old', Date.now() - 60_000)).toBe(0);
      expect(await b.sweep('old', Date.now() + 1_000)).toBe(1);
      expect(await a.read('old', 'x')).toBeUndefined();
      expect(await a.read('other', 'y')).toBeDefined();
    });
  });
}
