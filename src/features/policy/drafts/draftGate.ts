import { DRAFT_CONCERNS, DraftContext } from './draftConcerns';

/**
 * The gate (issue 71, design GA in research/DECISIONS.md): a logistic over what the concern heads already said of the
 * whole draft and what the card says of it, read only when some head fires, saying whether the draft raises anything at
 * all. A TV chat or a charity post that trips one head just over its threshold is told "nothing stops this" when the
 * gate's probability is under its threshold; otherwise the concerns stand as the heads raised them. It never adds one.
 * Fitted out of fold on the corpus by research/training/drafts/fit_gate.py, which computes the same columns in the same
 * order; the arithmetic here is float64 over the heads' logits, so it is the same on every CPU the logits are.
 */
export interface DraftGate { weights: Float64Array; bias: number; threshold: number }

/** The columns, in heads.json's `gate.columns` order: a gate written for other columns is refused. */
export const GATE_COLUMNS: readonly string[] = [
  ...DRAFT_CONCERNS.map((id) => `margin:${id}`),
  'largest', 'second', 'fired', 'media:pupils', 'media:colleagues', 'account:school', 'audience:friends', 'audience:group',
];

/** heads.json's `gate`, or null where the file has none (the heads alone decide). */
export function parseDraftGate(json: unknown): DraftGate | null {
  const gate = (json as { gate?: { columns?: unknown; weights?: unknown; bias?: unknown; threshold?: unknown } } | null)?.gate;
  if (gate === undefined) return null;
  const { columns, weights, bias, threshold } = gate;
  const sameColumns = Array.isArray(columns) && columns.length === GATE_COLUMNS.length && columns.every((c, i) => c === GATE_COLUMNS[i]);
  const numbers = Array.isArray(weights) && weights.length === GATE_COLUMNS.length && weights.every((w) => typeof w === 'number' && Number.isFinite(w));
  if (!sameColumns || !numbers || typeof bias !== 'number' || typeof threshold !== 'number') {
    throw new Error(`heads.json's gate needs the columns ${GATE_COLUMNS.join(', ')}, a weight for each, a bias and a threshold`);
  }
  return { weights: Float64Array.from(weights as number[]), bias, threshold };
}

/**
 * The gate's probability that the draft raises something, from each concern's margin to its threshold (logit less
 * threshold, in DRAFT_CONCERNS order, with a concern the checker never raises here already counted as not raised) and
 * the card.
 */
export function gateProbability(gate: DraftGate, margins: readonly number[], context: DraftContext): number {
  const sorted = [...margins].sort((a, b) => b - a);
  const columns = [
    ...margins, sorted[0], sorted[1], margins.filter((m) => m >= 0).length,
    context.media === 'pupils' ? 1 : 0, context.media === 'colleagues' ? 1 : 0, context.account === 'school' ? 1 : 0,
    context.audience === 'friends' ? 1 : 0, context.audience === 'group' ? 1 : 0,
  ];
  let z = gate.bias;
  for (let i = 0; i < columns.length; i++) z += gate.weights[i] * columns[i];
  return 1 / (1 + Math.exp(-z));
}
