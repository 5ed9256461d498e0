import { splitSentences } from '../answer/passages';
import { nameSpans } from '../teaching/redactNames';

/**
 * What in a draft raised a concern, in the draft's own words, for the card ("names a pupil: 'Jayden'"). Names, classes
 * and year groups, and days, times and places are found by pattern; for the rest, the draft's sentence the concern's
 * head scores highest stands as the evidence.
 */

/** A year group or a class: "Year 6", "yr 9", "Y4", "4B", "10R". */
const YEAR_GROUP = /\b(?:year|yr|y)\s?(?:[1-9]|1[0-3])\b/gi;
const CLASS_CODE = /\b(?:[1-9]|1[0-3])[A-Z]{1,2}\b/g;
/** When: a weekday, tomorrow or tonight, "next week", a clock time ("2pm", "8.15am", "14:30"). */
const WHEN = /\b(?:(?:this|next|on)\s+)?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|tomorrow|tonight|this (?:morning|afternoon|evening))\b|\b\d{1,2}(?:[:.]\d{2})?\s?(?:am|pm)\b|\b\d{1,2}:\d{2}\b/gi;
/** Where: "at the park", "meeting at the gates", "we'll be in Scarborough". */
const WHERE = /\b(?:at|to|in|outside)\s+(?:the\s+)?[A-Z][a-z]{2,20}(?:\s+[A-Z][a-z]{2,20}){0,2}\b|\bat the [a-z]{3,20}\b/g;

const all = (re: RegExp, text: string): string[] => [...text.matchAll(re)].map((m) => m[0]);

const isUpper = (c: string | undefined): boolean => c !== undefined && c >= 'A' && c <= 'Z';
const isLower = (c: string | undefined): boolean => c !== undefined && c >= 'a' && c <= 'z';

/**
 * Where a hyphenated part before `start` begins ("Fielding-" before "Okoro"): a capital, lower-case letters and a
 * hyphen ending at `start`, walked back a character at a time, so a long run of such parts costs its own length once
 * (a pattern anchored at the end of the whole text before it, run once per part, cost the text's length each time).
 */
function hyphenatedBefore(draft: string, start: number): number {
  let at = start;
  for (;;) {
    if (draft[at - 1] !== '-') return at;
    let i = at - 2;
    while (isLower(draft[i])) i--;
    if (i === at - 2 || !isUpper(draft[i])) return at;
    at = i;
  }
}

/** Where hyphenated parts after `end` end ("-Okoro" after "Fielding"), walked forward the same way. */
function hyphenatedAfter(draft: string, end: number): number {
  let at = end;
  for (;;) {
    if (draft[at] !== '-' || !isUpper(draft[at + 1])) return at;
    let i = at + 2;
    while (isLower(draft[i])) i++;
    if (i === at + 2) return at;
    at = i;
  }
}

/** The names of people in the draft, as written ("Jayden", "Mrs Okafor's"). */
export function namesIn(draft: string): string[] {
  // A first name and a surname side by side are one person's name.
  const merged: [number, number][] = [];
  for (const [found, foundEnd] of nameSpans(draft)) {
    // A double-barrelled surname is one name ("Fielding-Okoro"), where the name finder stops at the hyphen.
    const start = hyphenatedBefore(draft, found);
    const end = hyphenatedAfter(draft, foundEnd);
    const last = merged[merged.length - 1];
    if (last && (start <= last[1] || draft.slice(last[1], start).trim() === '')) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return [...new Set(merged.map(([start, end]) => draft.slice(start, end)))];
}

/** Year groups and classes in the draft, as written. */
export function classesIn(draft: string): string[] {
  return [...new Set([...all(YEAR_GROUP, draft), ...all(CLASS_CODE, draft)])];
}

/** Days, times and places in the draft, as written. */
export function whereAndWhenIn(draft: string): { when: string[]; where: string[] } {
  return { when: [...new Set(all(WHEN, draft))], where: [...new Set(all(WHERE, draft))] };
}

/** The draft's sentences (as the policy's are split), or the draft itself when it has none. */
export function draftSentences(draft: string): string[] {
  const sentences = splitSentences(draft).map((s) => s.trim()).filter((s) => s.length > 0);
  return sentences.length > 0 ? sentences : [draft.trim()];
}

/** A quoted piece of the draft for the card, cut at a word near `max` characters. */
export function quotePiece(text: string, max = 90): string {
  const t = text.trim().replace(/\s+/g, ' ');
  if (t.length <= max) return `'${t}'`;
  const cut = t.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `'${(space > max / 2 ? cut.slice(0, space) : cut).trimEnd()}…'`;
}
