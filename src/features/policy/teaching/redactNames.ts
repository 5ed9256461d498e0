import nlp from 'compromise';
import { trimEndMatching } from '../../../shared/linearTrim';
import { baseForms } from '../answer/wordnetDictionary';

/** What stands in for what was taken out. */
export const REDACTED = { name: '[name]', email: '[email]', phone: '[phone]', handle: '[handle]', number: '[number]' } as const;

const HONORIFICS = new Set(['mr', 'mrs', 'ms', 'miss', 'mx', 'dr', 'sir', 'mister', 'madam']);
const NAME_TAGS = ['FirstName', 'MaleName', 'FemaleName'];
/** What a capitalised word is when it is not a person: a date, a number, a pronoun, an acronym, a title, a place. */
const NOT_A_PERSON = ['Date', 'Value', 'Pronoun', 'Acronym', 'Honorific', 'Place', 'Verb', 'Adjective', 'Adverb', 'Determiner', 'Preposition', 'Conjunction', 'QuestionWord', 'Expression'];
/** Capitalised words staff write that no dictionary lists and that name no person: platforms, bodies, festivals. */
const KNOWN_NAMES_OF_THINGS = new Set(('facebook fb instagram insta tiktok whatsapp snapchat snap twitter linkedin youtube teams google microsoft '
  + 'outlook onedrive sharepoint canva roblox fortnite minecraft discord reddit telegram threads bluesky pinterest tumblr twitch xbox playstation '
  + 'ipad iphone android gmail zoom classdojo dojo tapestry seesaw showbie arbor sims cpoms myconcern ofsted ofqual dfe gcse gcses sats eyfs '
  + 'senco dsl slt pta lado kcsie pshe rse ict eid diwali ramadan hanukkah easter christmas halloween bonfire english british welsh scottish '
  + 'irish polish urdu').split(' '));

