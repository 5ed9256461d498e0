import nlp from 'compromise';
import { trimEndMatching } from '../../../shared/linearTrim';
import { TAGGER_WINDOW, textWindows } from '../../../shared/textWindows';
import { baseForms } from '../answer/wordnetDictionary';
import { readWordLists } from '../wordLists/readWordLists';
import identifyingWordsFile from '../wordLists/identifyingWords.json';

/** What stands in for what was taken out. */
export const REDACTED = {
  name: '[name]', email: '[email]', phone: '[phone]', handle: '[handle]', number: '[number]', address: '[address]', postcode: '[postcode]',
} as const;

/** Names that are also words, the words around a name that say it is one, and what names a class (wordLists/identifyingWords.json). */
const { words: WORDS } = readWordLists(identifyingWordsFile, 'wordLists/identifyingWords.json', {
  words: ['firstNames', 'surnames', 'thingHeads', 'namingWords', 'relations', 'notClassNames', 'quantityWords'],
});

const HONORIFICS = new Set(['mr', 'mrs', 'ms', 'miss', 'mx', 'dr', 'sir', 'mister', 'madam']);
const NAME_TAGS = ['FirstName', 'MaleName', 'FemaleName'];
/** What a capitalised word is when it is not a person: a date, a number, a pronoun, an acronym, a title, a place. */
const NOT_A_PERSON = ['Date', 'Value', 'Pronoun', 'Acronym', 'Honorific', 'Place', 'Verb', 'Adjective', 'Adverb', 'Determiner', 'Preposition', 'Conjunction', 'QuestionWord', 'Expression'];
/** Capitalised words staff write that no dictionary lists and that name no person: platforms, bodies, festivals. */
const KNOWN_NAMES_OF_THINGS = new Set(('facebook fb instagram insta tiktok whatsapp snapchat snap twitter linkedin youtube teams google microsoft '
  + 'outlook onedrive sharepoint canva roblox fortnite minecraft discord reddit telegram threads bluesky pinterest tumblr twitch xbox playstation '
  + 'ipad iphone android gmail zoom classdojo dojo tapestry seesaw showbie arbor sims cpoms myconcern ofsted ofqual dfe gcse gcses sats eyfs '
  + 'senco dsl slt pta lado kcsie pshe rse ict eid diwali ramadan hanukkah easter christmas halloween bonfire english british welsh scottish '
  + 'irish polish urdu covid coronavirus omicron wifi bbc nhs camhs').split(' '));

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
  return nameSpansOf(taggerSentences(text).flatMap((s) => s.terms));
}

/** The tagger's reading of a text: its sentences' terms, with tags, offsets and the punctuation around each. */
type TaggedSentence = { terms: (TermJson & { pre?: string; post?: string })[] };

/** The tagger's reading of a text, window by window (TAGGER_WINDOW), offsets the whole text's. */
function taggerSentences(text: string): TaggedSentence[] {
  const out: TaggedSentence[] = [];
  for (const [start, end] of textWindows(text, TAGGER_WINDOW)) {
    const sentences = nlp(text.slice(start, end)).json({ offset: true, terms: { tags: true, offset: true } }) as TaggedSentence[];
    // Offsets are the window's: moved to the whole text's.
    if (start > 0) for (const sentence of sentences) for (const t of sentence.terms) if (t.offset) t.offset = { ...t.offset, start: t.offset.start + start };
    out.push(...sentences);
  }
  return out;
}

/** Whether the tagger took a term of its reading for a person, capitalised ("Finn"; not "PSHE lesson"). */
const personIn = (sentences: readonly TaggedSentence[]): boolean =>
  sentences.some((s) => s.terms.some((t) => t.tags.includes('Person') && /^[A-Z][a-z]/.test(t.text)));

/**
 * What is asked of a text's names, from one reading by the tagger: where namesInContext finds names, whether the tagger
 * itself took a capitalised word for a person, and nameSpans' spans.
 */
