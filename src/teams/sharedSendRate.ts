/**
 * Teams allows 50 requests a second per app per tenant, for all of the app's instances together. Each instance draws
 * from its own outbound budget (outboundBudget.ts); this module decides how much of the limit each may use, through a
 * ledger every instance reads and writes in the shared records (a conditional write on the version read, so of two
 * instances writing at once one wins and the other plans again on what won).
 *
 * The ledger holds grants: a rate an instance may use from one time until another, a few seconds ahead, renewed while it
 * runs. A request sent under a grant counts in Teams' trailing second for one second after it, so a grant occupies the
 * ledger until a second after it ends (and a margin for the instances' clocks); the rule every write keeps is that at
 * every moment the members' largest occupying grants add up to no more than the limit. An instance may lower its grant
 * at once (it lowers its budget first), but may only raise it, or start one, where the ledger has room for the whole of
 * it, shadow included. So when an instance joins mid-roll-out, it reserves its fair share from the moment the others'
 * grants and their shadows leave room; the others see it at their next look (a quarter of a second) and lower theirs;
 * when one leaves, it ends its grants and the others raise theirs a second later. No second ever holds more than the
 * limit, whoever joins or leaves, and nothing waits for a heartbeat to converge: a grant that is not renewed (a killed
 * instance) simply runs out. A process restarted under the same worker id (after a kill -9 or a stop) carries on its
 * last life's grants, whose shadows the others already respect; its budget never saw what that life sent, so it starts as
 * if that life had sent at the full share until the moment this one started (outboundBudget's rampUp).
 */
import { SharedRecords } from '../shared/sharedRecords';
import { MAX_GRANTS, SendGrant } from './outboundBudget';

/** Where the ledger lives in the shared records. */
export const SEND_RATE_SPACE = 'teams';
export const SEND_RATE_KEY = 'sendRate';

/** One instance in the ledger: when it last looked, which life of its worker id wrote it, and its grants. */
export interface LedgerMember {
  seen: number;
  incarnation: string;
  /** Set by an instance that stopped: its grants end with their shadows, and it no longer counts for a share. */
  leaving?: boolean;
  grants: SendGrant[];
}

/** The ledger: every instance with grants still occupying it, by worker id. */
export interface SendRateLedger {
  members: Record<string, LedgerMember>;
}

/** How far ahead grants run and how often instances look. */
export interface SendRateTiming {
  /** A grant runs this far ahead of its last renewal (default 3 s). */
  horizonMs: number;
  /** An instance not seen for this long no longer counts for a share (default 3 s); its grants run out by themselves. */
  liveMs: number;
  /** What the instances' clocks may differ by, added to every grant's shadow at both ends (default 100 ms). */
  marginMs: number;
  /** How often each instance reads the ledger (default 250 ms); it writes about once a second. */
  renewMs: number;
  /**
   * Every instance counts its share over a second and this much (default 25 ms), alone or sharing: the network, the
   * sending process's own stalls and Teams' front door delay some requests more than others, and requests that reach
   * Teams late bunch with those that do not, so a second at the sender that holds the limit can put one more than it in
   * a second at Teams (a 429). A request is counted when it is on the wire (acquireForWrite), so what is left to cover
   * is the way there: 25 ms costs a lone instance 2.4% of its pace (50 ms cost 4.8% and kept the roll-out under 0.93 of
   * the limit through two restarts); a 429 costs more (issue 69). Where shares change hands, the margin at each end of
   * a grant's shadow covers the same spread.
   */
  arrivalSpreadMs: number;
}

/** The timing production uses. */
export const DEFAULT_SEND_RATE_TIMING: SendRateTiming = { horizonMs: 3_000, liveMs: 3_000, marginMs: 100, renewMs: 250, arrivalSpreadMs: 25 };

/** Teams counts requests in a trailing second. */
const WINDOW_MS = 1_000;
const EPSILON = 0.001;

const occupies = (g: SendGrant, t: number, margin: number): boolean => t >= g.from - margin && t < g.until + WINDOW_MS + margin;

