import { diffPolicies, splitSentences, type PolicyDocument, type PolicySection } from '../../policy';
import { ChangedRun, VersionChanges, VersionSectionChange } from './acknowledgementTypes';

/**
 * What changed between two versions of a policy, as staff are shown it on their next card ("What changed since you
 * acknowledged version N") and as the owner's next round proposes key points from it. Reworded sections are quoted a
 * sentence at a time (what it said, what it says now), which reads as a rule where a run of changed words does not;
 * added sections by their opening sentences. Worked out when a version is published from chat, the one moment both
 * texts are at hand, and kept with the version, small enough for any store's row.
 */

/** The longest quote on a card, either side: a rule or two, not a page. */
const MAX_QUOTE = 600;
/** Runs kept per section: more than this and the section is for reading whole (its button opens it). */
const MAX_RUNS = 4;
const MAX_SECTIONS = 20;
const MAX_GONE = 80;
/** The whole record, in characters: well inside Table storage's 64 KiB property (32 K characters). */
const MAX_RECORD = 24_000;
/** Sentences compared per section; beyond this a section is quoted by its word runs. */
const MAX_SENTENCES = 400;

const norm = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();

const cut = (s: string): string => (s.length > MAX_QUOTE ? `${s.slice(0, MAX_QUOTE - 1).trimEnd()}\u2026` : s);

/** A section's sentences as written, list markers taken off. */
export function sectionSentences(section: Pick<PolicySection, 'text'>): string[] {
  const out: string[] = [];
  for (const para of section.text.split(/\n+/)) {
    for (const raw of splitSentences(para)) {
      const text = raw.replace(/^\s*[-\u2022]\s+/, '').replace(/^\(?(?:[ivx]{1,4}|[a-z]|\d{1,2})[.)]\s+/i, '').replace(/\s+/g, ' ').trim();
      if (/[a-z]/i.test(text)) out.push(text);
    }
  }
  return out;
}

/** The runs of whole sentences that differ between two lists (a longest common subsequence on their wording). */
function changedSentences(before: string[], after: string[]): ChangedRun[] {
  const a = before.map(norm);
  const b = after.map(norm);
  const w = b.length + 1;
  const lcs = new Uint16Array((a.length + 1) * w);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) lcs[i * w + j] = a[i] === b[j] ? lcs[(i + 1) * w + j + 1] + 1 : Math.max(lcs[(i + 1) * w + j], lcs[i * w + j + 1]);
  }
  const runs: ChangedRun[] = [];
  let was: string[] = [];
  let now: string[] = [];
  const flush = (): void => {
    if (was.length > 0 || now.length > 0) runs.push({ was: cut(was.join(' ')), now: cut(now.join(' ')) });
    was = [];
    now = [];
  };
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      flush();
      i++;
      j++;
    } else if (j < b.length && (i >= a.length || lcs[i * w + j + 1] >= lcs[(i + 1) * w + j])) now.push(after[j++]);
    else was.push(before[i++]);
  }
  flush();
  return runs;
}

/** The record made to fit: the last sections' runs, then sections, then gone sentences dropped until it does. */
function fit(changes: VersionChanges): VersionChanges {
  const size = () => JSON.stringify(changes).length;
  while (size() > MAX_RECORD && changes.gone.length > 20) {
    changes.gone.pop();
    changes.truncated = true;
  }
  while (size() > MAX_RECORD && changes.sections.length > 0) {
    const last = changes.sections[changes.sections.length - 1];
    if (last.runs.length > 0) last.runs.pop();
    else changes.sections.pop();
    changes.truncated = true;
  }
  return changes;
}

/**
 * What changed from `previous` to `next`: added and reworded sections with the sentences quoted was/now (a title-only
 * change by its words), removed ones by name, and every sentence of `previous` that `next` no longer has.
 */
export function describeChanges(previous: PolicyDocument, next: PolicyDocument): VersionChanges {
  const diff = diffPolicies(previous, next);
  const oldByOrdinal = new Map(previous.sections.map((s) => [s.ordinal, s]));
  const newByOrdinal = new Map(next.sections.map((s) => [s.ordinal, s]));
  const sections: VersionSectionChange[] = [];
  let truncated = diff.changes.length > MAX_SECTIONS;
  for (const c of diff.changes.slice(0, MAX_SECTIONS)) {
    const after = c.ordinal !== undefined ? newByOrdinal.get(c.ordinal) : undefined;
    const before = c.previousOrdinal !== undefined ? oldByOrdinal.get(c.previousOrdinal) : undefined;
    let runs: ChangedRun[] = [];
    if (c.kind === 'added' && after) {
      const opening = sectionSentences(after).slice(0, 2).join(' ');
      if (opening) runs = [{ was: '', now: cut(opening) }];
    } else if (c.kind === 'reworded' && after && before) {
      const [a, b] = [sectionSentences(before), sectionSentences(after)];
      runs = a.length <= MAX_SENTENCES && b.length <= MAX_SENTENCES ? changedSentences(a, b) : [];
      // Only the title or the spacing changed: the changed words say it.
      if (runs.length === 0) runs = c.changes.filter((r) => norm(r.was) !== norm(r.now)).map((r) => ({ was: cut(r.was), now: cut(r.now) }));
    }
    if (runs.length > MAX_RUNS) truncated = true;
    sections.push({ kind: c.kind, label: c.label, ...(c.ordinal !== undefined && c.kind !== 'removed' ? { ordinal: c.ordinal } : {}), runs: runs.slice(0, MAX_RUNS) });
  }
  const kept = new Set(next.sections.flatMap((s) => sectionSentences(s)).map(norm));
  const gone = [...new Set(previous.sections.flatMap((s) => sectionSentences(s)).filter((s) => !kept.has(norm(s))))];
  if (gone.length > MAX_GONE) truncated = true;
  return fit({ sinceHash: previous.metadata.contentHash, sections, gone: gone.slice(0, MAX_GONE).map(cut), ...(truncated ? { truncated } : {}) });
}
