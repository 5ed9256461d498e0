/**
 * One budget for every request the app makes to Teams (Bot Connector): safeguarding alerts, replies to staff and owners,
 * card updates, and the campaign sender's cards, reminders and digests. Teams allows 50 requests a second per app per
 * tenant; a 429 pauses the whole app for its Retry-After. The budget is a token bucket kept in shared memory (a
 * SharedArrayBuffer), so the bot's thread and the sending thread draw from the same one. Requests wait in three lines,
 * served strictly in this order and each in order of arrival: safeguarding alerts and their fallbacks, then replies, then
 * bulk (campaign cards). Bulk sending always leaves `reserve` tokens, and takes none while an alert or a reply waits in
 * any thread, so neither waits behind a roll-out for more than the next place in Teams' trailing second (1/rate: 20 ms
 * at 50 a second). However many wait, each thread keeps one timer for its lines:
 * ten thousand waiting replies cost the event loop no more than one (a poll each would starve everything else, /healthz
 * included). Instances of the app split the limit through grants (setGrants): a rate this instance may use from one time
 * until another, written in a ledger every instance shares (sharedSendRate.ts). Outside its grants the instance sends
 * nothing, so a grant that was not renewed (a lost connection to the ledger, a stalled process) ends on time by itself.
 * Teams counts a request when it arrives, not when the budget let it go: a sender that reports when its request is on
 * the wire (acquireForWrite) has it counted in the trailing second from then, and as sent now until then, so an await
 * between the two (a token, a new connection, a busy thread) never lets a second at Teams hold more than the limit.
 */

import { FifoLine } from '../shared/fifoLine';

/** Who is asking, most urgent first: a safeguarding alert (or its fallback), a person waiting for a reply, a roll-out. */
export type OutboundPriority = 'safeguarding' | 'reply' | 'bulk';

/** The lines in the order they are served. */
export const OUTBOUND_PRIORITIES: readonly OutboundPriority[] = ['safeguarding', 'reply', 'bulk'];

/** A rate budget a sender draws from before each request (the acknowledgement sender's RateLimiter has this shape). */
export interface PacedSender {
  acquire(): Promise<void>;
  acquireForWrite(): Promise<() => void>;
  throttled(retryAfterMs?: number): void;
  setActiveWorkers(count: number): void;
  currentRate(): number;
}

/** The shared budget. */
export interface OutboundBudget {
  /** The memory the budget lives in: hand it to another thread to share the budget. */
  readonly memory: SharedArrayBuffer;
  /** Waits until a request of this priority may go: after every request of a more urgent line, and of its own line asked before it. */
  acquire(priority: OutboundPriority): Promise<void>;
  /**
   * As acquire, for a sender that reports when its request is written to the connection: the request counts as sent at
   * every moment until `written()` is called, then in the trailing second from that moment. Call it once the request is
   * on the wire, or when it will not go (it may be called more than once).
   */
  acquireForWrite(priority: OutboundPriority): Promise<() => void>;
  /** Reports a 429 (or a 503 with Retry-After): everyone pauses, and the rate backs off and recovers. */
  throttled(retryAfterMs?: number): void;
  /**
   * The rates this instance may use, each from one time until another (ms): the newest one in force counts, none means
   * none. `arrivalSpreadMs` (default 0) widens the trailing window the share is counted over to a second and this much,
   * where requests may reach Teams unevenly late (several instances' requests, each with its own delays).
   */
  setGrants(grants: readonly SendGrant[], arrivalSpreadMs?: number): void;
  /** The rate this instance aims at now, in requests per second. */
  currentRate(): number;
  /** The budget as one sender of a priority sees it. */
  sender(priority: OutboundPriority): PacedSender;
  /**
   * Stops this thread's pump when the bot stops: nothing waiting is let go any more, and no timer of the budget keeps the
   * process alive (a request left waiting when the ledger stopped granting would otherwise be asked for every 250 ms).
   */
  close(): void;
}

/** A share of the app's limit this instance may use (requests a second), from `from` until `until` (ms since the epoch). */
export interface SendGrant {
  rate: number;
  from: number;
  until: number;
}

/** Grants the budget holds at once: the one in force, one planned after it, and room for a change. */
export const MAX_GRANTS = 4;

