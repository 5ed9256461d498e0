import { TAGGER_WINDOW, textWindows } from '../../../shared/textWindows';
import { identifierSpans, namesAClass, namesANumberedClass, readNames } from '../teaching/redactNames';
import { readWordLists } from '../wordLists/readWordLists';
import disclosureWords from '../wordLists/disclosureSignals.json';

/**
 * Whether a message typed to the bot as a question reads as a disclosure about a child: what a child told or showed a
 * member of staff, or what they saw on a child, that the DSL must know today. Such a message gets the "Report a
 * concern" offer before any policy answer, and its text is never kept (issue 40, hole 5).
 *
 * It reads kinds of words, not sentences a test asked: a person (a child, a class, a name, "her dad"), a concern (an
 * injury on a body, or harm: violence to someone, sexual harm, self-harm, neglect, grooming, exploitation), and
 * something that happened (told me, showed me, noticed, today); or, since harm is told in more words than any list
 * holds, a child's account of someone doing something to them ("she said her stepfather watches her"). A question
 * about what to do in general ("what if a pupil tells me...", "can I post photos of my class") has no event in it
 * and is left to the policy. Measured on research/eval/disclosure-set.jsonl and on every answer-quality set (research/eval/README.md).
 */
export interface DisclosureSignals {
  /** A child, or a person named or described by their family ("her dad"), or "she told me". */
  child: boolean;
  /** A particular child: named, a class or year ("in 3C", "Year 6"), "one of my pupils", "a boy in my class". */
  specific: boolean;
  /** An injury on a body: bruises, burns, marks, cuts, welts. */
  injury: boolean;
  /** Harm: violence to someone, sexual harm, self-harm, neglect, grooming, exploitation, threats, secrecy. */
  harm: boolean;
  /** A disclosure or an observation: told me, showed me, said, disclosed, noticed, found. */
  told: boolean;
  /** When it happened: today, last night, at break. */
  event: boolean;
  /** A child's account of someone doing something to them: "her stepfather watches her", "daddy pushed her". */
  acts: boolean;
  /**
   * Something that happened to someone (issue 69): their health ("in hospital", "an overdose", "nits"), care ("her foster
   * placement", "a social worker"), the police ("arrested"), an absence ("off sick", "ran away", "excluded"), an injury.
   */
  happened: boolean;
  /**
   * A particular person named or placed (issue 69): a class or a year ("4 Oak", "in hedgehogs class", "(Y9)", "in 3C"),
   * where they live or how to reach them (a house number and street, a postcode, a phone number, an email), or, read only
   * when something happened to someone, a name (the tagger's, and names that are words or in lower case where what is
   * around them says so: "Lily Rose", "okafor in my form").
   */
  identified: boolean;
  /** Asked in general ("what if a pupil tells me...") with nothing in it that happened. */
  hypothetical: boolean;
  disclosureLike: boolean;
}

const words = (s: string): ReadonlySet<string> => new Set(s.split(' '));

/** The vocabulary: kinds of words, each list written once in base forms in the data file (wordLists/ says how). */
const { words: lists, phrases } = readWordLists(disclosureWords, 'wordLists/disclosureSignals.json', {
  words: [
    'childNouns', 'childlike', 'groupNouns', 'relations', 'strongInjuries', 'bodyInjuries', 'bodyParts', 'injuryModifiers',
    'violence', 'victims', 'afterPossessiveVictim', 'passive', 'doneTo', 'harmWords', 'actors', 'pastTold', 'toldNow',
    'eventWords', 'openers', 'preamble', 'conditionals', 'happenedWords',
  ],
  phrases: ['harmPhrases', 'toldPhrases', 'eventPhrases', 'happenedPhrases'],
});

