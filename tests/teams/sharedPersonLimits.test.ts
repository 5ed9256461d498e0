import { createSharedPersonLimits, personKey } from '../../src/teams/sharedPersonLimits';
import { memorySharedRecords } from '../support/memorySharedRecords';

const BUDGETS = { reportsPerHour: 6, questionsPerHour: 60, pressesPerHour: 300 };

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

  it('when a person floods one instance with presses, then past the budget each is refused without a call to the records, and the other instance refuses from their second press', async () => {
    const c = clock();
    const records = memorySharedRecords(c.now);
    const counted = { reads: 0 };
    const read = records.read.bind(records);
    records.read = (async (space: string, key: string) => { counted.reads += 1; return read(space, key); }) as typeof records.read;
    const [a, b] = [createSharedPersonLimits(BUDGETS, { records, now: c.now }), createSharedPersonLimits(BUDGETS, { records, now: c.now })];
    const all = await Promise.all(Array.from({ length: 1_000 }, () => a.take('aad-flooder', 'press')));
    expect(all.filter((d) => d.allowed)).toHaveLength(300);
    expect(all.filter((d) => !d.allowed && d.firstRefusal)).toHaveLength(1);
    // One read at the first press, then the instance's own writes: never one per press.
    expect(counted.reads).toBeLessThanOrEqual(2);
    expect(records.writes).toBe(301);
    // B has not seen them: their first press there goes on while B's write finds the entry used up (the one press an
    // instance may give away), and the next is refused, as already told.
    expect(await b.take('aad-flooder', 'press')).toMatchObject({ allowed: true });
    expect(await b.take('aad-flooder', 'press')).toMatchObject({ allowed: false, firstRefusal: false });
    // Twelve seconds on, one press goes again, on either instance, once.
    c.advance(12_000);
    const again = await Promise.all([a.take('aad-flooder', 'press'), b.take('aad-flooder', 'press')]);
    expect(again.filter((d) => d.allowed)).toHaveLength(1);
    a.close();
    b.close();
  });

  it('when people an instance has not seen press a button once each, then each press costs one call to the records, a write, and one whose entry the other instance made still counts against it', async () => {
    const c = clock();
    const records = memorySharedRecords(c.now);
    const calls = { reads: 0, writes: 0 };
    const [read, write] = [records.read.bind(records), records.write.bind(records)];
    records.read = (async (space: string, key: string) => { calls.reads += 1; return read(space, key); }) as typeof records.read;
    records.write = (async (...args: Parameters<typeof records.write>) => { calls.writes += 1; return write(...args); }) as typeof records.write;
    const [a, b] = [createSharedPersonLimits(BUDGETS, { records, now: c.now }), createSharedPersonLimits(BUDGETS, { records, now: c.now })];
    // An acknowledgement round: a hundred people, one press each, none seen before.
    for (let i = 0; i < 100; i++) expect(await a.take(`aad-person-${i}`, 'press')).toMatchObject({ allowed: true });
    expect(calls).toEqual({ reads: 0, writes: 100 });
    // On B, one of them (whose entry A made) presses again: the create finds the entry, which is read and taken from;
    // the press B let go while it wrote is the only one past the budget.
    for (let i = 0; i < 299; i++) await a.take('aad-person-0', 'press');
    expect(await b.take('aad-person-0', 'press')).toMatchObject({ allowed: true });
    expect(await b.take('aad-person-0', 'press')).toMatchObject({ allowed: false });
    a.close();
    b.close();
  });

  it('when someone this instance has not seen presses a button, then the press goes on without waiting for the write, and their next press waits for it', async () => {
    const records = memorySharedRecords();
    const write = records.write.bind(records);
    let writing = 0;
    records.write = (async (...args: Parameters<typeof records.write>) => {
      writing += 1;
      // A slow store, not a wait for something: the write stays under way for 200 ms, so the first press can be seen
      // answered before it lands and the second seen waiting for it.
      await new Promise((r) => setTimeout(r, 200));
      writing -= 1;
      return write(...args);
    }) as typeof records.write;
    const limits = createSharedPersonLimits(BUDGETS, { records });
    // Answered while its write is still under way: it did not wait for it.
    expect(await limits.take('aad-new-person', 'press')).toMatchObject({ allowed: true });
    expect(writing).toBe(1);
    // The second press is decided on what the first wrote.
    expect(await limits.take('aad-new-person', 'press')).toMatchObject({ allowed: true });
    expect(writing).toBe(0);
    expect((await records.read<{ tokens: { press: number } }>('limits', personKey('aad-new-person')))!.value.tokens.press).toBeCloseTo(298, 0);
    // Reports and questions still wait for their write: only a press may go ahead.
    await limits.take('aad-other-person', 'question');
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