/** Options of the budget. */
export interface OutboundBudgetOptions {
  /** The tenant's limit (Teams: 50 a second per app). */
  ratePerSecond: number;
  /** Share of the limit aimed at (default 1: the way to Teams is covered by the arrival spread of setGrants, issue 69). */
  utilisation?: number;
  /** Tokens that may go at once after a quiet spell (default 3, below the connector's own tolerance). */
  burst?: number;
  /** Tokens bulk sending always leaves for replies (default 1). */
  reserve?: number;
  /** After a 429 the rate drops to this fraction (default 0.9) and climbs back over `recoverySeconds` (default 5). */
  backoffFactor?: number;
  recoverySeconds?: number;
  /** The memory of a budget created in another thread: share it rather than start a new one. */
  memory?: SharedArrayBuffer;
  /**
   * The share is granted by the instances' ledger (sharedSendRate.ts): the budget starts with no grant and sends nothing
   * until the first one. Without it, the whole limit is this budget's for good (a single process, tests).
   */
  granted?: boolean;
  /**
   * This process may follow an earlier life of itself (restarted under the same worker id, after a kill -9 or a stop)
   * that sent at its share until just before this one started, which Teams still counts for a second and this budget
   * never saw. Its first share then ramps up over its first window, as if that life had sent at it evenly until the
   * budget was created (and its few bunched requests besides), so the two lives together never put more than the share
   * in a second. A first grant that comes a window after the start costs nothing; one at once costs about half a window.
   */
  rampUp?: boolean;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const LOCK = 0;
// Float64 slots after the lock word.
const TOKENS = 0;
const UPDATED_AT = 1;
const PAUSED_UNTIL = 2;
const FACTOR_AT_THROTTLE = 3;
const THROTTLED_AT = 4;
const RING_HEAD = 5;
/** Alerts and replies waiting in any thread: bulk takes nothing while there are some. */
const AHEAD_OF_BULK = 6;
/** Requests let go by acquireForWrite and not yet written: each counts in every trailing second until it is. */
const UNWRITTEN = 7;
/** The trailing window this instance's share is counted over (ms): a second and the arrival spread. */
const WINDOW = 8;
/** When the budget was created, while its first share is still to ramp up from then (rampUp); NaN once it has, or without. */
const RAMP_FROM = 9;
/** The grants: rate, from and until of each (an unused slot has until 0). */
const GRANTS_START = 10;
const RING_START = GRANTS_START + MAX_GRANTS * 3;
/** Grants remembered for the trailing-second ceiling: enough for any sensible limit. */
const RING = 256;
const FLOATS = RING_START + RING;

/** Creates the budget, or joins the one whose memory is given (the sending thread). */
export function createOutboundBudget(options: OutboundBudgetOptions): OutboundBudget {
  const now = options.now ?? (() => Date.now());
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const utilisation = options.utilisation ?? 1;
  const burst = Math.max(1, options.burst ?? 3);
  const reserve = Math.max(0, options.reserve ?? 1);
  const backoff = options.backoffFactor ?? 0.9;
  const recoveryMs = (options.recoverySeconds ?? 5) * 1000;
  const fresh = options.memory === undefined;
  const memory = options.memory ?? new SharedArrayBuffer(8 + FLOATS * 8);
  const lockWord = new Int32Array(memory, 0, 2);
  const f = new Float64Array(memory, 8, FLOATS);
  if (fresh) {
    f[TOKENS] = burst;
    f[UPDATED_AT] = now();
    f[PAUSED_UNTIL] = 0;
    f[FACTOR_AT_THROTTLE] = 1;
    f[THROTTLED_AT] = -1e15;
    f[RING_HEAD] = 0;
    f[AHEAD_OF_BULK] = 0;
    f[UNWRITTEN] = 0;
    f[WINDOW] = 1000;
    f[RAMP_FROM] = options.rampUp ? f[UPDATED_AT] : Number.NaN;
    for (let i = 0; i < MAX_GRANTS; i++) f.fill(0, GRANTS_START + i * 3, GRANTS_START + i * 3 + 3);
    if (!options.granted) {
      f[GRANTS_START] = options.ratePerSecond;
      f[GRANTS_START + 2] = Number.POSITIVE_INFINITY;
    }
  }

  /** A few arithmetic steps under a spin lock shared by the threads (never held across an await). */
  function locked<T>(fn: () => T): T {
    while (Atomics.compareExchange(lockWord, LOCK, 0, 1) !== 0) { /* another thread is inside for a few ns */ }
    try {
      return fn();
    } finally {
      Atomics.store(lockWord, LOCK, 0);
    }
  }

  const factor = (t: number): number => {
    if (t - f[THROTTLED_AT] >= recoveryMs) return 1;
    return Math.min(1, Math.max(0.2, f[FACTOR_AT_THROTTLE] + ((1 - f[FACTOR_AT_THROTTLE]) * (t - f[THROTTLED_AT])) / recoveryMs));
  };
  /** This instance's share at `t`: the grant in force that started last (none: 0). */
  const share = (t: number): number => {
    let rateNow = 0;
    let startedAt = Number.NEGATIVE_INFINITY;
    for (let i = GRANTS_START; i < RING_START; i += 3) {
      if (f[i + 1] <= t && t < f[i + 2] && f[i + 1] >= startedAt) {
        rateNow = f[i];
        startedAt = f[i + 1];
      }
    }
    return rateNow;
  };
  /** When the next grant starts after `t` (Infinity: none planned). */
  const nextGrantAt = (t: number): number => {
    let next = Number.POSITIVE_INFINITY;
    for (let i = GRANTS_START; i < RING_START; i += 3) if (f[i + 1] > t && f[i + 2] > f[i + 1] && f[i] > 0) next = Math.min(next, f[i + 1]);
    return next;
  };
  // Over a window longer than a second the share is paced to match, so the bucket paces and the ceiling rarely bites.
  const rate = (t: number): number => share(t) * utilisation * factor(t) * (1000 / f[WINDOW]);
  const ceiling = (t: number): number => {
    const s = share(t);
    return s > 0 ? Math.min(RING, Math.max(1, Math.floor(s))) : 0;
  };

  /** A request counted in the trailing seconds from `t` (under the lock). */
  function record(t: number): void {
    const head = f[RING_HEAD];
    f[RING_START + (head % RING)] = t;
    f[RING_HEAD] = (head + 1) % RING;
  }

  /**
   * The earlier life's requests, as the ring holds this budget's own (under the lock): `share` of them evenly over the
   * window before `from`, the last `burst` of them moved on to just after it (what its bucket may have bunched), oldest first.
   * The ceiling then lets this life's first requests go only as those leave the trailing window.
   */
  function rampUp(from: number, share: number): void {
    const step = f[WINDOW] / share;
    for (let k = Math.min(RING, share + burst); k >= 1; k--) record(from + (burst - k) * step);
  }

  /** Takes a token when this priority may have one now; else how long to wait before asking again (ms). */
  function tryTake(priority: OutboundPriority, deferred = false): number {
    return locked(() => {
      const t = now();
      if (t < f[PAUSED_UNTIL]) return f[PAUSED_UNTIL] - t;
      const r = rate(t);
      // No grant in force (none yet, or it ran out unrenewed): wait for the next one, looking again now and then.
      if (r <= 0 || ceiling(t) < 1) {
        f[UPDATED_AT] = t;
        return Math.max(1, Math.min(250, nextGrantAt(t) - t));
      }
      f[TOKENS] = Math.min(burst, f[TOKENS] + ((t - f[UPDATED_AT]) * r) / 1000);
      f[UPDATED_AT] = t;
      // An alert or a reply is waiting (in this thread or another): it has the next token, bulk asks again after it.
      if (priority === 'bulk' && f[AHEAD_OF_BULK] > 0) return Math.max(1, 1000 / r);
      const keep = priority === 'bulk' ? reserve : 0;
      // The ceiling: this instance's share in any trailing second, whatever the bucket says (a stalled clock, a burst).
      // Requests not yet written count as sent now: they leave fewer of the ring's entries to the trailing second. The
      // reserve is kept in tokens, not here: a place in the trailing second frees every 1/rate (20 ms at 50 a second),
      // so a reply waits at most that for one, where keeping a place back cost each instance one request a window
      // (two instances at 25 a second each lost 4% of the limit; issue 69).
      const cap = ceiling(t) - f[UNWRITTEN];
      const head = f[RING_HEAD];
      const oldest = f[RING_START + ((head - Math.max(1, cap) + RING * 4) % RING)];
      const inWindow = cap <= 0 || oldest > t - f[WINDOW];
      if (f[TOKENS] >= 1 + keep && !inWindow) {
        f[TOKENS] -= 1;
        if (deferred) f[UNWRITTEN] += 1;
        else record(t);
        return 0;
      }
      const forTokens = ((1 + keep - f[TOKENS]) * 1000) / r;
      // A ring filled by requests not yet written frees a place when one is (written() wakes this thread's pump).
      const forWindow = !inWindow ? 0 : cap > 0 ? oldest + f[WINDOW] - t : 10;
      return Math.max(1, forTokens, forWindow);
    });
  }

  // This thread's three lines. Only the head of the most urgent non-empty line asks the shared bucket, on one timer.
  // A waiter is let go by go(); `deferred` ones count once written (acquireForWrite).
  type Waiter = { deferred: boolean; go: () => void };
  const lines: Record<OutboundPriority, FifoLine<Waiter>> = { safeguarding: new FifoLine<Waiter>(), reply: new FifoLine<Waiter>(), bulk: new FifoLine<Waiter>() };
  let pumping = false;
  let closed = false;
  /** The line the pump is sleeping for, and how to wake it early when a more urgent request comes. */
  let sleepingFor: OutboundPriority | undefined;
  let wake: (() => void) | undefined;
  const rank = (p: OutboundPriority): number => OUTBOUND_PRIORITIES.indexOf(p);
  const aheadOfBulk = (delta: number) => locked(() => { f[AHEAD_OF_BULK] = Math.max(0, f[AHEAD_OF_BULK] + delta); });

  async function pump(): Promise<void> {
    pumping = true;
    try {
      for (;;) {
        const priority = OUTBOUND_PRIORITIES.find((p) => lines[p].length > 0);
        if (!priority || closed) return;
        const wait = tryTake(priority, lines[priority].peek()!.deferred);
        if (wait === 0) {
          if (priority !== 'bulk') aheadOfBulk(-1);
          lines[priority].shift()!.go();
          continue;
        }
        sleepingFor = priority;
        await new Promise<void>((resolve) => {
          wake = resolve;
          sleep(Math.min(wait, 250)).then(resolve, resolve);
        });
        sleepingFor = undefined;
        wake = undefined;
      }
    } finally {
      pumping = false;
    }
  }

  /** Waits in this priority's line for a token; a `deferred` one is counted once its request is written. */
  function take(priority: OutboundPriority, deferred: boolean): Promise<void> {
    const line = lines[priority];
    // Nobody of this line or a more urgent one is waiting here: a token there now is taken at once.
    if (!OUTBOUND_PRIORITIES.slice(0, rank(priority) + 1).some((p) => lines[p].length > 0) && tryTake(priority, deferred) === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      line.push({ deferred, go: resolve });
      if (priority !== 'bulk') aheadOfBulk(1);
      if (!pumping) void pump();
      // The pump sleeps for a less urgent line: this request goes first, so it asks now.
      else if (sleepingFor !== undefined && rank(priority) < rank(sleepingFor)) wake?.();
    });
  }