const CHILD_NOUNS = lists.childNouns;
const CHILDLIKE = lists.childlike;
const GROUP_NOUNS = lists.groupNouns;
const RELATIONS = lists.relations;
// The grammar the rules below are written against stays here: pronouns, and the words that introduce a year or a class.
const THIRD_PERSON = words('his her their');
const PRONOUN_SUBJECTS = words('he she they');
const YEAR_WORDS = words('year yr yrs years');
const CLASS_PRECEDERS = words('in from of class form set');
const ORDINAL_ENDINGS = words('st nd rd th am pm k');

const STRONG_INJURIES = lists.strongInjuries;
const BODY_INJURIES = lists.bodyInjuries;
const BODY_PARTS = lists.bodyParts;
const INJURY_MODIFIERS = lists.injuryModifiers;

const VIOLENCE = lists.violence;
const VICTIMS = lists.victims;
/** After "her", "his", "their": a person or a body ("punches his mum", "hits her with"), not a thing ("burnt his cake"). */
const AFTER_POSSESSIVE_VICTIM = lists.afterPossessiveVictim;
const PASSIVE = lists.passive;
const DONE_TO = lists.doneTo;
const HARM_WORDS = lists.harmWords;
/** Harm said in more than one word, each place of a phrase the words it may hold joined by `|`. */
const HARM_PHRASES = phrases.harmPhrases;

/** People who may do something to a child: family, partners, adults; a child noun only when "older". */
const ACTORS = lists.actors;
const OLDER = words('older elder');
/** The one typing, or the school: what comes after them is their own doing ("can I follow her"). */
const SPEAKERS = words('i we you');
const CHILD_OBJECTS = words('him her himself herself');

const PAST_TOLD = lists.pastTold;
const TOLD: ReadonlySet<string> = new Set([...PAST_TOLD, ...lists.toldNow]);
const TOLD_TO = words('me us');
const TOLD_PHRASES = phrases.toldPhrases;
const EVENT_WORDS = lists.eventWords;
const EVENT_PHRASES = phrases.eventPhrases;
const OPENERS = lists.openers;
const PREAMBLE = lists.preamble;
const CONDITIONALS = lists.conditionals;

