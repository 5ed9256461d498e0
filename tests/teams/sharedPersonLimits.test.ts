import { createSharedPersonLimits, HELD_SHARE, personKey } from '../../src/teams/sharedPersonLimits';
import { memorySharedRecords } from '../support/memorySharedRecords';

const BUDGETS = { reportsPerHour: 6, questionsPerHour: 60, pressesPerHour: 300 };
/** Presses an instance may let through before it writes them: a thirtieth of the hour's 300. */
const HELD = BUDGETS.pressesPerHour / HELD_SHARE;

function clock(start = Date.UTC(2026, 10, 26, 9)) {
  let t = start;
  return { now: () => t, advance: (ms: number) => { t += ms; } };
}

describe('per-person budgets shared by the instances', () => {
  it('when twelve reports from one person alternate between two instances, then six are let through and the refusal is told once; urgent ones all go', async () => {
    const c = clock();
    const records = memorySharedRecords(c.now);
    const [a, b] = [createSharedPersonLimits(BUDGETS, { records, now: c.now }), createSharedPersonLimits(BUDGETS, { records, now: c.now })];
    const decisions = [];
    for (let i = 0; i < 12; i++) {
      decisions.push(await (i % 2 ? b : a).take('aad-reporter', 'report'));
      c.advance(1_000);
    }
    expect(decisions.filter((d) => d.allowed)).toHaveLength(6);
    expect(decisions.filter((d) => !d.allowed && d.firstRefusal)).toHaveLength(1);
    // An urgent report is never refused, on either instance, however the budget stands (issue 69).
    const urgent = [];
    for (let i = 0; i < 4; i++) urgent.push(await (i % 2 ? b : a).take('aad-reporter', 'report', { urgent: true }));
    expect(urgent).toEqual(Array(4).fill({ allowed: true, urgentException: true }));
    // Another person's budget is their own.
    expect(await b.take('aad-colleague', 'report')).toMatchObject({ allowed: true });
    a.close();
    b.close();
  });

  it('when a person floods one instance with presses, then the budget holds, past it each is refused without a call to the records, and the other instance gives away at most its thirtieth before refusing', async () => {
    const c = clock();
    const records = memorySharedRecords(c.now);
    const counted = { reads: 0 };
    const read = records.read.bind(records);
    records.read = (async (space: string, key: string) => { counted.reads += 1; return read(space, key); }) as typeof records.read;
    const [a, b] = [createSharedPersonLimits(BUDGETS, { records, now: c.now }), createSharedPersonLimits(BUDGETS, { records, now: c.now })];
    const all = await Promise.all(Array.from({ length: 1_000 }, () => a.take('aad-flooder', 'press')));
    expect(all.filter((d) => d.allowed)).toHaveLength(300);
    expect(all.filter((d) => !d.allowed && d.firstRefusal)).toHaveLength(1);
    // Never a read per press, and a write for every eleven presses at most (ten held back, written with the next), not one each.
    expect(counted.reads).toBeLessThanOrEqual(2);
    expect(records.writes).toBeGreaterThanOrEqual(Math.floor(300 / (HELD + 1)));
    expect(records.writes).toBeLessThanOrEqual(Math.ceil(300 / (HELD + 1)) + 2);
    expect((await records.read<{ tokens: { press: number } }>('limits', personKey('aad-flooder')))!.value.tokens.press).toBeLessThan(1);
    // B has not seen them: it lets through what it may hold back and the one that goes on while it writes, learns the
    // entry is used up, and refuses from then on, as already told.
    const onB = [];
    for (let i = 0; i < 30; i++) onB.push(await b.take('aad-flooder', 'press'));
    expect(onB.filter((d) => d.allowed)).toHaveLength(HELD + 1);
    expect(onB.slice(HELD + 1).every((d) => !d.allowed)).toBe(true);
    // Twelve seconds on (one press's refill), one press goes again, on either instance, once: neither gives the refill
    // from what it held back.
    c.advance(12_000);
    const again = await Promise.all([a.take('aad-flooder', 'press'), b.take('aad-flooder', 'press')]);
    expect(again.filter((d) => d.allowed)).toHaveLength(1);
    a.close();
    b.close();
  });

  it('when a flood alternates between two instances for an hour, then together they let through the budget and a refill, not one each', async () => {
    const c = clock();
    const records = memorySharedRecords(c.now);
    const [a, b] = [createSharedPersonLimits(BUDGETS, { records, now: c.now }), createSharedPersonLimits(BUDGETS, { records, now: c.now })];
    let allowed = 0;
    // A press a second, alternating, for an hour: the hour's 300, the hour's refill of 300, and at most what each
    // instance may give away (its thirtieth and one) on first meeting the person.
    for (let i = 0; i < 3_600; i++) {
      if ((await (i % 2 ? b : a).take('aad-flooder', 'press')).allowed) allowed += 1;
      c.advance(1_000);
    }
    expect(allowed).toBeGreaterThanOrEqual(590);
    expect(allowed).toBeLessThanOrEqual(600 + 2 * (HELD + 1));
    a.close();
    b.close();
  });

  it('when people an instance has not seen press a button once each, then the presses cost no call to the records, and presses the other instance wrote still count against them', async () => {
    const c = clock();
    const records = memorySharedRecords(c.now);
    const calls = { reads: 0, writes: 0 };
    const [read, write] = [records.read.bind(records), records.write.bind(records)];
    records.read = (async (space: string, key: string) => { calls.reads += 1; return read(space, key); }) as typeof records.read;
    records.write = (async (...args: Parameters<typeof records.write>) => { calls.writes += 1; return write(...args); }) as typeof records.write;
    const [a, b] = [createSharedPersonLimits(BUDGETS, { records, now: c.now }), createSharedPersonLimits(BUDGETS, { records, now: c.now })];
    // An acknowledgement round: a hundred people, one press each, none seen before.
    for (let i = 0; i < 100; i++) expect(await a.take(`aad-person-${i}`, 'press')).toMatchObject({ allowed: true });
    expect(calls).toEqual({ reads: 0, writes: 0 });
    // A question is held back the same way (two of sixty), a report never: each report is written.
    expect(await a.take('aad-person-0', 'question')).toMatchObject({ allowed: true });
    expect(calls.writes).toBe(0);
    expect(await a.take('aad-person-0', 'report')).toMatchObject({ allowed: true });
    expect(calls.writes).toBe(1);
    // One of them uses up their presses on A; on B, which has not seen them, what B may hold back goes, then B writes,
    // finds the entry A wrote, and refuses.
    for (let i = 0; i < 299; i++) await a.take('aad-person-0', 'press');
    const onB = [];
    for (let i = 0; i < 20; i++) onB.push(await b.take('aad-person-0', 'press'));
    expect(onB.filter((d) => d.allowed).length).toBeLessThanOrEqual(HELD + 1);
    expect(onB[onB.length - 1]).toMatchObject({ allowed: false });
    a.close();
    b.close();
  });

  it('when someone this instance has not seen presses past what it holds back, then that press goes on without waiting for the write, and their next press waits for it', async () => {
    const records = memorySharedRecords();
    const write = records.write.bind(records);
    let writing = 0;
    records.write = (async (...args: Parameters<typeof records.write>) => {
      writing += 1;
      // A slow store, not a wait for something: the write stays under way for 200 ms, so the press can be seen
      // answered before it lands and the next seen waiting for it.
      await new Promise((r) => setTimeout(r, 200));
      writing -= 1;
      return write(...args);
    }) as typeof records.write;
    const limits = createSharedPersonLimits(BUDGETS, { records });
    for (let i = 0; i < HELD; i++) expect(await limits.take('aad-new-person', 'press')).toMatchObject({ allowed: true });
    expect(writing).toBe(0);
    // Answered while its write (of it and the ten before) is still under way: it did not wait for it.
    expect(await limits.take('aad-new-person', 'press')).toMatchObject({ allowed: true });
    expect(writing).toBe(1);
    // The next press is decided on what that wrote: held back again, with no call.
    expect(await limits.take('aad-new-person', 'press')).toMatchObject({ allowed: true });
    expect(writing).toBe(0);
    expect((await records.read<{ tokens: { press: number } }>('limits', personKey('aad-new-person')))!.value.tokens.press).toBeCloseTo(300 - HELD - 1, 0);
    // Reports wait for their write: only a press may go ahead.
    await limits.take('aad-other-person', 'report');
    expect(writing).toBe(0);
    limits.close();
  });

  it('when the records cannot be reached, then the instance decides alone and says so once', async () => {
    const c = clock();
    const records = memorySharedRecords(c.now);
    // Out of reach: every call fails, reads and writes alike.
    records.read = () => Promise.reject(Object.assign(new Error('down'), { code: 'ECONNREFUSED' }));
    records.write = () => Promise.reject(Object.assign(new Error('down'), { code: 'ECONNREFUSED' }));
    const warnings: string[] = [];
    const a = createSharedPersonLimits({ ...BUDGETS, reportsPerHour: 1 }, { records, now: c.now, logger: { warn: (o) => { warnings.push((o as { event: string }).event); } } });
    expect(await a.take('aad-x', 'report')).toMatchObject({ allowed: true });
    expect(await a.take('aad-x', 'report')).toMatchObject({ allowed: false });
    expect(warnings).toEqual(['limits.sharedUnavailable']);
    a.close();
  });

  it('when a person is kept, then the shared records hold a hash of their id, never the id', () => {
    expect(personKey('aad-reporter')).toMatch(/^[0-9a-f]{40}$/);
    expect(personKey('aad-reporter')).not.toContain('reporter');
  });
});
