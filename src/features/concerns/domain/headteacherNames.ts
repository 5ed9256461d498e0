/**
 * The headteacher by name (issue: an outside walk-through, 2026-11-29). A report of an adult's conduct that names the
 * headteacher only by name ("Mrs Robbins grabbed his arm", "Lynne Robbins") would go to the headteacher: the form asks
 * whether it is about them, as it does when the text says "the headteacher". The name is the one the staff directory
 * holds for CONCERN_HEADTEACHER's object id; asking costs the reporter one tick, so a name shared with someone else
 * is asked about too.
 */

/** Titles staff write before a surname. */
const TITLES: ReadonlySet<string> = new Set(['mr', 'mrs', 'ms', 'miss', 'mx', 'dr', 'sir', 'dame', 'prof', 'professor']);

/**
 * Cyrillic and Greek letters drawn like Latin ones ("Rоbbins" with a Cyrillic о): read as the Latin letter, so a name
 * typed with look-alikes (pasted, or to get past the check) is still read as the name.
 */
const LOOK_ALIKES: Readonly<Record<string, string>> = {
  а: 'a', в: 'b', е: 'e', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', с: 'c', т: 't', у: 'y', х: 'x', і: 'i', ј: 'j', ѕ: 's', ԁ: 'd', ӏ: 'l', һ: 'h', ԛ: 'q', ԝ: 'w',
  А: 'A', В: 'B', Е: 'E', К: 'K', М: 'M', Н: 'H', О: 'O', Р: 'P', С: 'C', Т: 'T', У: 'Y', Х: 'X', І: 'I', Ј: 'J', Ѕ: 'S', Ԁ: 'D', Ӏ: 'I', Һ: 'H', Ԛ: 'Q', Ԝ: 'W',
  α: 'a', ε: 'e', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x',
  Α: 'A', Β: 'B', Ε: 'E', Ζ: 'Z', Η: 'H', Ι: 'I', Κ: 'K', Μ: 'M', Ν: 'N', Ο: 'O', Ρ: 'P', Τ: 'T', Υ: 'Y', Χ: 'X',
};

/**
 * The text read plainly (linear): compatibility forms unfolded (full-width letters), accents and every invisible
 * format character taken out (zero-width spaces, soft hyphens, invisible operators), then look-alike letters read as
 * Latin, in that order, so "Rόbbins" (a Greek omicron with an accent) is read as "Robbins".
 */
export function plainLetters(text: string): string {
  return Array.from(text.normalize('NFKD').replace(/[\p{M}\p{Cf}]/gu, ''), (c) => LOOK_ALIKES[c] ?? c).join('');
}

/**
 * Words of a text as typed, a possessive "'s" taken off: one pass over the text (no backtracking). Accents are read
 * through ("Róbbins" is "Robbins") and look-alike letters read as Latin, for the text and the directory's name alike.
 */
function typedWordsOf(text: string): string[] {
  return wordsOfPlain(plainLetters(text));
}

