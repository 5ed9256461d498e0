/**
 * The per-person budgets held in the shared records, so they are one budget whichever instance a person's activity
 * reaches (App Service spreads them): twelve reports alternating between two instances file six, as one instance
 * does, and a refusal is told once, not once per instance. Each decision is a conditional write of the person's entry on
 * the version read; an instance keeps the last entry it wrote or read, so a person's next activity on the same instance
 * costs one write, and a refusal it already told is answered from what it kept without a call at all (another instance can
 * only have taken tokens since, never given them back): at once, not as a promise, when nothing of that person's is being
 * decided here, so that a flood's refusals cost the event loop as little as they can.
 *
 * Presses and questions are not written one by one. An instance lets a person have up to a thirtieth of an hour's
 * allowance (10 of 300 presses, 2 of 60 questions) before it writes them, all at once, with the next one: after an
 * all-staff email each person presses Acknowledge once, and that press costs the records nothing (it was a write per
 * person, a fifth of an acknowledgement's table calls on Azure). What it lets through without writing is checked against
 * the entry as it last knew it, not refilled since (another instance may be using the refill), so a person it knows to
 * be out of presses is refused as before, and a flood spread over several instances is held to one budget. Reports are
 * always written: one report limit, exactly. A person this instance has not seen is created without a read (most have no
 * entry: the hourly sweep removes idle ones), and a press does not wait for that write: it goes on while the write does
 * (a new entry always has a press to give), and the person's next activity here waits for the write. What all this can
 * cost is a thirtieth of an hour's presses, and one more, per instance, for a person whose presses another instance has
 * just used up (11 presses in 300), while a flood is refused as cheaply as before.
 */
import { createHash } from 'node:crypto';
import { changeShared, SharedRecord, SharedRecords } from '../shared/sharedRecords';
import {
  capacityOf, createPersonLimits, DEFAULT_MAX_PEOPLE, HOUR_MS, LimitDecision, LimitedKind, PersonBudgets, PersonEntry, takeFromEntry,
} from './personLimits';

/** Where people's entries live in the shared records. */
export const PERSON_LIMITS_SPACE = 'limits';

/** The budgets as the bot asks them, whichever instance holds them. */
export interface SharedPersonLimits {
  /** The decision; at once (not a promise) when it is a refusal already told that nothing here is changing. */
  take(person: string, kind: LimitedKind, options?: { urgent?: boolean }): LimitDecision | Promise<LimitDecision>;
  /** Stops the hourly sweep of idle people's entries. */
  close(): void;
}

/** Options: the shared records, the clock, how many people each instance remembers, and a logger for outages. */
export interface SharedPersonLimitsOptions {
  records: SharedRecords;
  now?: () => number;
  maxPeople?: number;
  logger?: { warn(obj: object, msg: string): void };
}

/** An instance lets a person have up to this share of an hour's presses or questions before it writes them. */
export const HELD_SHARE = 30;

/** The key of a person's entry: a hash of their id, so the shared table holds nobody's id. */
export const personKey = (person: string): string => createHash('sha256').update(person).digest('hex').slice(0, 40);