/** Whether a capitalised word no dictionary lists reads as someone's name ("Oluwaseun", "Hollingsworth's"). */
function unknownCapitalisedWord(word: string): boolean {
  const w = word.replace(/['’]s$/i, '').toLowerCase();
  if (w.length < 2 || KNOWN_NAMES_OF_THINGS.has(w)) return false;
  return !(['noun', 'verb', 'adj', 'adv'] as const).some((pos) => baseForms(w, pos).length > 0);
}

interface TermJson { text: string; tags: string[]; offset?: { start: number; length: number } }

/**
 * The spans of a text that name a person, by compromise's part-of-speech tagger: a first name, a surname, a
 * capitalised name it takes for a person, the word after Mr, Mrs, Ms, Miss or Dr, and a capitalised word that no
 * English dictionary (WordNet) lists and that is not a platform or a body staff name ("Oluwaseun", "Hollingsworth":
 * the tagger knows few names from outside English). Acronyms ("PSHE"), lower-case words it tags only as surnames
 * ("lesson") and dictionary words it takes for a person ("Summer Fair") are left.
 */
export function nameSpans(text: string): [number, number][] {
  const spans: [number, number][] = [];
  const doc = nlp(text);
  const terms = (doc.json({ offset: true, terms: { tags: true, offset: true } }) as { terms: TermJson[] }[]).flatMap((s) => s.terms);
  terms.forEach((t, i) => {
    if (!t.offset) return;
    const tags = new Set(t.tags);
    const afterHonorific = i > 0 && (new Set(terms[i - 1].tags).has('Honorific') || HONORIFICS.has(terms[i - 1].text.toLowerCase().replace(/\.$/, '')));
    const word = t.text.replace(/[^\p{L}'-]/gu, '');
    if (word === '' || tags.has('Honorific') || HONORIFICS.has(word.toLowerCase())) return;
    const capitalised = /^\p{Lu}\p{Ll}/u.test(word);
    // "St Mary's", "Saint Bede": a school or a church, not a person.
    if (i > 0 && /^(st\.?|saint)$/i.test(terms[i - 1].text)) return;
    const named = NAME_TAGS.some((n) => tags.has(n)) || (tags.has('LastName') && capitalised);
    const unknown = capitalised && !NOT_A_PERSON.some((n) => tags.has(n)) && unknownCapitalisedWord(word);
    const person = tags.has('Person') && !tags.has('Acronym') && capitalised && !tags.has('Place') && unknownCapitalisedWord(word);
    if (afterHonorific || named || unknown || person) spans.push([t.offset.start, t.offset.start + t.offset.length]);
  });
  return spans;
}

/** Where a name that starts at `at` really starts when a hyphenated part comes before it ("Ruby-" of "Ruby-Mae"), scanned once. */
function hyphenatedStart(text: string, at: number): number {
  if (at < 2 || text[at - 1] !== '-') return at;
  let start = at - 1;
  while (start > 0 && /\p{L}/u.test(text[start - 1])) start--;
  return start < at - 1 ? start : at;
}

/** Spans of an email address, a phone number, an @handle or a long number (a pupil or case number). */
function identifierSpans(text: string): { span: [number, number]; as: string }[] {
  const found: { span: [number, number]; as: string }[] = [];
  // Emails and handles, word by word: each pattern is anchored to one whitespace-free word, so it runs in linear time.
  for (const m of text.matchAll(/\S+/g)) {
    const start = m.index ?? 0;
    const word = trimEndMatching(m[0], /[.,;:!?)\]'"]/);
    if (/^[\w.+-]+@[\w-]+(?:\.[\w-]+)+$/.test(word)) found.push({ span: [start, start + word.length], as: REDACTED.email });
    else if (/^@\w{2,30}$/.test(word)) found.push({ span: [start, start + word.length], as: REDACTED.handle });
  }
  for (const m of text.matchAll(/(?:\+44\s?|\b0)\d{2,4}[\s-]?\d{3,4}[\s-]?\d{3,4}\b/g)) found.push({ span: [m.index ?? 0, (m.index ?? 0) + m[0].length], as: REDACTED.phone });
  for (const m of text.matchAll(/\b\d{6,}\b/g)) {
    const span: [number, number] = [m.index ?? 0, (m.index ?? 0) + m[0].length];
    if (!found.some((f) => span[0] < f.span[1] && f.span[0] < span[1])) found.push({ span, as: REDACTED.number });
  }
  return found;
}

/**
 * The text with people's names and similar identifiers (email addresses, phone numbers, @handles, long numbers)
 * replaced by [name], [email], [phone], [handle] and [number]: what a policy owner reads of a question staff asked.
 * A possessive keeps its 's ("[name]'s mum"). Names the tagger does not know in lower case may stay: this is
 * minimisation for the owner's view, not a guarantee, which is why questions that may be about a child are never
 * shown at all.
 */
export function redactNames(text: string): string {
  const cuts: { span: [number, number]; as: string }[] = identifierSpans(text);
  const covered = (at: number) => cuts.some((c) => at >= c.span[0] && at < c.span[1]);
  for (const [first, last] of nameSpans(text)) {
    // A hyphenated name is one name ("Ruby-Mae", "Al-Sayed"), whichever part the tagger knew.
    const start = hyphenatedStart(text, first);
    const end = last + (/^-[\p{L}]+/u.exec(text.slice(last))?.[0].length ?? 0);
    if (covered(start)) continue;
    const piece = text.slice(start, end);
    const possessive = /['\u2019]s$/i.exec(piece);
    cuts.push({ span: [start, possessive ? end - possessive[0].length : end], as: REDACTED.name });
  }
  cuts.sort((a, b) => a.span[0] - b.span[0]);
  let out = '';
  let at = 0;
  for (const c of cuts) {
    if (c.span[0] < at) continue;
    out += text.slice(at, c.span[0]) + c.as;
    at = c.span[1];
  }
  out += text.slice(at);
  // Two names side by side ("Kacper Nowak") read as one.
  return out.replace(/\[name\](?:[\s-]+\[name\])+/g, REDACTED.name);
}
