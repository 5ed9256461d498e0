import nlp from 'compromise';

/**
 * The word lists the policy feature reads messages with (the disclosure signals, the concern cue, the answering lexicon)
 * are data, in the JSON files beside this module, one entry a line: a reviewer edits words there, not code. Each list
 * is written once, in base forms where the lemmatiser (compromise, already the project's tagger) can produce the rest:
 * - `verbs`: every form of each verb ("kill": kill, kills, killed, killing; "shake": ... shook, shaken, shaking);
 * - `pastTenses`: each verb's simple past ("see": saw); `participles`: its past participle ("beat": beaten; "hit": hit);
 * - `nouns`: each noun and its plural ("child": child, children);
 * - `words`: forms as written: words that are not inflections, and the forms the lemmatiser gets wrong or lacks;
 * - `except`: forms the lemmatiser gives that the list leaves out, each one a form it does give;
 * - `phrases`: words in a row, `|` between the words one place may hold; `<throw>` stands for every form of the verb.
 * The forms are made once, when the module that reads a file loads, never per message: matching is a set look-up, as
 * when the forms were written out. A file that does not fit this shape stops the app at start with every problem named
 * (WordListError, WORD_LIST_MALFORMED). research/scripts/wordListDecisions.ts shows every decision an edit changes.
 */
export class WordListError extends Error {
  override readonly name = 'WordListError';
  readonly code = 'WORD_LIST_MALFORMED';

  constructor(readonly file: string, readonly problems: readonly string[]) {
    super(`The word list file ${file} cannot be read:\n  - ${problems.join('\n  - ')}\n(WORD_LIST_MALFORMED)`);
  }
}

/** The lemmatiser's own conjugation and plural, without its tagger: a base form in, its forms out, the same every time. */
interface Lemmatiser {
  verb: { conjugate(base: string, model: object): Partial<Record<'Infinitive' | 'PresentTense' | 'PastTense' | 'Participle' | 'Gerund', string>> };
  noun: { toPlural(singular: string, model: object): string };
}

function lemmatiser(): Lemmatiser {
  const transform = (nlp.methods() as { two?: { transform?: Partial<Lemmatiser> } }).two?.transform;
  if (typeof transform?.verb?.conjugate !== 'function' || typeof transform.noun?.toPlural !== 'function') {
    throw new WordListError('(compromise)', ['this version of compromise has no verb conjugation or noun plural to make the word lists\' forms with']);
  }
  return transform as Lemmatiser;
}

const lemmas = lemmatiser();
const model = nlp.model();

/** A form the lemmatiser gives is kept when it is one word: "will kill", its future, is not. */
const oneWord = (form: string | undefined): form is string => form !== undefined && form.length > 0 && !form.includes(' ');

/**
 * Every form of a verb: the base, -s, the past, the past participle where it differs, -ing. An -ing form that does not
 * end so is the lemmatiser's guess gone wrong (it gives "text" for texting): it is left out, and the list writes it.
 */
export function verbForms(base: string): string[] {
  const c = lemmas.verb.conjugate(base, model);
  const gerund = c.Gerund?.endsWith('ing') ? c.Gerund : undefined;
  return [...new Set([base, c.PresentTense, c.PastTense, c.Participle, gerund].filter(oneWord))];
}

/** The simple past of a verb ("see": saw). */
export function pastTense(base: string): string {
  const past = lemmas.verb.conjugate(base, model).PastTense;
  return oneWord(past) ? past : base;
}

/** The past participle of a verb ("beat": beaten), or its past where the two are one ("hit", "punched"). */
export function participle(base: string): string {
  const c = lemmas.verb.conjugate(base, model);
  return oneWord(c.Participle) ? c.Participle : pastTense(base);
}

/** A noun and its plural ("child": child, children). */
export function nounForms(singular: string): string[] {
  const plural = lemmas.noun.toPlural(singular, model);
  return [...new Set([singular, plural].filter(oneWord))];
}

const FORM_KINDS = ['verbs', 'pastTenses', 'participles', 'nouns', 'words'] as const;
type FormKind = typeof FORM_KINDS[number];
const LIST_KEYS = new Set<string>(['about', ...FORM_KINDS, 'except', 'phrases']);

const formsOf: Record<FormKind, (entry: string) => string[]> = {
  verbs: verbForms,
  pastTenses: (e) => [pastTense(e)],
  participles: (e) => [participle(e)],
  nouns: nounForms,
  words: (e) => [e],
};