/** Creates the shared budgets; with the records out of reach, each instance decides alone until they are back. */
export function createSharedPersonLimits(budgets: PersonBudgets, options: SharedPersonLimitsOptions): SharedPersonLimits {
  const now = options.now ?? Date.now;
  const maxPeople = options.maxPeople ?? DEFAULT_MAX_PEOPLE;
  const capacity = capacityOf(budgets);
  const alone = createPersonLimits(budgets, { now, maxPeople });
  // What this instance last wrote or read of each person (by their id: only the shared table needs the hash), least
  // recently used first.
  const known = new Map<string, SharedRecord<PersonEntry>>();
  // Each person's takes here run one after another: they change one entry.
  const lines = new Map<string, Promise<unknown>>();
  let outage: string | undefined;

  // What this instance let each person have and has not yet written (by budget), since when; least recently used first.
  const held = new Map<string, Partial<Record<LimitedKind, { n: number; at: number }>>>();
  const heldLimit = (kind: LimitedKind): number => (kind === 'report' ? 0 : Math.floor(capacity[kind] / HELD_SHARE));

  /** Keeps the person's value as the most recently used, dropping the least recently used past the bound. */
  const keepLatest = <V>(map: Map<string, V>, person: string, value: V): void => {
    map.delete(person);
    map.set(person, value);
    if (map.size > maxPeople) map.delete(map.keys().next().value as string);
  };

  const remember = (person: string, record: SharedRecord<PersonEntry> | undefined): void => {
    if (record) keepLatest(known, person, record);
    else known.delete(person);
  };

  /** How many of this budget the instance let the person have without writing (none once an hour has passed). */
  const heldOf = (person: string, kind: LimitedKind, t: number): number => {
    const h = held.get(person)?.[kind];
    return h && t - h.at < HOUR_MS ? h.n : 0;
  };

  /** Lets the press or question through without a call, when the instance may hold one more back for this person. */
  function takeHeld(person: string, kind: LimitedKind): LimitDecision | undefined {
    const t = now();
    const n = heldOf(person, kind, t);
    if (n >= heldLimit(kind)) return undefined;
    // The entry as this instance last wrote or read it must hold one for each held back and this one: as it was then,
    // not refilled since, for another instance may be using the refill (each instance would give it again).
    const kept = known.get(person);
    if (kept && kept.value.tokens[kind] < n + 1) return undefined;
    const mine = held.get(person) ?? {};
    const was = mine[kind];
    mine[kind] = { n: n + 1, at: n > 0 && was ? was.at : t };
    keepLatest(held, person, mine);
    return { allowed: true, urgentException: false };
  }

  /** A refusal this instance already told needs no call: the entry can only have fewer tokens since. */
  function toldRefusal(person: string, kind: LimitedKind, urgent: boolean): LimitDecision | undefined {
    const kept = known.get(person);
    if (!kept || (kind === 'report' && urgent)) return undefined;
    const { decision } = takeFromEntry(kept.value, kind, capacity, now(), false);
    return !decision.allowed && !decision.firstRefusal ? decision : undefined;
  }

  async function takeShared(person: string, kind: LimitedKind, urgent: boolean): Promise<LimitDecision> {
    const told = toldRefusal(person, kind, urgent);
    if (told) return told;
    const key = personKey(person);
    const kept = known.get(person);
    // Those let through here and not yet written go with this one (takeFromEntry takes them first).
    const alreadyLet = heldOf(person, kind, now());
    let decided: LimitDecision | undefined;
    const result = await changeShared<PersonEntry>(options.records, PERSON_LIMITS_SPACE, key, (current) => {
      const { entry, decision } = takeFromEntry(current, kind, capacity, now(), urgent, alreadyLet);
      decided = decision;
      // A refusal already told elsewhere changes nothing: it is not written, unless it carries presses held back here.
      return decision.allowed || decision.firstRefusal || alreadyLet > 0 ? entry : undefined;
    }, kept ? { known: kept } : { absent: true });
    remember(person, result.value && result.version ? { value: result.value, version: result.version } : undefined);
    if (result.written) {
      const mine = held.get(person);
      if (mine) delete mine[kind];
    }
    return decided!;
  }

  const sweep = setInterval(() => {
    options.records.sweep(PERSON_LIMITS_SPACE, now() - HOUR_MS).catch(() => undefined);
  }, HOUR_MS / 4);
  sweep.unref?.();

  return {
    take(person, kind, takeOptions = {}) {
      // Nothing of this person's being decided here: a refusal already told is the answer now, as takeShared would give it.
      if (!lines.has(person)) {
        const told = toldRefusal(person, kind, takeOptions.urgent === true);
        if (told) return told;
        const heldBack = takeHeld(person, kind);
        if (heldBack) return heldBack;
      }
      const before = lines.get(person) ?? Promise.resolve();
      const run = before.then(async () => {
        // What the takes before this one wrote may leave room to hold this one back too.
        const heldBack = takeHeld(person, kind);
        if (heldBack) return heldBack;
        try {
          const decision = await takeShared(person, kind, takeOptions.urgent === true);
          if (outage) options.logger?.warn({ event: 'limits.sharedBack' }, 'people\'s budgets are shared by the instances again');
          outage = undefined;
          return decision;
        } catch (err) {
          const code = (err as { code?: string }).code ?? (err as Error).name ?? 'unknown';
          if (outage !== code) options.logger?.warn({ event: 'limits.sharedUnavailable', code }, 'people\'s budgets could not be read from the shared records: this instance decides alone meanwhile');
          outage = code;
          return alone.take(person, kind, takeOptions);
        }
      });
      const settled = run.catch(() => undefined);
      // A press of someone this instance has not seen and is not deciding for goes on now: a new entry has one to give.
      const unseen = kind === 'press' && !known.has(person) && !lines.has(person);
      lines.set(person, settled);
      void settled.then(() => { if (lines.get(person) === settled) lines.delete(person); });
      return unseen ? Promise.resolve(takeFromEntry(undefined, kind, capacity, now(), false).decision) : run;
    },
    close() {
      clearInterval(sweep);
    },
  };
}
