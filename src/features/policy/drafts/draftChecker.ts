import { headWeights, SentenceEncoder } from '../../../shared/sentenceEncoder';
import { isAdviceOnly } from './ruleModality';
import { CONCERN_INFO, ConcernWeight, DRAFT_CONCERNS, DraftConcernId, DraftContext } from './draftConcerns';
import { classesIn, draftSentences, pupilNamesIn, quotePiece, whereAndWhenIn } from './draftEvidence';
import { framedDraft } from './draftFrame';
import { DraftGate, gateProbability } from './draftGate';

/**
 * Checks a draft social media post against the school's own policy (issue 53). A head per concern reads the draft's
 * vector from the draft model (models/drafts, on the shared ONNX adapter); what the person said of the post (a photo
 * of pupils, from a personal account) is read with it and adds what no text shows. Each concern raised is matched to
 * the school's own rule by the rule reader (`ruleFor`, draftRules.ts), so the check works on any school's policy;
 * where the policy has no rule on it, the reply says so rather than borrow another policy's.
 */

/** One concern's head: a logit over the encoder's vector, and the threshold training set on it. */
export interface ConcernHead { weights: Float32Array; bias: number; threshold: number }

/** Every concern's head (heads.json's `drafts`). */
export type DraftHeads = Record<DraftConcernId, ConcernHead>;

/** A head file that does not fit the encoder or lacks a concern. */
export class DraftHeadsError extends Error {
  override readonly name = 'DraftHeadsError';
}

/** Reads heads.json's `drafts` heads, checked against the encoder's vector length and the list of concerns. */
export function parseDraftHeads(json: unknown, dimensions: number): DraftHeads {
  const drafts = (json as { drafts?: Record<string, { weights?: unknown; bias?: unknown; threshold?: unknown }> } | null)?.drafts;
  if (!drafts) throw new DraftHeadsError('heads.json has no drafts heads');
  const heads = {} as DraftHeads;
  for (const id of DRAFT_CONCERNS) {
    const h = drafts[id];
    const weights = headWeights(h?.weights, dimensions);
    if (!weights || typeof h?.bias !== 'number' || typeof h?.threshold !== 'number') {
      throw new DraftHeadsError(`The ${id} head needs ${dimensions} weights, a bias and a threshold`);
    }
    heads[id] = { weights, bias: h.bias, threshold: h.threshold };
  }
  return heads;
}

/** The school's rule on a concern: the sentence, where it is, and in which document. */
export interface PolicyRule {
  quote: string;
  citation: string;
  documentTitle: string;
  /** The section's ordinal in its document (the reader opens it). */
  section: number;
}

/** One concern the draft raised. */
export interface CheckedConcern {
  id: DraftConcernId;
  label: string;
  /** What in the draft (or in what the person said of it) raised it, in plain words and the draft's own. */
  evidence: string[];
  /** The school's rule, or null when its policy has none on this. */
  rule: PolicyRule | null;
  fix: string;
  weight: ConcernWeight;
}

/** Concerns about a child's safety: a stop wherever the school's policy speaks to them, advice included. */
const CHILD_SAFETY: ReadonlySet<DraftConcernId> = new Set(['pupils-identified', 'pupil-images', 'contact']);

/** What to do about a photo of colleagues: theirs to agree to, with no pupil in it. */
const COLLEAGUES_PHOTO_FIX = 'Check everyone in the photo is happy for it to be posted and that no pupil is in it, or leave the photo out.';

/** What to do about a photo of pupils on the school's own account: it is already there, so consent is what to check. */
const SCHOOL_ACCOUNT_PHOTO_FIX = 'Check every pupil in it has photo consent on record, and leave out names with faces, or leave the photo out.';

/** The verdict: nothing in the policy stops it, think twice, or don't post it. */
export type DraftVerdict = 'fine' | 'think' | 'stop';

export interface DraftCheckResult {
  verdict: DraftVerdict;
  concerns: CheckedConcern[];
  /** With a photo or video the images concern did not flag: the school's rule to check it against (the bot cannot see it). */
  photoRule?: PolicyRule | null;
}

export interface DraftCheckerDeps {
  encoder: SentenceEncoder;
  heads: DraftHeads;
  /** The gate (draftGate.ts): whether a draft some head fires on raises anything at all; without one the heads decide. */
  gate?: DraftGate | null;
  /** The school's rule on a concern, found by the rule reader; null when the policy does not cover it. */
  ruleFor(id: DraftConcernId): Promise<PolicyRule | null>;
  /** The school's own names (schoolNamesOf its policy): a draft naming the school does not name a pupil. */
  schoolNames?(): readonly string[];
  /**
   * Another model that points to the evidence: the draft's sentences are read with it, and its heads say which raised a
   * concern most, while `encoder` and `heads` decide the verdict from one read of the whole draft. A larger deciding
   * model then costs one read, whatever the draft's length (research/DECISIONS.md, issue 71, 2026-11-29). Without it the
   * deciding model points too.
   */
  pointer?: { encoder: SentenceEncoder; heads: DraftHeads };
}


const logit = (h: ConcernHead, v: Float32Array): number => {
  let sum = h.bias;
  for (let i = 0; i < v.length; i++) sum += v[i] * h.weights[i];
  return sum;
};

/** A draft is read in the background: a question asked meanwhile, by anyone, is read first (encoderThread.ts). */
const BACKGROUND = { background: true } as const;

