import { StaffSyncResult } from '../../../../src/features/acknowledgement/sending/staffSync';
import { Repeater, startStaffSyncSchedule } from '../../../../src/features/acknowledgement/sending/staffSyncSchedule';

const done: StaffSyncResult = { changed: 0, joinedIds: [], departedIds: [], incremental: true };

/** A repeater turned by hand: `tick()` is one interval passing. */
function handCranked() {
  const state = { ms: 0, tick: undefined as (() => void) | undefined, cancelled: false };
  const repeat: Repeater = (ms, tick) => {
    state.ms = ms;
    state.tick = tick;
    return () => { state.cancelled = true; };
  };
  return { repeat, state, tick: () => { if (!state.cancelled) state.tick?.(); } };
}

/** A sync that waits until the test lets it finish, and records the signal it was given. */
function heldSyncs() {
  const calls: { signal: AbortSignal; finish: (r?: StaffSyncResult) => void; fail: (e: unknown) => void }[] = [];
  const sync = (signal: AbortSignal) => new Promise<StaffSyncResult>((resolve, reject) => {
    calls.push({ signal, finish: (r = done) => resolve(r), fail: reject });
  });
  return { sync, calls };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('staff sync schedule', () => {
  it('when the interval passes, then a sync runs each time, and a tick while one is still running is skipped, not queued', async () => {
    const clock = handCranked();
    const { sync, calls } = heldSyncs();
    const synced: StaffSyncResult[] = [];
    const schedule = startStaffSyncSchedule({ intervalMs: 3_600_000, sync, repeat: clock.repeat, onSynced: (r) => synced.push(r) });
    expect(clock.state.ms).toBe(3_600_000);

    clock.tick();
    clock.tick();
    clock.tick();
    expect(calls).toHaveLength(1);
    expect(schedule.counts).toEqual({ started: 1, skipped: 2 });

    calls[0].finish({ ...done, changed: 3 });
    await settle();
    expect(synced).toEqual([{ ...done, changed: 3 }]);
    clock.tick();
    expect(calls).toHaveLength(2);
    calls[1].finish();
    await schedule.stop();
  });

  it('when a sync fails, then the failure is reported and the next tick tries again', async () => {
    const clock = handCranked();
    const { sync, calls } = heldSyncs();
    const failures: unknown[] = [];
    const schedule = startStaffSyncSchedule({ intervalMs: 60_000, sync, repeat: clock.repeat, onFailed: (e) => failures.push(e) });

    clock.tick();
    calls[0].fail(new Error('Graph unavailable'));
    await settle();
    expect(failures).toHaveLength(1);
    clock.tick();
    expect(calls).toHaveLength(2);
    calls[1].finish();
    await schedule.stop();
  });

  it('when the app stops during a sync, then the sync is told to stop, stop() waits for it, and no tick starts another', async () => {
    const clock = handCranked();
    const { sync, calls } = heldSyncs();
    const failures: unknown[] = [];
    const schedule = startStaffSyncSchedule({ intervalMs: 60_000, sync, repeat: clock.repeat, onFailed: (e) => failures.push(e) });
    const first = schedule.runNow();
    let stopped = false;

    const stopping = schedule.stop().then(() => { stopped = true; });
    await settle();
    expect(calls[0].signal.aborted).toBe(true);
    expect(clock.state.cancelled).toBe(true);
    expect(stopped).toBe(false);

    calls[0].fail(new DOMException('The operation was aborted.', 'AbortError'));
    await stopping;
    await first;
    expect(stopped).toBe(true);
    expect(failures).toEqual([]);
    clock.tick();
    await schedule.runNow();
    expect(calls).toHaveLength(1);
  });

  it('when started on the real clock, then it syncs again and again until stopped', async () => {
    let syncs = 0;
    let reached: () => void = () => undefined;
    const twice = new Promise<void>((resolve) => { reached = resolve; });
    const schedule = startStaffSyncSchedule({
      intervalMs: 1,
      sync: async () => {
        syncs += 1;
        if (syncs === 2) reached();
        return done;
      },
    });

    await twice;
    await schedule.stop();
    const after = syncs;
    // A time window, on purpose: what is checked is that the real clock's timer no longer starts syncs, and a timer that
    // was cleared leaves nothing to wait for. 20 ms is twenty of its 1 ms turns.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(syncs).toBe(after);
  });
});
