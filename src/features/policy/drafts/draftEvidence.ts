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

/** A web address as pasted: "https://..." or "www...." up to a space or a closing bracket. */
const WEB_ADDRESS = /\b(?:https?:\/\/|www\.)[^\s()[\]<>]*/gi;

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
  // Web addresses and a Markdown link's brackets are blanked (the same length, so every place stays where it was): the
  // name finder reads "Fair](https://..." as one word it does not know, which is not the summer fair's name.
  const readable = draft.replace(WEB_ADDRESS, (m) => ' '.repeat(m.length)).replace(/[[\]()<>]/g, ' ');
  for (const [found, foundEnd] of nameSpans(readable)) {
    // A double-barrelled surname is one name ("Fielding-Okoro"), where the name finder stops at the hyphen.
    const start = hyphenatedBefore(draft, found);
    const end = hyphenatedAfter(draft, foundEnd);
    const last = merged[merged.length - 1];
    // A surname's particle between two parts is the same name ("Virgil van Dijk", "Leonardo da Vinci").
    const between = last ? draft.slice(last[1], start) : '';
    if (last && (start <= last[1] || between.trim() === '' || SURNAME_PARTICLE.test(between))) last[1] = Math.max(last[1], end);
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

/** Between two parts of one name: a surname's particle ("van", "de la", "bin"), spaces either side. */
const SURNAME_PARTICLE = /^[ \t]+(?:van|von|der|den|de|del|della|di|da|du|la|le|bin|binti|al|el|ter|ten|dos|das)(?:[ \t]+(?:der|den|la|le))?[ \t]+$/;
/**
 * Someone's own family, friend or pet before a name ("my son Tom", "our gorgeous little girl Ava", "my wife, Sarah"):
 * the teacher's own, not a pupil. Tried on the 48 characters before a name only.
 */
const FAMILY_BEFORE = /\b(?:my|our) (?:[a-z]+ ){0,2}(?:sons?|daughters?|boy|girl|child|babies|baby|nephews?|nieces?|grandsons?|granddaughters?|grandchildren|grandchild|husband|wife|partner|fianc[e\u00e9]e?|mum|mam|mom|dad|brothers?|sisters?|cousins?|aunt|auntie|uncle|nan|nana|grandma|grandad|grandpa|godson|goddaughter|stepson|stepdaughter|bestie|friends?|pal|dog|cat|puppy|kitten)(?:, | |,)$/i;
/** Words the name finder can take for a name at a sentence's start ("My son Tom"): never a name alone. */
const NOT_NAMES = new Set(['my', 'our', 'your', 'his', 'her', 'their', 'the', 'a', 'an', 'this', 'that', 'i', 'we', 'so', 'and', 'but', 'just', 'me']);

/** A title before a name: the name is an adult's (a colleague, a governor, a visitor), not a pupil's. */
const TITLE_BEFORE = /\b(?:mr|mrs|ms|miss|mx|dr|prof|sir|dame|lady|lord|rev|revd|father|canon|coach)\.?\s+$/i;
/** A word before a place: "in Leeds", "at Alton Towers", "near Whitby", "visiting York". */
const PLACE_BEFORE = /\b(?:in|at|near|around|visiting|visited|across)\s+(?:the\s+)?$/i;
/** A word after a place or an institution's name: "Oakfield Primary", "Roundhay Park", "St Luke's Hospice". */
const PLACE_AFTER = new RegExp(`^(?:['\u2019]s)?\\s+(?:${[
  'school', 'academy', 'primary', 'secondary', 'high', 'college', 'infants?', 'juniors?', 'nursery', 'trust', 'university', 'park', 'road',
  'street', 'lane', 'avenue', 'hall', 'library', 'church', 'chapel', 'cathedral', 'beach', 'bay', 'castle', 'museum', 'zoo', 'centre', 'center',
  'stadium', 'arena', 'hospital', 'hospice', 'village', 'town', 'city', 'forest', 'lake', 'hill', 'valley', 'gardens?', 'fields?', 'common',
  'green', 'leisure', 'pool', 'baths', 'theatre', 'farm', 'united', 'rovers', 'fc', 'athletic', 'county', 'council',
].join('|')})\\b`, 'i');

/**
 * The school's own names in its policy: the words before "School", "Academy", "College" or "Trust" on its title and
 * first page ("Oakfield Primary School" gives "Oakfield"), so that a draft naming the school is not taken to name a
 * pupil. A placeholder ("[establishment name]") gives nothing.
 */
export function schoolNamesOf(doc: { title: string; frontPage: readonly string[]; sections: readonly { text: string }[] }): string[] {
  const text = [doc.title, ...doc.frontPage, ...doc.sections.slice(0, 3).map((s) => s.text.slice(0, 2000))].join('\n');
  const out = new Set<string>();
  // Each "School", "Academy", "College" or "Trust", then the words just before it, walked back while each is capitalised
  // or a qualifier's ("C of E"), at most eight: a pass over the text and a bounded look behind each match. (One pattern
  // for the whole phrase was tried from every word, with every way its name and qualifiers could share those words:
  // quadratic on a title of "St St St ..." or "Infant Infant ...", the regex audit's attacks.)
  for (const m of text.matchAll(/\b(?:School|Academy|College|Trust)\b/g)) {
    const before = text.slice(Math.max(0, (m.index ?? 0) - 120), m.index ?? 0).split(/[ \t-]+/);
    const words: string[] = [];
    for (let i = before.length - 1; i >= 0 && words.length < 8; i--) {
      const word = before[i];
      if (word === '' && i === before.length - 1) continue;
      if (!/^(?:[A-Z][a-z'\u2019]+|St\.?|of|CE|RC|C|E)$/.test(word)) break;
      words.push(word);
    }
    for (const word of words) {
      if (!/^(?:St\.?|The|Our|Social|Media|Policy|Model|Local|Authority|County|This|All|Each|Every|A|An|Primary|Secondary|High|Junior|Infant|Nursery|Grammar|Free|Community|Catholic|CE|RC|C|E|of|Church|England|Learning|Multi|Academy|School|College|Trust)$/i.test(word)) out.add(word.replace(/['\u2019]s$/, ''));
    }
  }
  return [...out];
}

/**
 * The names in the draft that may be a pupil's: namesIn's, less an adult's (a title before it: "Mrs Hughes"), the
 * school's own ("Great decision Oakfield"), a place's ("in Scarborough", "Roundhay Park"), the teacher's own family's
 * ("my son Tom") and a word the finder took for a name at a sentence's start ("My").
 */
export function pupilNamesIn(draft: string, schoolNames: readonly string[] = []): string[] {
  const school = new Set(schoolNames.map((n) => n.toLowerCase()));
  const out: string[] = [];
  let from = 0;
  for (const name of namesIn(draft)) {
    const at = draft.indexOf(name, from);
    if (at < 0) continue;
    from = at + name.length;
    const before = draft.slice(Math.max(0, at - 24), at);
    const after = draft.slice(at + name.length, at + name.length + 24);
    const words = name.split(/[\s-]+/).map((w) => w.replace(/['\u2019]s$/, '').toLowerCase());
    if (TITLE_BEFORE.test(before) || PLACE_BEFORE.test(before) || PLACE_AFTER.test(after)) continue;
    if (words.every((w) => NOT_NAMES.has(w)) || FAMILY_BEFORE.test(draft.slice(Math.max(0, at - 48), at))) continue;
    if (words.every((w) => school.has(w))) continue;
    out.push(name);
  }
  return out;
}