/** The words of a message, lower-case, with possessive 's dropped and hyphenated words split. */
export function tokensOf(text: string): string[] {
  return text.toLowerCase().replace(/[\u2018\u2019`]/g, "'").split(/[^a-z0-9']+/)
    .map((t) => trimQuotes(trimQuotes(t).replace(/'s$/, '')))
    .filter((t) => t.length > 0);
}

/** The word without quote marks at either end (a loop: an end-anchored pattern would be quadratic on "''''..."). */
function trimQuotes(t: string): string {
  let start = 0;
  let end = t.length;
  while (start < end && t[start] === "'") start++;
  while (end > start && t[end - 1] === "'") end--;
  return t.slice(start, end);
}

/** Each phrase's places as sets of the words they take, made once a phrase (the word lists' phrases are read at every message). */
const PHRASE_PLACES = new WeakMap<readonly string[], ReadonlySet<string>[]>();

/** Whether the phrase (each place a word or a|b|c choice) occurs in the tokens. */
export function hasPhrase(tokens: readonly string[], phrase: readonly string[]): boolean {
  let places = PHRASE_PLACES.get(phrase);
  if (!places) {
    places = phrase.map((p) => new Set(p.split('|')));
    PHRASE_PLACES.set(phrase, places);
  }
  outer: for (let i = 0; i + places.length <= tokens.length; i++) {
    for (let j = 0; j < places.length; j++) if (!places[j].has(tokens[i + j])) continue outer;
    return true;
  }
  return false;
}

/** Whether any token at a position satisfies the test, given its neighbours. */
function anyAt(tokens: readonly string[], test: (t: string, i: number) => boolean): boolean {
  return tokens.some((t, i) => test(t, i));
}

const near = (tokens: readonly string[], i: number, span: number, set: ReadonlySet<string>): boolean =>
  tokens.slice(Math.max(0, i - span), i + span + 1).some((t) => set.has(t));

/** The class codes a message writes in brackets ("(8C)"), lower-case, found in one pass. */
function bracketedCodes(raw: string): ReadonlySet<string> {
  return new Set([...raw.toLowerCase().matchAll(/\((\d{1,2}[a-z]{1,2})\)/g)].map((m) => m[1]));
}

/** "in 3C", "(8C)", "from 10R": a class code after a word that introduces one, or in brackets. */
function isClassCode(tokens: readonly string[], i: number, bracketed: ReadonlySet<string>): boolean {
  const m = /^(\d{1,2})([a-z]{1,2})$/.exec(tokens[i]);
  if (!m || ORDINAL_ENDINGS.has(m[2]) || Number(m[1]) > 13) return false;
  return (i > 0 && CLASS_PRECEDERS.has(tokens[i - 1])) || bracketed.has(tokens[i]);
}

/** "Year 6", "yr 9s", "y5", "a 15 year old": a year group or a child's age. */
function isYearGroup(tokens: readonly string[], i: number): boolean {
  const t = tokens[i];
  if (/^(y|yr)\d{1,2}s?$/.test(t)) return true;
  const next = tokens[i + 1] ?? '';
  if (YEAR_WORDS.has(t) && /^\d{1,2}s?$/.test(next) && parseInt(next, 10) <= 13) return true;
  // "a 15 yr old": an age under 18.
  return YEAR_WORDS.has(t) && tokens[i + 1] === 'old' && /^\d{1,2}$/.test(tokens[i - 1] ?? '') && Number(tokens[i - 1]) < 18;
}

function childSignals(tokens: readonly string[], raw: string): { child: boolean; specific: boolean; classOrYear: boolean } {
  const bracketed = bracketedCodes(raw);
  const classOrYear = anyAt(tokens, (_t, i) => isClassCode(tokens, i, bracketed) || isYearGroup(tokens, i));
  const mine = anyAt(tokens, (t, i) => (/^(my|our)$/.test(t) && GROUP_NOUNS.has(tokens[i + 1] ?? ''))
    || (t === 'one' && tokens[i + 1] === 'of' && /^(my|our|the)$/.test(tokens[i + 2] ?? '')));
  const specific = classOrYear || mine || hasPhrase(tokens, ['called|named']);
  const relation = anyAt(tokens, (t, i) => THIRD_PERSON.has(t) && RELATIONS.has(tokens[i + 1] ?? ''));
  const pronounTold = anyAt(tokens, (t, i) => PRONOUN_SUBJECTS.has(t) && TOLD.has(tokens[i + 1] ?? ''));
  const child = specific || relation || pronounTold || tokens.some((t) => CHILD_NOUNS.has(t) || CHILDLIKE.has(t));
  return { child, specific, classOrYear };
}

function injurySignal(tokens: readonly string[]): boolean {
  if (tokens.some((t) => STRONG_INJURIES.has(t)) || hasPhrase(tokens, ['black', 'eye']) || hasPhrase(tokens, ['bite', 'marks'])) return true;
  // "marks", "cuts", "burns" are injuries only on a body: "burns on his arm", "cigarette burns", not "exam marks".
  return anyAt(tokens, (t, i) => BODY_INJURIES.has(t)
    && (near(tokens, i, 4, BODY_PARTS) || INJURY_MODIFIERS.has(tokens[i - 1] ?? '') || (tokens[i + 1] === 'on' && THIRD_PERSON.has(tokens[i + 2] ?? ''))));
}

/** Whether the word at i is someone harmed: "him", "his mum", "her" (not "her cake"). */
function isVictim(tokens: readonly string[], i: number): boolean {
  const t = tokens[i] ?? '';
  if (VICTIMS.has(t)) return true;
  if (!THIRD_PERSON.has(t)) return false;
  const next = tokens[i + 1];
  return RELATIONS.has(next ?? '') || BODY_PARTS.has(next ?? '') || (t === 'her' && (next === undefined || AFTER_POSSESSIVE_VICTIM.has(next)));
}

function harmSignal(tokens: readonly string[]): boolean {
  if (tokens.some((t) => HARM_WORDS.has(t))) return true;
  if (anyAt(tokens, (t, i) => VIOLENCE.has(t) && isVictim(tokens, i + 1))) return true;
  // "was hit hard by the results" is how something felt, not a blow.
  if (anyAt(tokens, (t, i) => PASSIVE.has(t) && DONE_TO.has(tokens[i + 1] ?? '') && tokens[i + 2] !== 'hard')) return true;
  return HARM_PHRASES.some((p) => hasPhrase(tokens, p));
}

function toldSignals(tokens: readonly string[]): { told: boolean; pastTold: boolean } {
  // "tell"/"show" only to the one typing ("tell me"); "seen as" is how something looks, not something seen.
  const toldMe = anyAt(tokens, (t, i) => TOLD.has(t) && (TOLD_TO.has(tokens[i + 1] ?? '') || (!/^(tell|show)$/.test(t) && !(t === 'seen' && /^(as|to)$/.test(tokens[i + 1] ?? '')))));
  const told = toldMe || TOLD_PHRASES.some((p) => hasPhrase(tokens, p));
  const pastTold = tokens.some((t) => PAST_TOLD.has(t)) || TOLD_PHRASES.some((p) => hasPhrase(tokens, p));
  return { told, pastTold };
}

/** "a 24 year old": an adult by age. */
const isAdultAge = (tokens: readonly string[], i: number): boolean =>
  YEAR_WORDS.has(tokens[i]) && tokens[i + 1] === 'old' && /^\d{2}$/.test(tokens[i - 1] ?? '') && Number(tokens[i - 1]) >= 18;

/**
 * Someone else doing something to the child, in one clause: "daddy pushed her", "a man who lives with them shows
 * him videos", "her stepfather watches her". Harm is described in too many words for any list; who does what to whom
 * is steadier. A clause where the one typing acts ("his mum is an influencer, can I follow her") does not count.
 */
function someoneActsOnChild(text: string): boolean {
  return text.toLowerCase().split(/[.,;:!?\n]+/).some((clause) => {
    const tokens = tokensOf(clause);
    return anyAt(tokens, (t, i) => {
      if (!(ACTORS.has(t) || (OLDER.has(tokens[i - 1] ?? '') && CHILD_NOUNS.has(t)) || isAdultAge(tokens, i))) return false;
      for (let j = i + 1; j < Math.min(tokens.length, i + 9); j++) {
        if (SPEAKERS.has(tokens[j])) return false;
        if (CHILD_OBJECTS.has(tokens[j])) return true;
      }
      return false;
    });
  });
}

const HAPPENED_WORDS = lists.happenedWords;
const HAPPENED_PHRASES = phrases.happenedPhrases;
/** Words that put a class or a year after them: "in 4 Oak", "from hedgehogs class". */
const PLACE_PRECEDERS = words('in from of to');
/** "in 4 Oak", "(5 Willow)", "class 3 Beech": a year's number and a capitalised word naming the class, as typed. */
const NUMBERED_CLASS = /(?:\b(?:[Ii]n|[Ff]rom|[Oo]f|[Cc]lass|[Ff]orm)\s+|\()(\d{1,2})\s+([A-Z][a-z]+)\b/g;

/** Something that happened to someone: health, care, police, absence, a death, or an injury (issue 69). */
function happenedSignal(tokens: readonly string[], injury: boolean): boolean {
  return injury || tokens.some((t) => HAPPENED_WORDS.has(t)) || HAPPENED_PHRASES.some((p) => hasPhrase(tokens, p));
}

/**
 * A particular person placed without their name: a class or a year ("in 3C", "Y9", "4 Oak", "in hedgehogs class"), or an
 * address, a postcode, a phone number, an email, an @handle or a long number (identifierSpans, the owners' view's own).
 */
function placedSignal(tokens: readonly string[], raw: string, classOrYear: boolean): boolean {
  if (classOrYear) return true;
  if (anyAt(tokens, (t, i) => tokens[i + 1] === 'class' && PLACE_PRECEDERS.has(tokens[i - 1] ?? '') && namesAClass(t))) return true;
  for (const m of raw.matchAll(NUMBERED_CLASS)) if (Number(m[1]) <= 13 && namesANumberedClass(m[2])) return true;
  return identifierSpans(raw).length > 0;
}

/**
 * The most of one message the name readers (the part-of-speech tagger) take: about 60 ms of tagging at worst. A longer
 * message is read whole by everything else; its names are read in the windows where something happened to someone,
 * in order, up to this (an outside review froze the bot for minutes with one question padded to 12,000 characters).
 */
export const NAMES_READ_CHARS = 4_000;

/** What of a long message the name readers take: its windows with an injury, harm or an event in them, in order, up to the cap. */
function forNames(text: string): string {
  if (text.length <= NAMES_READ_CHARS) return text;
  const chosen: string[] = [];
  let size = 0;
  for (const [start, end] of textWindows(text, TAGGER_WINDOW)) {
    if (size + (end - start) > NAMES_READ_CHARS) break;
    const window = text.slice(start, end);
    const tokens = tokensOf(window);
    const injury = injurySignal(tokens);
    if (!(injury || harmSignal(tokens) || happenedSignal(tokens, injury) || toldSignals(tokens).told)) continue;
    chosen.push(window);
    size += end - start;
  }
  // Signals that span two windows and none alone: the message's beginning.
  return chosen.length > 0 ? chosen.join('\n') : text.slice(0, NAMES_READ_CHARS);
}

/** Reads the kinds of words that make a message disclosure-like; the words themselves are never returned. */
export function readDisclosureSignals(text: string): DisclosureSignals {
  const tokens = tokensOf(text);
  const injury = injurySignal(tokens);
  const harm = harmSignal(tokens);
  const people = childSignals(tokens, text);
  const { told, pastTold } = toldSignals(tokens);
  const event = tokens.some((t) => EVENT_WORDS.has(t)) || EVENT_PHRASES.some((p) => hasPhrase(tokens, p));
  const acts = told && someoneActsOnChild(text);
  const happened = happenedSignal(tokens, injury);
  // The names only when something happened to someone: the tagger is the costly part.
  // One reading of the names serves both, and only a message where something happened is worth the tagger's time.
  const names = happened || injury || harm || acts ? readNames(forNames(text)) : { inContext: [], personNamed: false };
  const identified = placedSignal(tokens, text, people.classOrYear) || (happened && names.inContext.length > 0);
  const named = (injury || harm || acts) && names.personNamed;
  const first = tokens.find((t) => !PREAMBLE.has(t)) ?? '';
  const asksInGeneral = OPENERS.has(first) || tokens.some((t) => CONDITIONALS.has(t)) || hasPhrase(tokens, ['in', 'case']);
  const hypothetical = asksInGeneral && !(pastTold || event || named);
  const child = people.child || named;
  const specific = people.specific || named;
  // A concern with a child and something that happened; or a child's account of what someone does to them.
  const disclosureLike = !hypothetical && child && (((injury || harm) && (told || specific || event)) || (acts && (specific || event)));
  return { child, specific, injury, harm, told, event, acts, happened, identified, hypothetical, disclosureLike };
}

/** Something happened to someone (readDisclosureSignals' `happened`), read without the tagger: its words only. */
export function saysSomethingHappened(text: string): boolean {
  const tokens = tokensOf(text);
  return happenedSignal(tokens, injurySignal(tokens));
}

/** True when a message reads as a disclosure about a child, so the bot offers "Report a concern" first and keeps nothing of it. */
export function isDisclosureLike(text: string): boolean {
  return readDisclosureSignals(text).disclosureLike;
}