/** One word as the readers see it: lower-case letters and digits, with an apostrophe or hyphen inside ("dm'd", "co-worker"). */
const WORD = /^[a-z0-9][a-z0-9'-]*$/;
/** A verb to inflect in a phrase or a lexicon form: `<throw>`. */
const VERB_MARK = /^<([a-z]+)>$/;

/** Problems are gathered, not thrown one by one, so a reviewer sees every mistake in a file at once. */
type Problems = string[];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Prose about a file, a list or a group: a string, or its lines (long prose reads best a line at a time). */
const isProse = (value: unknown): boolean => (typeof value === 'string' && value.trim() !== '')
  || (Array.isArray(value) && value.length > 0 && value.every((line) => typeof line === 'string'));

/** The strings of an array, or a problem for each thing in it that is not a non-empty, trimmed, lower-case string. */
function stringsOf(value: unknown, where: string, problems: Problems): string[] {
  if (!Array.isArray(value)) {
    problems.push(`${where} must be a list of strings`);
    return [];
  }
  const out: string[] = [];
  const seen = new Set<string>();
  for (const item of value) {
    if (typeof item !== 'string' || item.trim() === '') problems.push(`${where} holds ${JSON.stringify(item)}, which is not a word or phrase`);
    else if (item !== item.trim() || item !== item.toLowerCase() || item.includes('  ')) {
      problems.push(`${where}: "${item}" must be lower-case, with single spaces and none at either end`);
    }
    else if (seen.has(item)) problems.push(`${where}: "${item}" is written twice`);
    else {
      seen.add(item);
      out.push(item);
    }
  }
  return out;
}

/** A place of a phrase ("<throw>|hit"), its alternatives with every verb marked in it inflected ("throw|throws|threw|..."). */
function expandPlace(place: string, where: string, problems: Problems): string {
  const alternatives = place.split('|').flatMap((alt) => {
    const verb = VERB_MARK.exec(alt);
    if (verb) return verbForms(verb[1]);
    if (!WORD.test(alt)) problems.push(`${where}: "${alt}" is not one word (or a verb marked <verb>)`);
    return [alt];
  });
  return [...new Set(alternatives)].join('|');
}

/** The forms of one list, with its `except` taken out; a problem for each entry that does not fit. */
function readList(value: unknown, where: string, problems: Problems): { words?: ReadonlySet<string>; phrases?: string[][] } {
  if (!isRecord(value)) {
    problems.push(`${where} must be an object with "about" and its entries`);
    return {};
  }
  if (!isProse(value.about)) problems.push(`${where} needs an "about" saying what the list is for`);
  for (const key of Object.keys(value)) if (!LIST_KEYS.has(key)) problems.push(`${where} has "${key}", which is none of ${[...LIST_KEYS].join(', ')}`);
  if (value.phrases !== undefined) {
    if (FORM_KINDS.some((k) => value[k] !== undefined) || value.except !== undefined) {
      problems.push(`${where} holds phrases and words: a list is one or the other`);
    }
    const phrases = stringsOf(value.phrases, `${where}.phrases`, problems);
    if (phrases.length === 0) problems.push(`${where} has no phrases`);
    return { phrases: phrases.map((p) => p.split(' ').map((place) => expandPlace(place, `${where}.phrases`, problems))) };
  }
  const forms = new Set<string>();
  const generated = new Set<string>();
  for (const kind of FORM_KINDS) {
    if (value[kind] === undefined) continue;
    for (const entry of stringsOf(value[kind], `${where}.${kind}`, problems)) {
      if (!WORD.test(entry)) {
        problems.push(`${where}.${kind}: "${entry}" is not one word (a phrase goes in a list of phrases)`);
        continue;
      }
      for (const form of formsOf[kind](entry)) {
        forms.add(form);
        if (kind !== 'words') generated.add(form);
      }
    }
  }
  if (value.except !== undefined) {
    for (const form of stringsOf(value.except, `${where}.except`, problems)) {
      if (!generated.has(form)) problems.push(`${where}.except: "${form}" is not a form the lemmatiser gives for this list's verbs or nouns`);
      forms.delete(form);
    }
  }
  if (forms.size === 0) problems.push(`${where} has no words`);
  return { words: forms };
}

/** The lists of a word list file, by the names its reader expects: every set of words and every list of phrases. */
export interface WordLists<W extends string, P extends string> {
  words: Readonly<Record<W, ReadonlySet<string>>>;
  /** Each phrase a list of places, each place its words joined by `|`. */
  phrases: Readonly<Record<P, readonly (readonly string[])[]>>;
}

/**
 * Reads a word list file (`{ "about": ..., "lists": { name: { "about": ..., "verbs": [...], ... } } }`) into sets of
 * words and lists of phrases, with every form made; refuses, naming every problem at once, a file that lacks one of the
 * named lists, holds one its reader does not read, or has an entry that does not fit.
 */
export function readWordLists<W extends string, P extends string = never>(
  json: unknown, file: string, names: { words: readonly W[]; phrases?: readonly P[] },
): WordLists<W, P> {
  const problems: Problems = [];
  const words = {} as Record<W, ReadonlySet<string>>;
  const phrases = {} as Record<P, string[][]>;
  if (!isRecord(json) || !isProse(json.about) || !isRecord(json.lists)) {
    throw new WordListError(file, ['the file must be an object with "about" (what its lists are for) and "lists"']);
  }
  for (const key of Object.keys(json)) if (key !== 'about' && key !== 'lists') problems.push(`the file has "${key}", which is neither "about" nor "lists"`);
  const lists = json.lists;
  const expected = new Set<string>([...names.words, ...(names.phrases ?? [])]);
  for (const name of Object.keys(lists)) if (!expected.has(name)) problems.push(`the list "${name}" is read by nothing`);
  for (const name of names.words) {
    if (!(name in lists)) problems.push(`the list "${name}" is missing`);
    else {
      const list = readList(lists[name], name, problems);
      if (list.phrases) problems.push(`${name} must be a list of words, not of phrases`);
      words[name] = list.words ?? new Set();
    }
  }
  for (const name of names.phrases ?? []) {
    if (!(name in lists)) problems.push(`the list "${name}" is missing`);
    else {
      const list = readList(lists[name], name, problems);
      if (!list.phrases) problems.push(`${name} must be a list of phrases`);
      phrases[name] = list.phrases ?? [];
    }
  }
  if (problems.length > 0) throw new WordListError(file, problems);
  return { words, phrases };
}

/**
 * Reads the lexicon file (`{ "about": ..., "groups": [ { "note"?: ..., "forms": [...] } ] }`): each group its forms in
 * order, a form with a verb marked (`<leave>`, `<break> the law`) standing for that form with every form of the verb in
 * its place, right after it. Refuses a file that does not fit, naming every problem.
 */
export function readLexiconGroups(json: unknown, file: string): string[][] {
  if (!isRecord(json) || !isProse(json.about) || !Array.isArray(json.groups)) {
    throw new WordListError(file, ['the file must be an object with "about" (what its groups are for) and "groups"']);
  }
  const problems: Problems = [];
  for (const key of Object.keys(json)) if (key !== 'about' && key !== 'groups') problems.push(`the file has "${key}", which is neither "about" nor "groups"`);
  const groups = json.groups.map((group: unknown, gi: number) => {
    const where = `group ${gi + 1}`;
    if (!isRecord(group)) {
      problems.push(`${where} must be an object with "forms" (and a "note" if it needs one)`);
      return [];
    }
    for (const key of Object.keys(group)) if (key !== 'note' && key !== 'forms') problems.push(`${where} has "${key}", which is neither "note" nor "forms"`);
    if (group.note !== undefined && !isProse(group.note)) problems.push(`${where}'s note must be a string or a list of lines`);
    const forms = stringsOf(group.forms, `${where}.forms`, problems);
    if (forms.length === 0) problems.push(`${where} has no forms`);
    return [...new Set(forms.flatMap((form) => lexiconForms(form, `${where}.forms`, problems)))];
  });
  if (problems.length > 0) throw new WordListError(file, problems);
  return groups;
}

/** A lexicon form with each marked verb in turn given every form ("<break> the law": break the law, breaks the law, broke the law...). */
function lexiconForms(form: string, where: string, problems: Problems): string[] {
  let out = [''];
  for (const word of form.split(' ')) {
    const verb = VERB_MARK.exec(word);
    if (!verb && (word.includes('<') || word.includes('>'))) problems.push(`${where}: "${form}" marks a verb as <verb>, one lower-case word in angle brackets`);
    const alternatives = verb ? verbForms(verb[1]) : [word];
    out = out.flatMap((start) => alternatives.map((w) => (start === '' ? w : `${start} ${w}`)));
  }
  return out;
}