/** The checker over the encoder, the heads and the school's rules. */
export function createDraftChecker(deps: DraftCheckerDeps): { check(draft: string, context: DraftContext): Promise<DraftCheckResult> } {
  const { encoder, heads } = deps;
  const pointer = deps.pointer ?? { encoder, heads };

  /** The draft's sentence the concern's head scores highest: what raised it, when no pattern says. */
  const strongestSentence = (id: DraftConcernId, sentences: readonly string[], vectors: readonly Float32Array[]): string => {
    let best = 0;
    vectors.forEach((v, i) => { if (logit(pointer.heads[id], v) > logit(pointer.heads[id], vectors[best])) best = i; });
    return quotePiece(sentences[best]);
  };

  const evidenceFor = async (
    id: DraftConcernId, draft: string, context: DraftContext, sentences: readonly string[], vectors: () => Promise<readonly Float32Array[]>,
  ): Promise<string[]> => {
    if (id === 'pupils-identified') {
      const named = [...pupilNamesIn(draft, deps.schoolNames?.() ?? []).map((n) => `names someone: ${quotePiece(n, 40)}`), ...classesIn(draft).map((c) => `names a class or year: ${quotePiece(c, 20)}`)];
      if (named.length > 0) return named;
    }
    if (id === 'pupil-images' && context.media !== 'none') {
      const who = context.media === 'pupils' ? 'pupils' : 'colleagues';
      return [`a photo or video of ${who}${context.account === 'personal' ? ' from a personal account' : ''}`];
    }
    if (id === 'location-timing') {
      const { when, where } = whereAndWhenIn(draft);
      const said = [...where, ...when];
      if (said.length > 0) return [`says where or when: ${said.slice(0, 3).map((s) => quotePiece(s, 40)).join(', ')}`];
    }
    // One sentence is its own evidence: no model need read it again.
    return [sentences.length > 1 ? strongestSentence(id, sentences, await vectors()) : quotePiece(sentences[0])];
  };

  return {
    async check(draft, context) {
      const sentences = draftSentences(draft);
      // The model reads what the card says of the post before the draft: a photo, which account, who sees it.
      const [whole] = await encoder.encode([framedDraft(draft, context)], BACKGROUND);
      // Each sentence is read only when a concern's evidence is the sentence that raised it most (a draft told fine
      // is read once): the same vectors, each read alone, as when every sentence was read first.
      let parts: Promise<readonly Float32Array[]> | undefined;
      const vectors = (): Promise<readonly Float32Array[]> => (parts ??= pointer.encoder.encode(sentences.map((t) => framedDraft(t, context)), BACKGROUND));
      // The school's own account is where the bot sends school news ("speaking as the school"'s fix), so a draft posted
      // there is not told it speaks for the school (research/DECISIONS.md, issue 53, ninth pass; the thresholds were
      // chosen with the same rule).
      // As fit_gate.py counts it: "speaking as the school" from the school's account is at least 1 under its threshold.
      const margins = DRAFT_CONCERNS.map((id) => {
        const m = logit(heads[id], whole) - heads[id].threshold;
        return id === 'speaking-as-school' && context.account === 'school' ? Math.min(m, -1) : m;
      });
      const fired = DRAFT_CONCERNS.filter((_, i) => margins[i] >= 0);
      // The gate tells a draft that trips a head but raises nothing as a whole that nothing stops it.
      const raised = deps.gate && fired.length > 0 && gateProbability(deps.gate, margins, context) < deps.gate.threshold ? [] : fired;
      const concerns: CheckedConcern[] = [];
      for (const id of raised) {
        const info = CONCERN_INFO[id];
        // A photo of pupils on the school's own account, or of colleagues (adults who can say yes), is for consent to
        // settle, not a stop; for colleagues the fix is theirs to give, not the school account's.
        const consent = id === 'pupil-images' && (context.account === 'school' || context.media === 'colleagues');
        const weight: ConcernWeight = consent ? 'think' : info.weight;
        const fix = id !== 'pupil-images' ? info.fix : context.media === 'colleagues' ? COLLEAGUES_PHOTO_FIX
          : context.account === 'school' ? SCHOOL_ACCOUNT_PHOTO_FIX : info.fix;
        concerns.push({ id, label: info.label, evidence: await evidenceFor(id, draft, context, sentences, vectors), rule: await deps.ruleFor(id), fix, weight });
      }
      // "Don't post this" only where the school's own policy has the rule, and it binds; a concern it has no rule on, or
      // only advice ("you are advised to consider... if in doubt, don't"), is a "think twice". Except a child named or
      // pictured: wherever the policy speaks to it at all, even as advice, it stays a stop (the harm is a child's).
      const binds = (c: CheckedConcern) => c.weight === 'stop' && c.rule !== null && (CHILD_SAFETY.has(c.id) || !isAdviceOnly(c.rule.quote));
      const verdict: DraftVerdict = concerns.some(binds) ? 'stop' : concerns.length > 0 ? 'think' : 'fine';
      // The bot cannot see a photo: when it is not already a concern, the card names the rule to check it against.
      if (context.media !== 'none' && !raised.includes('pupil-images')) return { verdict, concerns, photoRule: await deps.ruleFor('pupil-images') };
      return { verdict, concerns };
    },
  };
}
