import { createRecentKeys } from '../../src/shared/recentKeys';

describe('keys seen lately', () => {
  it('is recent within the window and not after it; marking again starts its time over; forgetting ends it', () => {
    let now = 0;
    const keys = createRecentKeys({ windowMs: 100, max: 10, now: () => now });
    keys.mark('a');
    now = 100;
    expect(keys.isRecent('a')).toBe(true);
    now = 101;
    expect(keys.isRecent('a')).toBe(false);
    keys.mark('a');
    now = 150;
    expect(keys.isRecent('a')).toBe(true);
    keys.forget('a');
    expect(keys.isRecent('a')).toBe(false);
    expect(keys.isRecent('never')).toBe(false);
  });

  it('holds at most max keys, forgetting the one marked longest ago (marking again counts as new)', () => {
    const keys = createRecentKeys({ windowMs: 1_000, max: 2, now: () => 0 });
    keys.mark('a');
    keys.mark('b');
    keys.mark('a');
    keys.mark('c');
    expect(['a', 'b', 'c'].map((k) => keys.isRecent(k))).toEqual([true, false, true]);
  });
});
