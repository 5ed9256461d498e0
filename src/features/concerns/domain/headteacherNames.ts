/**
 * The headteacher by name (issue: an outside walk-through, 2026-11-29). A report of an adult's conduct that names the
 * headteacher only by name ("Mrs Robbins grabbed his arm", "Lynne Robbins") would go to the headteacher: the form asks
 * whether it is about them, as it does when the text says "the headteacher". The name is the one the staff directory
 * holds for CONCERN_HEADTEACHER's object id; asking costs the reporter one tick, so a name shared with someone else
 * is asked about too.
 */

/** Titles staff write before a surname. */
const TITLES: ReadonlySet<string> = new Set(['mr', 'mrs', 'ms', 'miss', 'mx', 'dr', 'sir', 'dame', 'prof', 'professor']);

/** Words of a text, lower-cased, a possessive "'s" taken off: one pass over the text (no backtracking). */
function wordsOf(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{M}]+(?:['’-][\p{L}\p{M}]+)*/gu) ?? []).map((w) => w.replace(/['’]s$/u, ''));
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

/**
 * True when the text names the person: their whole name, a given name or its initial then the surname ("Lynne
 * Robbins", "L Robbins"), or a title then the surname ("Mrs Robbins"). A surname alone is not enough: a pupil or a
 * parent may share it, and a sentence may begin with it as a word.
 */
export function namesPerson(text: string, displayName: string): boolean {
  const parts = nameParts(displayName);
  if (!parts) return false;
  const words = wordsOf(text);
  for (let i = 1; i < words.length; i++) {
    if (words[i] !== parts.surname) continue;
    const before = words[i - 1];
    if (TITLES.has(before)) return true;
    if (parts.given.some((g) => before === g || (before.length === 1 && g.startsWith(before)))) return true;
  }
  return false;
}

/** The headteacher's names as last read: read again when older than `refreshMs`, the last known kept if a read fails. */
export interface HeadteacherNames {
  /** The names now, read again first when stale. */
  names(): Promise<readonly string[]>;
  /** The names as last read, without waiting (what a check that cannot wait uses). */
  known(): readonly string[];
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