/** What the members other than `self` hold at `t`: each one's largest grant occupying `t`, summed. */
function othersAt(ledger: SendRateLedger, self: string, t: number, margin: number): number {
  let sum = 0;
  for (const [id, member] of Object.entries(ledger.members)) {
    if (id === self) continue;
    let largest = 0;
    for (const g of member.grants) if (occupies(g, t, margin)) largest = Math.max(largest, g.rate);
    sum += largest;
  }
  return sum;
}

/** The most a grant may use at every moment of [from, to): the limit less the others' holding, at its fullest. */
function roomBetween(ledger: SendRateLedger, self: string, from: number, to: number, limit: number, margin: number): number {
  const points = [from];
  for (const [id, member] of Object.entries(ledger.members)) {
    if (id === self) continue;
    for (const g of member.grants) {
      for (const p of [g.from - margin, g.until + WINDOW_MS + margin]) if (p > from && p < to) points.push(p);
    }
  }
  return Math.min(...points.map((t) => limit - othersAt(ledger, self, t, margin)));
}

const floorRate = (r: number): number => Math.max(0, Math.floor(r * 1000) / 1000);
const sameGrants = (a: readonly SendGrant[], b: readonly SendGrant[]): boolean =>
  a.length === b.length && a.every((g, i) => g.rate === b[i].rate && g.from === b[i].from && g.until === b[i].until);

/** What one look at the ledger decides for this instance. */
export interface SendRatePlan {
  /** The ledger to write (undefined: nothing to write). */
  ledger?: SendRateLedger;
  /** This instance's grants still to come or in force, for its budget. */
  grants: SendGrant[];
  /** Instances counted for a share (this one included). */
  live: number;
}

/**
 * One look at the ledger by instance `self` at `now`: tidies what has run out, counts the live instances, and works out
 * this instance's grants: its fair share (the limit over the live instances) now if the ledger has room for it, else as
 * much as it has room for now and the fair share reserved from the earliest moment there is room.
 */
export function planSendRate(
  read: SendRateLedger | undefined, self: string, incarnation: string, now: number, limit: number, timing: SendRateTiming,
): SendRatePlan {
  const m = timing.marginMs;
  const before = read?.members[self];
  const ledger: SendRateLedger = { members: {} };
  for (const [id, member] of Object.entries(read?.members ?? {})) {
    const grants = member.grants.filter((g) => g.until + WINDOW_MS + m > now);
    const live = !member.leaving && member.seen >= now - timing.liveMs;
    if (grants.length > 0 || live || id === self) ledger.members[id] = { ...member, grants };
  }
  ledger.members[self] = { seen: now, incarnation, grants: ledger.members[self]?.grants ?? [] };
  const live = Object.values(ledger.members).filter((mm) => !mm.leaving && mm.seen >= now - timing.liveMs).length;
  const target = floorRate(limit / Math.max(1, live));
  const mine = ledger.members[self].grants;
  // What this instance used before now keeps its shadow; what it planned for later is planned again below.
  const past = mine.filter((g) => g.until <= now);
  const current = mine.filter((g) => g.from <= now && now < g.until).sort((a, b) => b.from - a.from)[0];
  const horizonEnd = now + timing.horizonMs;
  const roomNow = floorRate(Math.min(target, roomBetween(ledger, self, now - m, horizonEnd + WINDOW_MS + m, limit, m)));
  const next: SendGrant[] = [...past];
  if (current && Math.abs(roomNow - current.rate) <= EPSILON) {
    // The same share: renewed once it has less than the horizon less a second to run, so a write is about once a second.
    next.push({ ...current, until: current.until - now < timing.horizonMs - 4 * timing.renewMs ? horizonEnd : current.until });
  } else {
    if (current) next.push({ ...current, until: now });
    if (roomNow > 0) next.push({ rate: roomNow, from: now, until: horizonEnd });
  }
  if (roomNow < target - EPSILON) {
    // The fair share is reserved from the first moment an occupying grant of another leaves room for all of it.
    const starts = [...new Set(Object.entries(ledger.members).filter(([id]) => id !== self)
      .flatMap(([, member]) => member.grants.map((g) => g.until + WINDOW_MS + 2 * m)).filter((t) => t > now))].sort((a, b) => a - b);
    for (const from of starts) {
      const room = floorRate(Math.min(target, roomBetween(ledger, self, from - m, from + timing.horizonMs + WINDOW_MS + m, limit, m)));
      if (room > roomNow + EPSILON) {
        next.push({ rate: room, from, until: from + timing.horizonMs });
        break;
      }
    }
  }
  // Only the newest few shadows matter to the others; the budget holds MAX_GRANTS at once.
  const kept = next.sort((a, b) => a.from - b.from).slice(-MAX_GRANTS * 2);
  ledger.members[self] = { seen: now, incarnation, grants: kept };
  const changed = !before || !sameGrants(before.grants, kept) || before.incarnation !== incarnation || before.leaving === true
    || now - before.seen >= timing.liveMs / 3 || Object.keys(ledger.members).length !== Object.keys(read?.members ?? {}).length;
  const usable = kept.filter((g) => g.until > now && g.rate > 0).slice(-MAX_GRANTS);
  return { ...(changed ? { ledger } : {}), grants: usable, live };
}