export function readNames(text: string): { inContext: [number, number][]; personNamed: boolean; spans: [number, number][] } {
  const sentences = taggerSentences(text);
  return { inContext: namesInSentences(sentences), personNamed: personIn(sentences), spans: nameSpansOf(sentences.flatMap((s) => s.terms)) };
}

/** nameSpans over terms already tagged. */
function nameSpansOf(terms: readonly TermJson[]): [number, number][] {
  const spans: [number, number][] = [];
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

/** A term of the tagger's reading, with what the rules below ask of it. */
interface Term {
  /** Letters (and an apostrophe or hyphen inside) of the term as written: "Ruby", "okafor", "" for "4B" or "(Y9)". */
  word: string;
  /** The word in lower case, without a possessive 's: what the word lists hold. */
  lower: string;
  /** The term as the tagger split it: "4B", "Y9", "6". */
  text: string;
  tags: ReadonlySet<string>;
  pre: string;
  post: string;
  span: [number, number];
  /** The first term of a sentence, where any word is capitalised. */
  first: boolean;
  /** Followed by a possessive ("Ruby's"). */
  possessive: boolean;
}

/** The tagger's terms, with offsets, sentence starts and possessives; terms without an offset are left out. */
function termsOf(sentences: readonly TaggedSentence[]): Term[] {
  return sentences.flatMap((sentence) => sentence.terms.flatMap((t, i) => {
    if (!t.offset) return [];
    const word = t.text.replace(/[^\p{L}'\u2019-]/gu, '');
    const possessive = /['\u2019]s$/i.test(word);
    const bare = possessive ? word.slice(0, -2) : word;
    return [{
      word: bare, lower: bare.toLowerCase(), text: t.text, tags: new Set(t.tags), pre: t.pre ?? '', post: t.post ?? '',
      span: [t.offset.start, t.offset.start + t.offset.length] as [number, number], first: i === 0, possessive,
    }];
  }));
}

const capitalised = (t: Term | undefined): boolean => t !== undefined && /^\p{Lu}\p{Ll}/u.test(t.word);
/** Words that never name a person: pronouns, possessives, determiners, prepositions, conjunctions, question words, auxiliaries. */
const FUNCTION_TAGS = ['Pronoun', 'Determiner', 'Preposition', 'Conjunction', 'QuestionWord', 'Honorific', 'Copula', 'Auxiliary', 'Negative'];
/** The same in the lexicon, with its possessives ("our", "my"; in a text the tagger marks "Sophie's" possessive too). */
const LEXICON_FUNCTION_TAGS = [...FUNCTION_TAGS, 'Possessive', 'Modal'];
/** What the tagger's own lexicon says a word is, wherever it stands ("Anyone", "Our" first in a sentence). */
const lexiconTags = (lower: string): string[] => {
  const entry = TAGGER_WORDS[lower];
  return typeof entry === 'string' ? [entry] : Array.isArray(entry) ? entry.filter((e): e is string => typeof e === 'string') : [];
};
const isFunctionWord = (t: Term): boolean => FUNCTION_TAGS.some((tag) => t.tags.has(tag)) || HONORIFICS.has(t.lower)
  || (lexiconTags(t.lower).some((tag) => LEXICON_FUNCTION_TAGS.includes(tag)) && !nameWord(t));
/** A name that is also a word (Lily, Will, Hill), or one the tagger knows as a first name. */
const nameWord = (t: Term): boolean => WORDS.firstNames.has(t.lower) || WORDS.surnames.has(t.lower) || NAME_TAGS.some((n) => t.tags.has(n));
/** A word the dictionary lists as a verb, an adjective or an adverb ("foster", "mark", "will"): in lower case, a word, not a name. */
const commonWord = (lower: string): boolean => (['verb', 'adj', 'adv'] as const).some((pos) => baseForms(lower, pos).length > 0);
/** The tagger's own lexicon: the forms WordNet's files leave out ("told", "were", "did"), function words, "haha". */
const TAGGER_WORDS = (nlp.model() as { one: { lexicon: Record<string, unknown> } }).one.lexicon;
/** Endings of words made from words ("fittest", "anonymised", "quickly"), which no name has. */
const DERIVED_ENDING = /(?:est|ed|ing|ly|ise|ize|ises|izes|ness|ment|ful|less|able|ible|tion|sion)$/;
/** Words typed without their apostrophe ("shes", "dont"): neither dictionary lists them. */
const APOSTROPHE_LESS = new Set(('im ive id ill hes shes theyre theyve theyll theyd youre youve youll youd were weve well wed thats whats whos wheres '
  + 'theres heres lets dont doesnt didnt cant couldnt wont wouldnt shouldnt isnt arent wasnt werent hasnt havent hadnt aint ya yeah nah').split(' '));
/**
 * A word no English dictionary lists, nor the tagger's lexicon, nor a platform or body staff name, nor made from a word
 * by an ending: a name when what is around it says so ("okafor in my form").
 */
const unknownWord = (t: Term): boolean => /^\p{L}{3,}$/u.test(t.word) && !(t.lower in TAGGER_WORDS) && !APOSTROPHE_LESS.has(t.lower)
  && !(t.word === t.lower && DERIVED_ENDING.test(t.lower)) && unknownCapitalisedWord(t.word);
/** The numbers of the year groups (Reception to Year 13), as "in 4 Oak" or "Year 6" write them. */
const schoolYear = (t: Term | undefined): boolean => t !== undefined && /^\d{1,2}$/.test(t.text) && Number(t.text) <= 13;
const YEAR_WORDS = new Set(['year', 'yr', 'years', 'yrs']);
/** After "my", "our", "his"...: a class ("in my form"); after "the", only "class" or "form" ("in the class", not "the year"). */
const GROUP_WORDS = new Set(['class', 'form', 'group', 'set', 'tutor']);
const OWNERS = new Set(['my', 'our', 'his', 'her', 'their', 'your']);
/** Seasons are first names too ("Summer"), but "summer bbq" in lower case is a season. */
const SEASONS = new Set(['summer', 'autumn', 'winter', 'spring']);

/** A class or year code as one term: "4B", "10R", "Y9", "yr6" (not "1st", "8pm"). */
export function isClassOrYearCode(term: string): boolean {
  if (/^(?:y|yr)\d{1,2}$/i.test(term)) return true;
  const m = /^(\d{1,2})([a-z]{1,2})$/i.exec(term);
  return m !== null && Number(m[1]) <= 13 && !/^(?:st|nd|rd|th|am|pm|k|m|g|kg|cm|mm|km|ml)$/i.test(m[2]);
}

/** Whether the word before "class" names a particular class ("hedgehogs", "Oak"), not a subject or a kind of class ("maths", "my"). */
export function namesAClass(word: string): boolean {
  const w = word.toLowerCase();
  return /^[a-z][a-z'-]*$/.test(w) && !WORDS.notClassNames.has(w);
}

/** Whether the word after a school year's number names a class ("4 Oak", "5 Willow"), not a quantity or a time ("4 weeks"). */
export function namesANumberedClass(word: string): boolean {
  const w = word.toLowerCase();
  return /^[a-z][a-z'-]*$/.test(w) && !WORDS.quantityWords.has(w) && !YEAR_WORDS.has(w);
}

/**
 * Whether the terms from `j` place a child in a class or a year: "4B", "Y9", "year 6", "4 Oak", "my form", "the
 * class", "hedgehogs class".
 */
function classOrYearAt(terms: readonly Term[], j: number): boolean {
  const t = terms[j];
  const next = terms[j + 1];
  if (!t) return false;
  if (isClassOrYearCode(t.text)) return true;
  if (YEAR_WORDS.has(t.lower) && schoolYear(next)) return true;
  if (schoolYear(t) && next !== undefined && next.word !== '' && namesANumberedClass(next.word)) return true;
  if (next !== undefined && ((OWNERS.has(t.lower) && GROUP_WORDS.has(next.lower)) || (t.lower === 'the' && /^(?:class|form)$/.test(next.lower)))) return true;
  return t.word !== '' && next?.lower === 'class' && namesAClass(t.word);
}

/**
 * Whether what comes after term `i` says it is a child's name: "in 4 Oak", "from year 9", "in my form", "(Y9)", "in
 * hedgehogs class", or "'s mum".
 */
function childContextAfter(terms: readonly Term[], i: number): boolean {
  const t = terms[i];
  const next = terms[i + 1];
  if (!next) return false;
  if (t.possessive && WORDS.relations.has(next.lower)) return true;
  if (next.pre.includes('(') && (isClassOrYearCode(next.text) || (YEAR_WORDS.has(next.lower) && schoolYear(terms[i + 2])))) return true;
  return /^(?:in|from|of)$/.test(next.lower) && classOrYearAt(terms, i + 2);
}

/**
 * The spans of a text that name a person as nameSpans finds them, and the names a dictionary or the tagger takes for
 * words, or that are typed in lower case, where what is around them says they are names (issue 69): a name that is also
 * a word capitalised mid-sentence ("about Lily Rose", "Ruby Hill"), not before a word that makes it a place or an event
 * ("Summer Fair") nor after "the" or "a"; a word before a class or a year ("okafor in my form", "Lily in 4 Oak", "Ruby
 * (Y9)"); after a word that says a name follows ("a girl called rose", "my son Max"); joined by "and" to a name ("Will
 * and Hope"); beside a name (a surname, "Rose Hill"; a lower-case pair, "jade okafor"; an initial, "Tia T"). Linear in
 * the text: one tagging, then a few passes over its terms.
 */
export function namesInContext(text: string): [number, number][] {
  return namesInSentences(taggerSentences(text));
}

/** namesInContext on the tagger's reading of the text. */
function namesInSentences(sentences: readonly TaggedSentence[]): [number, number][] {
  // One tagging serves both readings: the tagger's names, and the terms the rules below read.
  const terms = termsOf(sentences);
  const thingAfter = (i: number): boolean => terms[i + 1] !== undefined && capitalised(terms[i + 1]) && WORDS.thingHeads.has(terms[i + 1].lower);
  const saintBefore = (i: number): boolean => i > 0 && /^(?:st|saint)$/i.test(terms[i - 1].word);
  const determinerBefore = (i: number): boolean => i > 0 && (terms[i - 1].tags.has('Determiner') || /^(?:the|a|an|this|that|our|my|your|their)$/.test(terms[i - 1].lower));
  const tagged = new Set(nameSpansOf(sentences.flatMap((s) => s.terms)).map(([start]) => start));
  const honorificBefore = (i: number): boolean => i > 0 && (terms[i - 1].tags.has('Honorific') || HONORIFICS.has(terms[i - 1].lower.replace(/\.$/, '')));
  // The tagger's names, but a word in lower case that the dictionary lists ("her foster placement") only where what is
  // around it says it is a name, as below.
  const name = terms.map((t, i) => tagged.has(t.span[0]) && !isFunctionWord(t)
    && (capitalised(t) || honorificBefore(i) || /[^\p{L}]/u.test(t.word) || (!commonWord(t.lower) && !determinerBefore(i))));
  terms.forEach((t, i) => {
    if (name[i] || t.word === '' || isFunctionWord(t) || KNOWN_NAMES_OF_THINGS.has(t.lower) || t.tags.has('Acronym') || saintBefore(i)) return;
    const cap = capitalised(t);
    // In lower case, a word no dictionary lists that does not end as a plural does ("okafor", not "influencers"), or a name.
    const candidate = cap ? nameWord(t) || unknownWord(t) || (!t.first && !NOT_A_PERSON.some((n) => t.tags.has(n)))
      : (unknownWord(t) && !/[^s]s$/.test(t.lower)) || nameWord(t);
    const midSentenceName = cap && !t.first && WORDS.firstNames.has(t.lower) && !thingAfter(i) && !determinerBefore(i) && !t.tags.has('Date');
    // "a girl called rose", "named Will": a name, even one that is a word; "my son Max", "pupil Okafor": a capitalised name.
    // Nothing between them but a space ("called 'parents against'" is a title), and not a thing of theirs ("a pupil's aac").
    const before = i > 0 && !terms[i - 1].post.trim() && !t.pre.trim() && !terms[i - 1].possessive ? terms[i - 1].lower : '';
    const namedBefore = (/^(?:called|named)$/.test(before) && (nameWord(t) || (cap && !NOT_A_PERSON.some((n) => t.tags.has(n)))))
      || (WORDS.namingWords.has(before) && cap && (unknownWord(t) || nameWord(t)));
    // A first name that is a word, then a name or a word no dictionary lists, both capitalised: "Rose Hill", even first in a sentence.
    const next = terms[i + 1];
    const pair = cap && WORDS.firstNames.has(t.lower) && !t.post.trim() && !next?.pre.trim() && capitalised(next) && (nameWord(next) || unknownWord(next)) && !thingAfter(i + 1);
    if (midSentenceName || (candidate && childContextAfter(terms, i)) || namedBefore) name[i] = true;
    if (pair) name[i] = name[i + 1] = true;
  });
  // A name's neighbours: joined to it by "and", beside it (a surname, a lower-case pair), or its initial. Two passes
  // reach "Will and Hope" (Hope found above) and "Rose Hill" (Hill beside a name found above) alike.
  for (let pass = 0; pass < 2; pass++) {
    terms.forEach((t, i) => {
      if (name[i] || t.word === '' || isFunctionWord(t) || KNOWN_NAMES_OF_THINGS.has(t.lower) || thingAfter(i - 1)) return;
      const cap = capitalised(t);
      const joined = (i >= 2 && name[i - 2] && /^(?:and|&)$/.test(terms[i - 1].text)) || (name[i + 2] && /^(?:and|&)$/.test(terms[i + 1]?.text ?? ''));
      // Beside it with nothing between but a space: "Rose Hill", not "Okafor, 22" or "summer (shes".
      const beside = (i > 0 && name[i - 1] && !terms[i - 1].post.trim() && !t.pre.trim()) || (name[i + 1] && !t.post.trim() && !terms[i + 1].pre.trim());
      const initial = i > 0 && name[i - 1] && /^\p{L}\.?$/u.test(t.text) && !/^(?:a|i)$/i.test(t.text);
      // A word in lower case goes with a name in lower case ("liam okafor"), not with a capitalised one ("retweet Priyanka"),
      // and joined by "and" only when it is a name itself ("rose and will"), not any word ("and theyve").
      const besideAsWritten = beside && (cap || !capitalised(terms[name[i - 1] ? i - 1 : i + 1]));
      const nameLike = cap ? nameWord(t) || unknownWord(t) || (!t.first && !NOT_A_PERSON.some((n) => t.tags.has(n)) && !thingAfter(i))
        : (besideAsWritten && unknownWord(t)) || (joined && (WORDS.firstNames.has(t.lower) || lexiconTags(t.lower).some((tag) => NAME_TAGS.includes(tag))));
      if (initial || ((joined || besideAsWritten) && nameLike)) name[i] = true;
    });
  }
  // Lower-case pairs where neither word was found alone: a first name the tagger knows beside a word no dictionary lists
  // ("harry okafor"; not "charity infographic", whose first word is a name only sometimes).
  terms.forEach((t, i) => {
    const next = terms[i + 1];
    if (!next || name[i] || name[i + 1] || t.post.trim() || next.pre.trim() || capitalised(t) || capitalised(next)) return;
    if (lexiconTags(t.lower).some((tag) => NAME_TAGS.includes(tag)) && !SEASONS.has(t.lower) && unknownWord(next)) name[i] = name[i + 1] = true;
  });
  return terms.filter((_t, i) => name[i]).map((t) => t.span);
}

/** Where a name that starts at `at` really starts when a hyphenated part comes before it ("Ruby-" of "Ruby-Mae"), scanned once. */
function hyphenatedStart(text: string, at: number): number {
  if (at < 2 || text[at - 1] !== '-') return at;
  let start = at - 1;
  while (start > 0 && /\p{L}/u.test(text[start - 1])) start--;
  return start < at - 1 ? start : at;
}

/** The UK's postcode areas (the letters a postcode starts with): "OL4 2AB", "M1 1AE". */
const POSTCODE_AREAS = new Set(('AB AL B BA BB BD BH BL BN BR BS BT CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH DL DN DT DY E EC EH EN EX FK FY G GL '
  + 'GU GY HA HD HG HP HR HS HU HX IG IM IP IV JE KA KT KW KY L LA LD LE LL LN LS LU M ME MK ML N NE NG NN NP NR NW OL OX PA PE PH PL PO PR RG RH '
  + 'RM S SA SE SG SK SL SM SN SO SP SR SS ST SW SY TA TD TF TN TQ TR TS TW UB W WA WC WD WF WN WR WS WV YO ZE').split(' '));
/** A postcode's shape: an area, a district, then the inward part (a digit and two letters); the area is checked against the list. */
const POSTCODE = /\b([A-Za-z]{1,2})\d[A-Za-z\d]? ?\d[ABD-HJLNP-UW-Zabd-hjlnp-uw-z]{2}\b/g;
/** What a street is called after its name: "Mill Lane", "Elm Road". Capitalised, or one of the unambiguous ones in lower case. */
const STREET_TYPES = new Set(('road rd street st lane ln avenue ave close drive dr way crescent cres grove place pl court ct gardens gdns terrace rise '
  + 'view walk row mews square sq hill park green vale parade fold brow croft meadow meadows chase gate wynd boulevard').split(' '));
const LOWER_CASE_STREET_TYPES = new Set(['road', 'rd', 'street', 'lane', 'avenue', 'crescent', 'gardens', 'terrace', 'mews']);
/** A house number, then up to three words of a street's name; whether the street type ends it is checked word by word. */
const HOUSE_NUMBER = /\b\d{1,4}[A-Za-z]?,? (?:[A-Za-z'-]+ ){0,3}[A-Za-z]+\b/g;

/** Where an address's house number and street are in the text ("22 Mill Lane", "14a elm road"): its span, or none. */
function addressSpans(text: string): [number, number][] {
  const found: [number, number][] = [];
  for (const m of text.matchAll(HOUSE_NUMBER)) {
    const at = m.index ?? 0;
    // "Year 6 walk", "page 22 Hill": a number that is a year, a page or a time is not a house.
    if (/(?:year|yr|y|page|p|section|room|class|set|no|number|£|\$)\s*$/i.test(text.slice(Math.max(0, at - 8), at))) continue;
    const words = m[0].split(' ');
    // The street ends at the first street type after the number: "22 Mill Lane", not "22 Mill Lane on the poster".
    for (let w = 1; w < words.length; w++) {
      // "14 Elm Road's fundraiser": the street type before a possessive ending; the span stops before the ending.
      const word = words[w].replace(/'s?$/i, '');
      const street = STREET_TYPES.has(word.toLowerCase()) && (/^[A-Z]/.test(word) || LOWER_CASE_STREET_TYPES.has(word));
      if (street && w >= 2) {
        found.push([at, at + words.slice(0, w).join(' ').length + 1 + word.length]);
        break;
      }
    }
  }
  return found;
}

/** Where a name that ends at `at` really ends when hyphenated parts follow it ("-Mae" of "Ruby-Mae"), scanned once. */
function hyphenatedEnd(text: string, at: number): number {
  let end = at;
  while (text[end] === '-' && /\p{L}/u.test(text[end + 1] ?? '')) {
    end += 1;
    while (/\p{L}/u.test(text[end] ?? '')) end++;
  }
  return end;
}

/** Spans of an email address, a phone number, an @handle, a long number (a pupil or case number), an address or a postcode. */
export function identifierSpans(text: string): { span: [number, number]; as: string }[] {
  const found: { span: [number, number]; as: string }[] = [];
  // Emails and handles, word by word: each pattern is anchored to one whitespace-free word, so it runs in linear time.
  for (const m of text.matchAll(/\S+/g)) {
    const start = m.index ?? 0;
    const word = trimEndMatching(m[0], /[.,;:!?)\]'"]/);
    if (/^[\w.+-]+@[\w-]+(?:\.[\w-]+)+$/.test(word)) found.push({ span: [start, start + word.length], as: REDACTED.email });
    else if (/^@\w{2,30}$/.test(word)) found.push({ span: [start, start + word.length], as: REDACTED.handle });
  }
  // "07700 900123", "+44 7700 900123", "(0161) 496 0123", "+44 (0)161 496 0123".
  for (const m of text.matchAll(/(?:\+44\s?(?:\(0\)\s?)?|\(0|\b0)\d{2,4}\)?[\s-]?\d{3,4}[\s-]?\d{3,4}\b/g)) found.push({ span: [m.index ?? 0, (m.index ?? 0) + m[0].length], as: REDACTED.phone });
  for (const m of text.matchAll(POSTCODE)) {
    if (POSTCODE_AREAS.has(m[1].toUpperCase())) found.push({ span: [m.index ?? 0, (m.index ?? 0) + m[0].length], as: REDACTED.postcode });
  }
  for (const span of addressSpans(text)) found.push({ span, as: REDACTED.address });
  // A long number inside a phone number is the phone number: both are found in order, so one pointer walks the phones.
  const phones = found.filter((f) => f.as === REDACTED.phone);
  let phone = 0;
  for (const m of text.matchAll(/\b\d{6,}\b/g)) {
    const span: [number, number] = [m.index ?? 0, (m.index ?? 0) + m[0].length];
    while (phone < phones.length && phones[phone].span[1] <= span[0]) phone++;
    if (!(phone < phones.length && phones[phone].span[0] < span[1])) found.push({ span, as: REDACTED.number });
  }
  return found;
}

/**
 * The text with people's names and similar identifiers (email addresses, phone numbers, @handles, long numbers, house
 * numbers with their street, postcodes) replaced by [name], [email], [phone], [handle], [number], [address] and
 * [postcode]: what a policy owner reads of a question staff asked. Names are those the tagger knows and those what is
 * around them says are names (namesInContext: "Rose Hill", "Will and Hope", "okafor in my form"). A possessive keeps
 * its 's ("[name]'s mum"). A name typed in lower case with nothing around it to say so may stay: this is minimisation
 * for the owner's view, not a guarantee, which is why questions that may be about a child are never shown at all.
 */
export function redactNames(text: string): string {
  const cuts: { span: [number, number]; as: string }[] = identifierSpans(text);
  for (const [first, last] of namesInContext(text)) {
    // A hyphenated name is one name ("Ruby-Mae", "Al-Sayed"), whichever part the tagger knew.
    const start = hyphenatedStart(text, first);
    const end = hyphenatedEnd(text, last);
    const piece = text.slice(start, end);
    const possessive = /['\u2019]s$/i.exec(piece);
    cuts.push({ span: [start, possessive ? end - possessive[0].length : end], as: REDACTED.name });
  }
  // In order of where each starts, an identifier before a name at the same place; a cut starting inside the one before
  // it is left out (a name inside an address, a number inside a phone number): one sweep, whatever the text holds.
  cuts.sort((a, b) => a.span[0] - b.span[0] || Number(a.as === REDACTED.name) - Number(b.as === REDACTED.name));
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
