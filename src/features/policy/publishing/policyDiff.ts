import { formatSectionLabel, PolicyDocument, PolicySection, PolicyWarning } from '../policyDocument';

/** One run of words that changed inside a section: what it said, and what it says now. */
export interface ChangedWords {
  was: string;
  now: string;
}

/** How one section changed between the live policy and a new version. */
export interface SectionChange {
  kind: 'added' | 'removed' | 'reworded';
  /** "5. Contact with pupils", as staff see it (the new label for added and reworded sections). */
  label: string;
  /** The section's ordinal in the new version (added and reworded sections), so a reader can open it there. */
  ordinal?: number;
  /** The section's ordinal in the live version (reworded and removed sections). */
  previousOrdinal?: number;
  /** For reworded sections: the runs of words that changed, in reading order. */
  changes: ChangedWords[];
}

/** Every change between two versions of a policy, section by section, in the new version's order. */
export interface PolicyDiff {
  changes: SectionChange[];
  unchanged: number;
  /** The title or front-page facts (version, review date) changed. */
  frontPageChanged: boolean;
}

/** Beyond this many words a section is reported as reworded without the words (the diff is quadratic). */
const MAX_DIFF_WORDS = 4000;
/**
 * The word comparisons one diff may make in all, over every reworded section (about 0.2 s on two cores): past it, the
 * rest are reported reworded without their words. An outside review froze the bot for 84 s with 40 sections of 3,900
 * words each (600 million comparisons, each normalising both words again).
 */
export const MAX_DIFF_CELLS = 40_000_000;

const norm = (s: string): string => s.toLowerCase().replace(/\s+/g, ' ').trim();

/**
 * Compares two versions section by section. Sections are matched by number and title, then by title alone
 * (a renumbered section), then by number alone where much of the wording stayed (a retitled one); what is
 * left is added or removed.
 */
export function diffPolicies(live: PolicyDocument, next: PolicyDocument): PolicyDiff {
  const { pairs, unmatched } = matchSections(live, next);
  const changes: SectionChange[] = [];
  let unchanged = 0;
  const budget = { cells: MAX_DIFF_CELLS };
  for (const s of next.sections) {
    const old = pairs.get(s);
    if (!old) {
      changes.push({ kind: 'added', label: formatSectionLabel(s), ordinal: s.ordinal, changes: [] });
      continue;
    }
    if (norm(old.text) === norm(s.text) && norm(old.title) === norm(s.title) && old.number === s.number) {
      unchanged++;
      continue;
    }
    const words = changedWords(`${old.title}. ${old.text}`, `${s.title}. ${s.text}`, budget);
    changes.push({ kind: 'reworded', label: formatSectionLabel(s), ordinal: s.ordinal, previousOrdinal: old.ordinal, changes: words });
  }
  for (const old of live.sections) if (unmatched.has(old)) changes.push({ kind: 'removed', label: formatSectionLabel(old), previousOrdinal: old.ordinal, changes: [] });
  const facts = (d: PolicyDocument) => JSON.stringify([d.title, d.metadata.version, d.metadata.lastReviewed, d.metadata.nextReview]);
  return { changes, unchanged, frontPageChanged: facts(live) !== facts(next) };
}

/**
 * Where each section of `live` is in `next` (ordinal to ordinal), matched as diffPolicies matches them; a section
 * `next` no longer has is absent. What an owner linked to a section follows it to its new place.
 */
export function sectionMoves(live: PolicyDocument, next: PolicyDocument): Map<number, number> {
  const { pairs } = matchSections(live, next);
  return new Map([...pairs].map(([now, was]) => [was.ordinal, now.ordinal]));
}