/** The grants safe to use before a plan is written: never more than what is in force now, and nothing that starts later. */
export function lowerOnly(inForce: readonly SendGrant[], planned: readonly SendGrant[], now: number): SendGrant[] {
  const rateAt = (grants: readonly SendGrant[]) => grants.filter((g) => g.from <= now && now < g.until).sort((a, b) => b.from - a.from)[0];
  const was = rateAt(inForce);
  const will = rateAt(planned);
  if (!was) return [];
  if (!will) return [];
  return will.rate < was.rate ? [{ rate: will.rate, from: now, until: Math.min(was.until, will.until) }] : [was];
}

/** What the shared send rate needs: the records, who this instance is, the limit, and the budget to set. */
export interface SharedSendRateOptions {
  records: SharedRecords;
  workerId: string;
  /** The app's limit with Teams (SEND_RATE_PER_SECOND, 50). */
  limit: number;
  /** Sets this instance's grants on its outbound budget, and the arrival spread to count them with (undefined: none). */
  apply(grants: readonly SendGrant[], arrivalSpreadMs?: number): void;
  timing?: Partial<SendRateTiming>;
  now?: () => number;
  /** Runs `look` every `ms` until the returned function is called (tests drive it on their own clock). */
  every?: (look: () => void, ms: number) => () => void;
  logger?: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
}

/** The shared send rate as the app runs it. */
export interface SharedSendRate {
  /** Resolves once the first look at the ledger is done (the instance has its first grant, or knows it must wait). */
  readonly ready: Promise<void>;
  /** Looks at the ledger now (tests; the timer does it every renewMs). */
  renew(): Promise<void>;
  /** Ends this instance's grants (the others take its share a second later) and stops looking. */
  stop(): Promise<void>;
}

/**
 * Resolves once the instance holds its seat in the ledger (its first look is written), or after `maxMs` if the ledger
 * does not answer by then: what a process waits for before it loads the rest of the app, whose modules hold its thread
 * for seconds, so the ledger's round trips do not wait behind them and the others make room for it that much sooner.
 */
