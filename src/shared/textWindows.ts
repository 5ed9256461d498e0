/**
 * The most the part-of-speech tagger (compromise) reads at once: its cost grows about as the cube of a run it cannot end
 * a sentence in ("St. St. St. ..." took 46 s at 12,000 characters, an outside review found), so a longer text is read
 * window by window, which keeps it linear: about 15 ms a 1,000 characters, whatever they are.
 */
export const TAGGER_WINDOW = 400;

/**
 * A long text cut into windows of at most `max` characters, for a reader whose cost grows faster than the length of
 * what it is given at once (the part-of-speech tagger: about the cube of a run of abbreviations such as "St. St. St.",
 * which it never ends a sentence at). Each window ends at the last line break in reach, else the last sentence end
 * (". ", "? ", "! "), else the last space, else at `max` (never inside a surrogate pair). One pass over the text, each
 * character looked at a bounded number of times: linear in the text's length. Returns [start, end) pairs in order that
 * cover the text; a text of `max` characters or fewer is one window.
 */
export function textWindows(text: string, max: number): [number, number][] {
  const out: [number, number][] = [];
  let start = 0;
  while (start < text.length) {
    if (text.length - start <= max) {
      out.push([start, text.length]);
      break;
    }
    const reach = text.slice(start, start + max);
    let cut = reach.lastIndexOf('\n') + 1;
    if (cut <= max / 4) cut = Math.max(reach.lastIndexOf('. '), reach.lastIndexOf('? '), reach.lastIndexOf('! ')) + 2;
    if (cut <= max / 4) cut = reach.lastIndexOf(' ') + 1;
    if (cut <= max / 4) {
      cut = max;
      const code = text.charCodeAt(start + cut - 1);
      if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
    }
    out.push([start, start + cut]);
    start += cut;
  }
  return out;
}
