import { DEFAULT_PERSON_LIMITS } from '../../src/config/coreSettings';
import { createPersonLimits, LimitDecision } from '../../src/teams/personLimits';

const HOUR = 3_600_000;

/** A clock the test moves by hand. */
function clock(start = Date.UTC(2026, 10, 22, 9, 0)) {
  let t = start;
  return { now: () => t, advance: (ms: number) => { t += ms; } };
}

const allowed = (d: LimitDecision): boolean => d.allowed;

describe('per-person limits', () => {
  it('when a person sends their whole budget at once, then all of it goes through and the next is refused until a share of the hour has passed', () => {
    const c = clock();
    const limits = createPersonLimits({ reportsPerHour: 6, questionsPerHour: 60, pressesPerHour: 300 }, { now: c.now });
    const first = Array.from({ length: 6 }, () => limits.take('aad-a', 'report'));
    expect(first.every(allowed)).toBe(true);

    const refused = limits.take('aad-a', 'report');
    expect(refused).toEqual({ allowed: false, retryAt: c.now() + 10 * 60_000, firstRefusal: true });

    c.advance(10 * 60_000 - 1);
    expect(limits.take('aad-a', 'report').allowed).toBe(false);
    c.advance(1);
    expect(limits.take('aad-a', 'report').allowed).toBe(true);
  });

  it('when one budget is spent, then the other is untouched, and other people keep their own', () => {
    const c = clock();
    const limits = createPersonLimits({ reportsPerHour: 1, questionsPerHour: 2, pressesPerHour: 300 }, { now: c.now });
    expect(limits.take('aad-a', 'report').allowed).toBe(true);
    expect(limits.take('aad-a', 'report').allowed).toBe(false);
    expect(limits.take('aad-a', 'question').allowed).toBe(true);
    expect(limits.take('aad-a', 'question').allowed).toBe(true);
    expect(limits.take('aad-a', 'question').allowed).toBe(false);
    expect(limits.take('aad-b', 'report').allowed).toBe(true);
    expect(limits.take('aad-b', 'question').allowed).toBe(true);
  });

  it('when the budget is spent, then every urgent report still goes through (issue 69), and an ordinary one is still refused', () => {
    const c = clock();
    const limits = createPersonLimits({ reportsPerHour: 2, questionsPerHour: 60, pressesPerHour: 300 }, { now: c.now });
    limits.take('aad-a', 'report');
    limits.take('aad-a', 'report');
    expect(limits.take('aad-a', 'report')).toMatchObject({ allowed: false });
    expect(limits.take('aad-a', 'report', { urgent: true })).toEqual({ allowed: true, urgentException: true });
    expect(limits.take('aad-a', 'report', { urgent: true })).toEqual({ allowed: true, urgentException: true });
    expect(limits.take('aad-a', 'report')).toMatchObject({ allowed: false, firstRefusal: true });
  });

  it('when urgent reports come within the budget, then they use it: the ordinary report after them waits', () => {
    const c = clock();
    const limits = createPersonLimits({ reportsPerHour: 6, questionsPerHour: 60, pressesPerHour: 300 }, { now: c.now });
    const decisions = Array.from({ length: 21 }, () => limits.take('aad-a', 'report', { urgent: true }));
    expect(decisions.filter(allowed)).toHaveLength(21);
    expect(decisions.filter((d) => d.allowed && d.urgentException)).toHaveLength(15);
    expect(limits.take('aad-a', 'report')).toMatchObject({ allowed: false });
  });

  it('when a refused person keeps trying, then only the first refusal is marked to be told, until the retry time passes', () => {
    const c = clock();
    const limits = createPersonLimits({ reportsPerHour: 6, questionsPerHour: 1, pressesPerHour: 300 }, { now: c.now });
    limits.take('aad-a', 'question');
    const told = [limits.take('aad-a', 'question'), limits.take('aad-a', 'question'), limits.take('aad-a', 'question')];
    expect(told.map((d) => !d.allowed && d.firstRefusal)).toEqual([true, false, false]);
    c.advance(HOUR);
    expect(limits.take('aad-a', 'question').allowed).toBe(true);
    expect(limits.take('aad-a', 'question')).toMatchObject({ allowed: false, firstRefusal: true });
  });

  it('when more people write than the bound, then at most the bound are kept, and a person idle for an hour is forgotten', () => {
    const c = clock();
    const limits = createPersonLimits({ reportsPerHour: 6, questionsPerHour: 60, pressesPerHour: 300 }, { now: c.now, maxPeople: 1000 });
    for (let i = 0; i < 5000; i++) {
      limits.take(`aad-${i}`, 'question');
      expect(limits.size).toBeLessThanOrEqual(1000);
    }
    expect(limits.size).toBe(1000);
    c.advance(HOUR);
    limits.take('aad-late', 'question');
    expect(limits.size).toBe(1);
  });

  it('when a person is forgotten after an hour idle, then their budget is what it would have refilled to anyway (full)', () => {
    const c = clock();
    const limits = createPersonLimits({ reportsPerHour: 3, questionsPerHour: 60, pressesPerHour: 300 }, { now: c.now });
    for (let i = 0; i < 3; i++) limits.take('aad-a', 'report');
    c.advance(HOUR);
    limits.take('aad-other', 'question');
    expect(limits.size).toBe(1);
    expect(Array.from({ length: 3 }, () => limits.take('aad-a', 'report')).every(allowed)).toBe(true);
    expect(limits.take('aad-a', 'report').allowed).toBe(false);
  });

  it('when a person reads the policy a page at a time (a press every 12 seconds for five hours) with the default budgets, then no press is refused', () => {
    const c = clock();
    const limits = createPersonLimits(DEFAULT_PERSON_LIMITS, { now: c.now });
    // Straight through the policy first (a few dozen pages pressed as fast as a person can), then a page every 12 seconds.
    const quick = Array.from({ length: 60 }, () => { c.advance(1_000); return limits.take('aad-reader', 'press'); });
    expect(quick.every(allowed)).toBe(true);
    const steady = Array.from({ length: 5 * 300 }, () => { c.advance(12_000); return limits.take('aad-reader', 'press'); });
    expect(steady.every(allowed)).toBe(true);
  });

  it('when ten thousand presses come at once with the default budgets, then the budget\'s 300 go and the rest are refused, with one press every 12 seconds after', () => {
    const c = clock();
    const limits = createPersonLimits(DEFAULT_PERSON_LIMITS, { now: c.now });
    const decisions = Array.from({ length: 10_000 }, () => limits.take('aad-flood', 'press'));
    expect(decisions.filter(allowed)).toHaveLength(300);
    expect(decisions.slice(300).every((d) => !d.allowed && d.retryAt === c.now() + 12_000)).toBe(true);
    // Presses are a budget of their own: the person's questions and reports are untouched.
    expect(limits.take('aad-flood', 'question').allowed).toBe(true);
    c.advance(12_000);
    expect(limits.take('aad-flood', 'press').allowed).toBe(true);
    expect(limits.take('aad-flood', 'press').allowed).toBe(false);
  });
});