export function seated(rate: Pick<SharedSendRate, 'ready'>, maxMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    // Not unref'd: a process with nothing else to wait on yet still waits out the ledger's time.
    const timer = setTimeout(resolve, maxMs);
    void rate.ready.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Starts looking at the ledger every renewMs and keeping this instance's budget to its grants. */
export function startSharedSendRate(options: SharedSendRateOptions): SharedSendRate {
  const timing: SendRateTiming = { ...DEFAULT_SEND_RATE_TIMING, ...options.timing };
  const now = options.now ?? Date.now;
  const incarnation = `${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
  let applied: SendGrant[] = [];
  let stopped = false;
  let lastLive = 1;
  let lastWritten = now();
  let failing: string | undefined;
  let sharedRate = -1;
  let running: Promise<void> | undefined;
  let wrote = false;
  let warnedDuplicate = false;

  const apply = (grants: readonly SendGrant[]): void => {
    applied = [...grants];
    options.apply(applied, timing.arrivalSpreadMs);
  };

  async function look(): Promise<void> {
    for (let attempt = 0; attempt < 5 && !stopped; attempt++) {
      const read = await options.records.read<SendRateLedger>(SEND_RATE_SPACE, SEND_RATE_KEY);
      const t = now();
      // Once this process has written, its entry changing hands means another running process has its worker id.
      const holder = read?.value.members[options.workerId]?.incarnation;
      if (wrote && holder !== undefined && holder !== incarnation && !warnedDuplicate) {
        warnedDuplicate = true;
        options.logger?.warn({ event: 'sendRate.duplicateWorker', workerId: options.workerId }, 'another running instance has this WORKER_ID: give each instance its own');
      }
      const plan = planSendRate(read?.value, options.workerId, incarnation, t, options.limit, timing);
      lastLive = plan.live;
      if (!plan.ledger) {
        apply(plan.grants);
        return;
      }
      // Lower at once; raise, start or extend only once the ledger holds it.
      apply(lowerOnly(applied, plan.grants, t));
      if (await options.records.write(SEND_RATE_SPACE, SEND_RATE_KEY, plan.ledger, read?.version) === undefined) continue;
      lastWritten = t;
      wrote = true;
      apply(plan.grants);
      const inForce = plan.grants.find((g) => g.from <= t && t < g.until)?.rate ?? 0;
      if (Math.abs(inForce - sharedRate) > EPSILON) {
        sharedRate = inForce;
        options.logger?.info({ event: 'sendRate.share', rate: inForce, instances: plan.live }, 'this instance\'s share of the Teams limit changed');
      }
      return;
    }
  }

  /**
   * One look, and what to do when the records cannot be reached: the grants in force run out by themselves; once they
   * have and the ledger has been out of reach for a horizon, this instance takes the share it last had, so safeguarding
   * alerts and replies still go (Teams' 429s, which the budget obeys, then do the rest).
   */
  async function renew(): Promise<void> {
    running ??= (async () => {
      try {
        await look();
        if (failing) options.logger?.info({ event: 'sendRate.ledgerBack' }, 'the shared send rate ledger can be reached again');
        failing = undefined;
      } catch (err) {
        const code = (err as { code?: string }).code ?? (err as Error).name ?? 'unknown';
        if (failing !== code) options.logger?.warn({ event: 'sendRate.ledgerUnavailable', code }, 'the shared send rate ledger could not be reached; grants run out by themselves');
        failing = code;
        const t = now();
        if (!applied.some((g) => g.until > t) && t - lastWritten > timing.horizonMs) {
          apply([{ rate: floorRate(options.limit / Math.max(1, lastLive)), from: t, until: t + timing.horizonMs }]);
        }
      } finally {
        running = undefined;
      }
    })();
    return running;
  }

  const ready = renew();
  const every = options.every ?? ((fn: () => void, ms: number) => {
    const timer = setInterval(fn, ms);
    timer.unref?.();
    return () => clearInterval(timer);
  });
  const cancel = every(() => { if (!stopped) void renew(); }, timing.renewMs);

  return {
    ready,
    renew,
    async stop() {
      if (stopped) return;
      stopped = true;
      cancel();
      await running;
      apply([]);
      // The grants end now: their shadows keep the others from the share for one more second, as Teams counts it.
      for (let attempt = 0; attempt < 5; attempt++) {
        try {
          const read = await options.records.read<SendRateLedger>(SEND_RATE_SPACE, SEND_RATE_KEY);
          const mine = read?.value.members[options.workerId];
          if (!read || !mine || mine.incarnation !== incarnation) return;
          const t = now();
          const ledger: SendRateLedger = { members: { ...read.value.members, [options.workerId]: {
            ...mine, leaving: true, seen: t, grants: mine.grants.filter((g) => g.from < t).map((g) => ({ ...g, until: Math.min(g.until, t) })),
          } } };
          if (await options.records.write(SEND_RATE_SPACE, SEND_RATE_KEY, ledger, read.version) !== undefined) return;
        } catch {
          return;
        }
      }
    },
  };
}
