/**
 * Trimming a run of characters from the ends of a string in linear time. A pattern such as /\s+$/ or /\/+$/ is
 * quadratic in V8: on a long run followed by one other character, every start position in the run is tried and
 * scans to its end. Text a person typed or a document held must never meet such a pattern.
 */

/** The string without the characters at its end that `oneChar` matches (a one-character class such as /[;:,\s]/). */
export function trimEndMatching(text: string, oneChar: RegExp): string {
  let end = text.length;
  while (end > 0 && oneChar.test(text[end - 1])) end--;
  return end === text.length ? text : text.slice(0, end);
}

/** The string without the characters at its start that `oneChar` matches. */
export function trimStartMatching(text: string, oneChar: RegExp): string {
  let start = 0;
  while (start < text.length && oneChar.test(text[start])) start++;
  return start === 0 ? text : text.slice(start);
}

/** A URL or base address without its trailing slashes. */
export function withoutTrailingSlashes(url: string): string {
  return trimEndMatching(url, /\//);
}