/** The sections of `next` paired with those of `live` they continue, and the sections of `live` left unpaired. */
function matchSections(live: PolicyDocument, next: PolicyDocument): { pairs: Map<PolicySection, PolicySection>; unmatched: Set<PolicySection> } {
  const unmatched = new Set(live.sections);
  const pairs = new Map<PolicySection, PolicySection>();
  const matchBy = (key: (s: PolicySection) => string | null, accept: (a: PolicySection, b: PolicySection) => boolean = () => true): void => {
    for (const s of next.sections) {
      if (pairs.has(s)) continue;
      const k = key(s);
      if (k === null) continue;
      const old = [...unmatched].find((o) => key(o) === k && accept(o, s));
      if (old) {
        pairs.set(s, old);
        unmatched.delete(old);
      }
    }
  };
  matchBy((s) => `${s.number ?? ''}|${norm(s.title)}`);
  matchBy((s) => norm(s.title));
  // Same number, new title: the same section retitled only if much of its wording stayed.
  matchBy((s) => s.number, (a, b) => similarity(a.text, b.text) >= 0.4);
  return { pairs, unmatched };
}

/** Shared words over all words (Jaccard), 0..1. */
function similarity(a: string, b: string): number {
  const wa = new Set(norm(a).split(' ').filter(Boolean));
  const wb = new Set(norm(b).split(' ').filter(Boolean));
  if (wa.size === 0 && wb.size === 0) return 1;
  let shared = 0;
  for (const w of wa) if (wb.has(w)) shared++;
  return shared / (wa.size + wb.size - shared);
}

/**
 * The runs of words that differ between two texts (longest common subsequence of words); none when either has more than
 * MAX_DIFF_WORDS words, or the comparisons would take `budget` past what is left of it.
 */
export function changedWords(before: string, after: string, budget: { cells: number } = { cells: MAX_DIFF_CELLS }): ChangedWords[] {
  const a = before.split(/\s+/).filter(Boolean);
  const b = after.split(/\s+/).filter(Boolean);
  if (a.length > MAX_DIFF_WORDS || b.length > MAX_DIFF_WORDS || a.length * b.length > budget.cells) return [];
  budget.cells -= a.length * b.length;
  // Each word as a number, its normal form read once: the table compares numbers.
  const ids = new Map<string, number>();
  const idOf = (word: string): number => {
    const n = norm(word);
    let id = ids.get(n);
    if (id === undefined) ids.set(n, (id = ids.size));
    return id;
  };
  const ai = Int32Array.from(a, idOf);
  const bi = Int32Array.from(b, idOf);
  // lcs[i][j]: length of the common subsequence of a[i..] and b[j..], as one flat array.
  const w = b.length + 1;
  const lcs = new Uint16Array((a.length + 1) * w);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i * w + j] = ai[i] === bi[j] ? lcs[(i + 1) * w + j + 1] + 1 : Math.max(lcs[(i + 1) * w + j], lcs[i * w + j + 1]);
    }
  }
  const runs: ChangedWords[] = [];
  let was: string[] = [];
  let now: string[] = [];
  const flush = (): void => {
    if (was.length > 0 || now.length > 0) runs.push({ was: was.join(' '), now: now.join(' ') });
    was = [];
    now = [];
  };
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && ai[i] === bi[j]) {
      flush();
      i++;
      j++;
    } else if (j < b.length && (i >= a.length || lcs[i * w + j + 1] >= lcs[(i + 1) * w + j])) now.push(b[j++]);
    else was.push(a[i++]);
  }
  flush();
  return runs;
}

/**
 * A file that shares no section with the live policy (every section added or removed, none kept or reworded) is most
 * likely the wrong file: a shopping list, another policy, a letter. It can still be published, but the card says so first.
 */
export function nothingInCommon(diff: PolicyDiff, live: PolicyDocument): PolicyWarning[] {
  if (diff.unchanged > 0 || diff.changes.some((c) => c.kind === 'reworded') || live.sections.length < 2) return [];
  return [{ code: 'NOTHING_IN_COMMON', message: `Nothing in this file matches a section of the live policy (${live.title}): every section would be removed and replaced. Check this is the right file, the next version of your social media policy, before you publish it.` }];
}
