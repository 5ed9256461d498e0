import { createFairTurns } from '../../src/teams/fairTurns';

/** Turns whose yields the test runs by hand, on a clock that moves 1 ms for every piece of work started. */
function manualTurns(sliceMs: number) {
  let t = 0;
  const yields: (() => void)[] = [];
  const turns = createFairTurns({ sliceMs, now: () => t, later: (run) => { yields.push(run); } });
  return {
    turns,
    /** Runs the next stretch of work the turns asked for; false when they asked for none. */
    step(): boolean {
      const run = yields.shift();
      run?.();
      return run !== undefined;
    },
    tick: () => { t += 1; },
  };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('activities taken in turns between the people who sent them (issue 49)', () => {
  it('when one person has a thousand activities waiting and a colleague sends one, then the colleague\'s starts next but one', async () => {
    const m = manualTurns(0);
    const started: string[] = [];
    // Each is done when it returns (a press refused from what the bot knows): the next may start in the same stretch.
    const work = (name: string) => () => { started.push(name); m.tick(); };
    for (let i = 0; i < 1000; i++) void m.turns.run('aad-flood', work(`flood-${i}`));
    m.step();
    m.step();
    void m.turns.run('aad-colleague', work('report'));
    while (m.step()) { /* run every stretch */ }
    const at = started.indexOf('report');
    expect(at).toBeGreaterThan(0);
    expect(at).toBeLessThanOrEqual(3);
    // The flooder's work all ran, in the order they sent it.
    expect(started.filter((s) => s !== 'report')).toEqual(Array.from({ length: 1000 }, (_, i) => `flood-${i}`));
    expect(m.turns.waiting).toBe(0);
  });

  it('when several people wait, then they are served round in turn, each person\'s own work in order', () => {
    const m = manualTurns(1000);
    const started: string[] = [];
    for (const [person, count] of [['a', 3], ['b', 1], ['c', 2]] as const) {
      for (let i = 1; i <= count; i++) void m.turns.run(person, () => { started.push(`${person}${i}`); });
    }
    while (m.step()) { /* run every stretch */ }
    expect(started).toEqual(['a1', 'b1', 'c1', 'a2', 'c2', 'a3']);
  });

  it('when a stretch of work has taken its slice, then the turns yield to the event loop and carry on after', () => {
    const m = manualTurns(5);
    let started = 0;
    for (let i = 0; i < 12; i++) void m.turns.run(`aad-${i % 3}`, () => { started += 1; m.tick(); });
    const perStretch: number[] = [];
    while (m.step()) perStretch.push(started - perStretch.reduce((a, b) => a + b, 0));
    expect(perStretch).toEqual([5, 5, 2]);
  });

  it('when work succeeds or fails, then its caller gets its result or its error, and the line goes on', async () => {
    const turns = createFairTurns();
    const ok = turns.run('aad-a', async () => 42);
    const failing = turns.run('aad-a', async () => { throw new Error('boom'); });
    const throwsAtOnce = turns.run('aad-a', (() => { throw new Error('at once'); }) as () => Promise<void>);
    const after = turns.run('aad-a', async () => 'after');
    await expect(ok).resolves.toBe(42);
    await expect(failing).rejects.toThrow('boom');
    await expect(throwsAtOnce).rejects.toThrow('at once');
    await expect(after).resolves.toBe('after');
    await settle();
    expect(turns.waiting).toBe(0);
  });

  it('when a person\'s work is still under way, then their next waits for it to finish while other people\'s goes on (issue 69)', async () => {
    const turns = createFairTurns();
    const started: string[] = [];
    let finishFirst!: () => void;
    const first = turns.run('aad-flood', () => new Promise<void>((resolve) => { started.push('flood-1'); finishFirst = resolve; }));
    const second = turns.run('aad-flood', () => { started.push('flood-2'); });
    const colleague = turns.run('aad-colleague', () => { started.push('report'); });
    await colleague;
    await settle();
    expect(started).toEqual(['flood-1', 'report']);
    finishFirst();
    await first;
    await second;
    expect(started).toEqual(['flood-1', 'report', 'flood-2']);
    expect(turns.waiting).toBe(0);
  });

  it('when a person\'s work hangs, then their next starts once it has held them for holdMs', async () => {
    const turns = createFairTurns({ holdMs: 30 });
    const started: string[] = [];
    void turns.run('aad-a', () => new Promise<void>(() => { started.push('hangs'); }));
    const next = turns.run('aad-a', () => { started.push('next'); return 'done'; });
    await settle();
    expect(started).toEqual(['hangs']);
    await expect(next).resolves.toBe('done');
    expect(started).toEqual(['hangs', 'next']);
  });
});
