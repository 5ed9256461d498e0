import { formatSectionLabel, splitSentences, type PolicyDocument } from '../../policy';
import { VersionSectionChange } from './acknowledgementTypes';
import { bulletWithLeadIn, proposeKeyPoints, ruleCandidates } from './keyPoints';

/**
 * The key points a later round proposes to its owner: first a point for each reworded or added rule (the sentence that
 * now says it), then the points the round before carried where their text still stands in the new version (one whose
 * wording is gone is replaced by its rule as now worded, when there is one). A point the owner wrote in their own words
 * stands unless it quotes wording the new version no longer has. The owner edits them in the preview before anything is
 * sent.
 */

/** What a later round's preview starts from. */
export interface RoundPointProposal {
  proposed: string[];
  /** The changed rules' points among them (shown first). */
  changed: string[];
  /** Points of the round before whose wording the new version no longer has: not carried. */
  dropped: string[];
  /** The policy's other rules, for the owner to add. */
  offered: string[];
}

const norm = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();

function overlap(a: string, b: string): number {
  const wa = new Set(a.split(' ').filter(Boolean));
  const wb = new Set(b.split(' ').filter(Boolean));
  let shared = 0;
  for (const w of wa) if (wb.has(w)) shared++;
  return wa.size + wb.size === 0 ? 0 : shared / (wa.size + wb.size - shared);
}

/** Whether two sentences say the same thing closely enough that one stands for the other. */
const sameWords = (a: string, b: string): boolean => a.includes(b) || b.includes(a) || overlap(a, b) >= 0.5;

/**
 * The sentence of the new version that states a changed rule, as a point: for an added section its best rule; for a
 * reworded one the rule among what it says now that brings the most words it did not say before (so a sentence only
 * shortened by the change does not stand for it). Undefined when none reads as a rule.
 */
function pointFor(doc: PolicyDocument, change: VersionSectionChange): string | undefined {
  const section = doc.sections.find((s) => s.ordinal === change.ordinal && formatSectionLabel(s) === change.label)
    ?? doc.sections.find((s) => formatSectionLabel(s) === change.label);
  if (!section || change.kind === 'removed') return undefined;
  const rules = ruleCandidates([section]);
  if (change.kind === 'added') return rules[0];
  const before = new Set(change.runs.flatMap((r) => norm(r.was).split(' ')));
  const said = change.runs.flatMap((r) => splitSentences(r.now)).map((raw) => ({ raw, n: norm(raw) })).filter((x) => x.n.length > 0)
    .map((x) => ({ ...x, fresh: x.n.split(' ').filter((w) => w && !before.has(w)).length }));
  let best: { rule: string; fresh: number } | undefined;
  for (const rule of rules) {
    const fresh = Math.max(0, ...said.filter((x) => sameWords(norm(rule), x.n)).map((x) => x.fresh));
    if (fresh > 0 && (!best || fresh > best.fresh)) best = { rule, fresh };
  }
  if (best) return best.rule;
  // No sentence that reads as a rule carries the change: a bullet that does, read with its lead-in ("adults should:").
  for (const x of said.filter((y) => y.fresh > 0).sort((a, b) => b.fresh - a.fresh)) {
    const point = bulletWithLeadIn(section.text, x.raw);
    if (point) return point;
  }
  return undefined;
}

/** The new version's wording of a point it no longer has: its rule as reworded, where one is close enough. */
function reworded(point: string, rules: readonly string[]): string | undefined {
  const n = norm(point);
  let best: { rule: string; score: number } | undefined;
  for (const rule of rules) {
    const score = overlap(n, norm(rule));
    if (score >= 0.5 && (!best || score > best.score)) best = { rule, score };
  }
  return best?.rule;
}

/**
 * The points for the next round of a campaign: one for each changed rule first, then `previous` where each still stands
 * (`gone`: the sentences the new version no longer has), at most `max`; what does not fit is offered.
 */
export function proposeRoundPoints(
  doc: PolicyDocument | undefined, changes: { sections: readonly VersionSectionChange[]; gone: readonly string[] } | undefined,
  previous: readonly string[], max: number,
): RoundPointProposal {
  const text = doc ? norm(doc.sections.map((s) => `${s.title} ${s.text}`).join(' ')) : '';
  const gone = (changes?.gone ?? []).map(norm);
  const changed: string[] = [];
  if (doc) for (const c of changes?.sections ?? []) {
    const point = pointFor(doc, c);
    if (point && !changed.some((p) => norm(p) === norm(point))) changed.push(point);
  }
  const dropped: string[] = [];
  const carried: string[] = [];
  const rules = doc ? ruleCandidates(doc.sections) : [];
  const has = (list: string[], p: string) => list.some((x) => norm(x) === norm(p));
  for (const p of previous) {
    const n = norm(p);
    // A point a changed rule's new wording holds, or that holds it ("... into disrepute" now "... into disrepute,
    // including in private groups"): the new wording stands for it, and it is not carried beside it.
    const restated = changed.some((c) => norm(c) !== n && (norm(c).includes(n) || n.includes(norm(c))));
    if (restated) {
      dropped.push(p);
      continue;
    }
    if ((text !== '' && text.includes(n)) || !gone.some((g) => sameWords(n, g))) {
      if (!has(changed, p) && !has(carried, p)) carried.push(p);
      continue;
    }
    // Its wording is gone: the rule as the new version words it takes its place, if it is not already proposed.
    dropped.push(p);
    const now = reworded(p, rules);
    if (now && !has(changed, now) && !has(carried, now)) carried.push(now);
  }
  const all = [...changed, ...carried];
  const rest = doc ? proposeKeyPoints(doc).offered : [];
  const offered = [...all.slice(max), ...rest].filter((o, i, list) => list.findIndex((x) => norm(x) === norm(o)) === i && !all.slice(0, max).includes(o));
  return { proposed: all.slice(0, max), changed: changed.slice(0, max), dropped, offered };
}
