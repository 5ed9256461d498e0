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

/** The names of people in the draft, as written ("Jayden", "Mrs Okafor's"). */
export function namesIn(draft: string): string[] {
  // A first name and a surname side by side are one person's name.
  const merged: [number, number][] = [];
  for (const [found, foundEnd] of nameSpans(draft)) {
    // A double-barrelled surname is one name ("Fielding-Okoro"), where the name finder stops at the hyphen.
    let start = found;
    let end = foundEnd;
    for (let m = /[A-Z][a-z]+-$/.exec(draft.slice(0, start)); m; m = /[A-Z][a-z]+-$/.exec(draft.slice(0, start))) start -= m[0].length;
    for (let m = /^-[A-Z][a-z]+/.exec(draft.slice(end)); m; m = /^-[A-Z][a-z]+/.exec(draft.slice(end))) end += m[0].length;
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