  const budget: OutboundBudget = {
    memory,
    close() {
      closed = true;
      wake?.();
    },
    acquire(priority) {
      return take(priority, false);
    },
    async acquireForWrite(priority) {
      await take(priority, true);
      let done = false;
      return () => {
        if (done) return;
        done = true;
        locked(() => {
          f[UNWRITTEN] = Math.max(0, f[UNWRITTEN] - 1);
          record(now());
        });
        wake?.();
      };
    },
    throttled(retryAfterMs) {
      locked(() => {
        const t = now();
        // 429s of requests already in flight when the first came belong to the same episode: cut once.
        if (t >= f[PAUSED_UNTIL]) {
          f[FACTOR_AT_THROTTLE] = Math.max(0.2, factor(t) * backoff);
          f[THROTTLED_AT] = t;
        }
        const r = rate(t);
        f[PAUSED_UNTIL] = Math.max(f[PAUSED_UNTIL], t + Math.max(retryAfterMs ?? 0, r > 0 ? 1000 / r : 0));
        f[TOKENS] = 0;
      });
    },
    setGrants(grants, arrivalSpreadMs = 0) {
      locked(() => {
        f[WINDOW] = 1000 + Math.max(0, arrivalSpreadMs);
        for (let i = 0; i < MAX_GRANTS; i++) {
          const g = grants[i];
          f[GRANTS_START + i * 3] = g ? Math.max(0, g.rate) : 0;
          f[GRANTS_START + i * 3 + 1] = g ? g.from : 0;
          f[GRANTS_START + i * 3 + 2] = g ? g.until : 0;
        }
        const top = grants.slice(0, MAX_GRANTS).reduce((most, g) => Math.max(most, g.rate), 0);
        if (!Number.isNaN(f[RAMP_FROM]) && top > 0) {
          rampUp(f[RAMP_FROM], Math.min(RING - burst, Math.max(1, Math.floor(top))));
          f[RAMP_FROM] = Number.NaN;
        }
      });
      // A pump waiting for a grant here asks again now rather than at its next look.
      wake?.();
    },
    currentRate() {
      return locked(() => rate(now()));
    },
    sender(priority) {
      return {
        acquire: () => budget.acquire(priority),
        acquireForWrite: () => budget.acquireForWrite(priority),
        throttled: (ms) => budget.throttled(ms),
        // The campaign sender's heartbeat counts instances; the share itself comes from the grants, which change at once.
        setActiveWorkers: () => undefined,
        // Bulk sending plans its batches on what is left after the reserve.
        currentRate: () => Math.max(1, budget.currentRate() - (priority === 'bulk' ? reserve : 0)),
      };
    },
  };
  return budget;
}