/** The words of a text already read plainly (plainLetters): what typedWordsOf gives, without reading it plainly again. */
function wordsOfPlain(plain: string): string[] {
  return (plain.match(/[\p{L}\p{M}]+(?:['’-][\p{L}\p{M}]+)*/gu) ?? []).map((w) => w.replace(/['’]s$/u, ''));
}

/** The same words, lower-cased. */
function wordsOf(text: string): string[] {
  return typedWordsOf(text).map((w) => w.toLowerCase());
}

/** A directory name as its parts: "Robbins, Lynne (Head)" and "Mrs L. Robbins" read as given name(s) then surname. */
function nameParts(displayName: string): { given: string[]; surname: string } | undefined {
  const plain = displayName.slice(0, 200).replace(/\([^()]*\)/g, ' ');
  const comma = plain.indexOf(',');
  const ordered = comma >= 0 ? `${plain.slice(comma + 1)} ${plain.slice(0, comma)}` : plain;
  const words = wordsOf(ordered).filter((w) => !TITLES.has(w));
  const surname = words.at(-1);
  if (!surname || surname.length < 2) return undefined;
  return { given: words.slice(0, -1), surname };
}

/** How a text names a person (howNamed). */
export type Naming = 'surely' | 'maybe' | 'near' | 'no';

/**
 * How a text names the person: `surely` by their whole name, a given name or its initial then the surname ("Lynne
 * Robbins", "L Robbins"), or a title then the surname ("Mrs Robbins"), each part of a hyphenated word too
 * ("Mrs Adele-Robbins"); `maybe` by the surname or a given name of three letters or more alone, typed with a capital
 * ("Robbins grabbed his arm", "Lynne was there"), which a pupil, a parent or a place may share; `near` by a title then
 * the surname one letter off, or its initial ("Mrs Robins", "Mrs H"), which is as likely someone else. Otherwise `no`.
 */
export function howNamed(text: string, displayName: string): Naming {
  return howNamedIn(typedWordsOf(text), displayName);
}

/**
 * Whether a text already read plainly (plainLetters) names any of the names, surely or maybe (and near, when asked:
 * what is only asked about, never acted on): the text is read into words once for all of them.
 */
export function namedInPlain(plain: string, displayNames: readonly string[], options: { near?: boolean } = {}): boolean {
  if (displayNames.length === 0) return false;
  const typed = wordsOfPlain(plain);
  return displayNames.some((name) => {
    const how = howNamedIn(typed, name);
    return how === 'surely' || how === 'maybe' || (how === 'near' && options.near === true);
  });
}

/** A title as typed before a name: "Miss" and "Sir" only with a capital ("miss a lesson", "told sir"). */
const isTitle = (typed: string): boolean => {
  const word = typed.toLowerCase();
  return TITLES.has(word) && ((word !== 'miss' && word !== 'sir') || /^\p{Lu}/u.test(typed));
};

/** howNamed over the text's words (typedWordsOf). */
function howNamedIn(typed: readonly string[], displayName: string): Naming {
  const parts = nameParts(displayName);
  if (!parts) return 'no';
  let maybe = false;
  let near = false;
  for (let i = 0; i < typed.length; i++) {
    // A word and, when hyphenated, each of its pieces: "Adele-Vance" holds "vance"; "O'Neill-Hart" is itself a surname.
    const word = typed[i].toLowerCase();
    const pieces = word.includes('-') ? [word, ...word.split('-')] : [word];
    const previous = i > 0 ? typed[i - 1].toLowerCase() : '';
    const before = previous.includes('-') ? [previous, previous.split('-').at(-1) ?? ''] : [previous];
    if (pieces.includes(parts.surname)
      && before.some((b) => TITLES.has(b) || parts.given.some((g) => b === g || (b.length === 1 && g.startsWith(b))))) return 'surely';
    const capital = /^\p{Lu}/u.test(typed[i]);
    if (capital && pieces.some((piece) => piece === parts.surname || (piece.length >= 3 && parts.given.includes(piece)))) maybe = true;
    // After a title, the surname misspelt by one letter ("Mrs Robins", "Mr Fernandes" for Fernandez, "Mrs Robbnis") or
    // given by its initial alone ("Mrs H"), each with a capital (and "Miss" or "Sir" too: "miss a lesson" is not a
    // title): near, which someone else may well be, so only ever asked about (namedInPlain's `near`).
    if (capital && i > 0 && isTitle(typed[i - 1])
      && ((parts.surname.length >= 5 && word.length >= 4 && withinOneEdit(word, parts.surname)) || (word.length === 1 && parts.surname.startsWith(word)))) near = true;
  }
  return maybe ? 'maybe' : near ? 'near' : 'no';
}

/**
 * Whether two words differ by at most one letter added, dropped or changed, or two neighbours swapped: one pass over
 * the shorter word (a word of any length is compared in time linear in it, and one of a different length at once).
 */
export function withinOneEdit(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (i === a.length && i === b.length) return true;
  if (a.length === b.length) {
    return a.slice(i + 1) === b.slice(i + 1)
      || (a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2));
  }
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

/** The headteacher's names as last read: read again when older than `refreshMs`, the last known kept if a read fails. */
export interface HeadteacherNames {
  /** The names now, read again first when stale. */
  names(): Promise<readonly string[]>;
  /** The names as last read, without waiting (what a check that cannot wait uses). */
  known(): readonly string[];
}

/**
 * What a report form is checked against about the headteacher (concernValidation.ts's context): their names as the
 * directory holds them, and whether they are on the safeguarding team. `context` reads the names again when stale (the
 * submit); `known` answers at once with the names as last read (the per-person limits, which cannot wait).
 */
export interface HeadteacherCheck {
  context(): Promise<{ headteacherNames: readonly string[]; headteacherOnTeam: boolean }>;
  known(): { headteacherNames: readonly string[]; headteacherOnTeam: boolean };
}

export function createHeadteacherCheck(names: HeadteacherNames | undefined, onTeam: boolean): HeadteacherCheck {
  return {
    context: async () => ({ headteacherNames: (await names?.names()) ?? [], headteacherOnTeam: onTeam }),
    known: () => ({ headteacherNames: names?.known() ?? [], headteacherOnTeam: onTeam }),
  };
}

/** Ten minutes: a new headteacher's name is asked about within that of the directory knowing it. */
export const HEADTEACHER_NAMES_REFRESH_MS = 10 * 60_000;

export function createHeadteacherNames(
  lookup: () => Promise<string | undefined>, options: { now?: () => number; refreshMs?: number } = {},
): HeadteacherNames {
  const now = options.now ?? Date.now;
  const refreshMs = options.refreshMs ?? HEADTEACHER_NAMES_REFRESH_MS;
  let known: readonly string[] = [];
  let readAt = Number.NEGATIVE_INFINITY;
  let reading: Promise<readonly string[]> | undefined;
  return {
    known: () => known,
    names() {
      if (now() - readAt < refreshMs) return Promise.resolve(known);
      reading ??= lookup().then(
        (name) => { known = name && name.trim() ? [name.trim()] : []; readAt = now(); return known; },
        () => known,
      ).finally(() => { reading = undefined; });
      return reading;
    },
  };
}
