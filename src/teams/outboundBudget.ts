/**
 * One budget for every request the app makes to Teams (Bot Connector): replies to staff and owners, card updates, and
 * the campaign sender's cards, reminders and digests. Teams allows 50 requests a second per app per tenant; a 429 pauses
 * the whole app for its Retry-After. The budget is a token bucket kept in shared memory (a SharedArrayBuffer), so the bot's
 * thread and the sending thread draw from the same one: a reply takes a token at once when one is there, and bulk sending
 * always leaves `reserve` tokens for replies, so a reply never pushes a second over the limit and never waits behind a
 * roll-out. Instances of the app split the limit between them (setActiveWorkers, from the sender's heartbeat).
 */

/** Who is asking: a person is waiting for a reply, or a roll-out is sending cards. */
export type OutboundPriority = 'reply' | 'bulk';

/** A rate budget a sender draws from before each request (the acknowledgement sender's RateLimiter has this shape). */
export interface PacedSender {
  acquire(): Promise<void>;
  throttled(retryAfterMs?: number): void;
  setActiveWorkers(count: number): void;
  currentRate(): number;
}

/** The shared budget. */
export interface OutboundBudget {
  /** The memory the budget lives in: hand it to another thread to share the budget. */
  readonly memory: SharedArrayBuffer;
  /** Waits until a request of this priority may go. */
  acquire(priority: OutboundPriority): Promise<void>;
  /** Reports a 429 (or a 503 with Retry-After): everyone pauses, and the rate backs off and recovers. */
  throttled(retryAfterMs?: number): void;
  /** Splits the tenant's limit with the other live instances. */
  setActiveWorkers(count: number): void;
  /** The rate this instance aims at now, in requests per second. */
  currentRate(): number;
  /** The budget as one sender of a priority sees it. */
  sender(priority: OutboundPriority): PacedSender;
}

/** Options of the budget. */
export interface OutboundBudgetOptions {
  /** The tenant's limit (Teams: 50 a second per app). */
  ratePerSecond: number;
  /** Share of the limit aimed at, for network jitter (default 0.99). */
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
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const LOCK = 0;
// Float64 slots after the lock word.
const TOKENS = 0;
const UPDATED_AT = 1;
const PAUSED_UNTIL = 2;
const WORKERS = 3;
const FACTOR_AT_THROTTLE = 4;
const THROTTLED_AT = 5;
const RING_HEAD = 6;
const RING_START = 8;
/** Grants remembered for the trailing-second ceiling: enough for any sensible limit. */
const RING = 256;
const FLOATS = RING_START + RING;

/** Creates the budget, or joins the one whose memory is given (the sending thread). */
export function createOutboundBudget(options: OutboundBudgetOptions): OutboundBudget {
  const now = options.now ?? (() => Date.now());
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const utilisation = options.utilisation ?? 0.99;
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
    f[WORKERS] = 1;
    f[FACTOR_AT_THROTTLE] = 1;
    f[THROTTLED_AT] = -1e15;
    f[RING_HEAD] = 0;
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
  const share = (): number => options.ratePerSecond / Math.max(1, f[WORKERS]);
  const rate = (t: number): number => share() * utilisation * factor(t);
  const ceiling = (): number => Math.min(RING, Math.max(1, Math.floor(share())));

  /** Takes a token when this priority may have one now; else how long to wait before asking again (ms). */
  function tryTake(priority: OutboundPriority): number {
    return locked(() => {
      const t = now();
      if (t < f[PAUSED_UNTIL]) return f[PAUSED_UNTIL] - t;
      const r = rate(t);
      f[TOKENS] = Math.min(burst, f[TOKENS] + ((t - f[UPDATED_AT]) * r) / 1000);
      f[UPDATED_AT] = t;
      const keep = priority === 'bulk' ? reserve : 0;
      // The ceiling: this instance's share in any trailing second, whatever the bucket says (a stalled clock, a burst).
      const cap = ceiling() - keep;
      const head = f[RING_HEAD];
      const oldest = f[RING_START + ((head - Math.max(1, cap) + RING * 4) % RING)];
      const inWindow = cap <= 0 || oldest > t - 1000;
      if (f[TOKENS] >= 1 + keep && !inWindow) {
        f[TOKENS] -= 1;
        f[RING_START + (head % RING)] = t;
        f[RING_HEAD] = (head + 1) % RING;
        return 0;
      }
      const forTokens = ((1 + keep - f[TOKENS]) * 1000) / r;
      const forWindow = inWindow && cap > 0 ? oldest + 1000 - t : 0;
      return Math.max(1, forTokens, forWindow);
    });
  }

  // Bulk callers of this thread wait in line, so one polls the shared bucket at a time and they go in order.
  let bulkLine: Promise<void> = Promise.resolve();

  async function takeWhenAllowed(priority: OutboundPriority): Promise<void> {
    for (;;) {
      const wait = tryTake(priority);
      if (wait === 0) return;
      await sleep(Math.min(wait, 250));
    }
  }

  const budget: OutboundBudget = {
    memory,
    acquire(priority) {
      if (priority === 'reply') return takeWhenAllowed('reply');
      const mine = bulkLine.then(() => takeWhenAllowed('bulk'));
      bulkLine = mine.catch(() => undefined);
      return mine;
    },
    throttled(retryAfterMs) {
      locked(() => {
        const t = now();
        // 429s of requests already in flight when the first came belong to the same episode: cut once.
        if (t >= f[PAUSED_UNTIL]) {
          f[FACTOR_AT_THROTTLE] = Math.max(0.2, factor(t) * backoff);
          f[THROTTLED_AT] = t;
        }
        f[PAUSED_UNTIL] = Math.max(f[PAUSED_UNTIL], t + Math.max(retryAfterMs ?? 0, 1000 / rate(t)));
        f[TOKENS] = 0;
      });
    },
    setActiveWorkers(count) {
      locked(() => { f[WORKERS] = Math.max(1, Math.floor(count)); });
    },
    currentRate() {
      return locked(() => rate(now()));
    },
    sender(priority) {
      return {
        acquire: () => budget.acquire(priority),
        throttled: (ms) => budget.throttled(ms),
        setActiveWorkers: (n) => budget.setActiveWorkers(n),
        // Bulk sending plans its batches on what is left after the reserve.
        currentRate: () => Math.max(1, budget.currentRate() - (priority === 'bulk' ? reserve : 0)),
      };
    },
  };
  return budget;
}
