import { TAGGER_WINDOW, textWindows } from '../../src/shared/textWindows';

/** The windows as text, checked to cover the whole text in order, none longer than `max`. */
function cut(text: string, max: number): string[] {
  const windows = textWindows(text, max);
  let at = 0;
  for (const [start, end] of windows) {
    expect(start).toBe(at);
    expect(end - start).toBeGreaterThan(0);
    expect(end - start).toBeLessThanOrEqual(max);
    at = end;
  }
  expect(at).toBe(text.length);
  return windows.map(([start, end]) => text.slice(start, end));
}

describe('a long text cut into windows for the tagger', () => {
  it('when a text is no longer than a window, then it is one window; an empty text has none', () => {
    expect(cut('Can I post photos of my class?', TAGGER_WINDOW)).toEqual(['Can I post photos of my class?']);
    expect(textWindows('', TAGGER_WINDOW)).toEqual([]);
  });

  it('when a text is longer, then each window ends at a line break, else a sentence end, else a space', () => {
    const sentence = 'What a week it has been in Year 5 with the museum trip. ';
    const windows = cut(sentence.repeat(20), 200);
    expect(windows.slice(0, -1).every((w) => w.endsWith('. '))).toBe(true);
    const lines = cut(`${'word '.repeat(30)}\n${'more words here. '.repeat(20)}`, 200);
    expect(lines[0].endsWith('\n')).toBe(true);
    expect(cut('word '.repeat(100), 64).slice(0, -1).every((w) => w.endsWith(' '))).toBe(true);
  });

  it('when a text has no space at all, then it is cut at the window\'s length, never inside an emoji', () => {
    expect(cut('a'.repeat(1000), 300).map((w) => w.length)).toEqual([300, 300, 300, 100]);
    const emoji = cut('😀'.repeat(500), 301);
    expect(emoji.every((w) => !/[\uD800-\uDBFF]$/.test(w) && !/^[\uDC00-\uDFFF]/.test(w))).toBe(true);
  });

  it('when a text is "St. " over and over (what the tagger never ends a sentence at), then no window is longer than the limit', () => {
    const windows = cut('St. '.repeat(7000), TAGGER_WINDOW);
    expect(windows.length).toBeGreaterThanOrEqual(Math.ceil(28000 / TAGGER_WINDOW));
  });
});
