import { headWeights, SentenceEncoder } from '../../../shared/sentenceEncoder';
import { readDisclosureSignals } from './disclosureSignals';

/**
 * Whether a message typed to the bot tells of a child at risk (issue 48). A classifier on the pretrained sentence
 * encoder, fine-tuned on disclosures across the categories of Keeping Children Safe in Education and on ordinary staff
 * questions (research/training/disclosure/), reads the message; its score against two thresholds decides:
 * - **offer**: "Report a concern" comes first, carrying the text; nothing of the message is kept;
 * - **hold back**: the message may be about a particular child. Whatever answer it gets carries "If this is about
 *   something a child told you or showed you, report it now"; nothing of it is kept but the day, and the policy owner
 *   never sees it. A cheap line for a false alarm, a route for every miss. The hold-back threshold sits well below the
 *   offer threshold, and a message that names a pupil or a year group and something that happened or was said is held
 *   back whatever its score (the word-list signals of disclosureSignals.ts).
 * The thresholds are set in training (research/DECISIONS.md, issue 48) and shipped with the head.
 */
export interface DisclosureReading {
  /** Report a concern first: the message reads as a disclosure. */
  offer: boolean;
  /** May be about a particular child: the report line on the answer, nothing kept, never shown to the owner. True whenever `offer` is. */
  holdBack: boolean;
  /** The classifier's probability that the message is a disclosure (0 to 1). */
  score: number;
}

/** Port of the policy feature: reads messages for a disclosure. */
export interface DisclosureDetector {
  /** Reads one message. */
  read(text: string): Promise<DisclosureReading>;
  /** Reads many messages in one pass of the encoder, in order (the owner's list, the CLI). */
  readAll(texts: readonly string[]): Promise<DisclosureReading[]>;
  /**
   * Reads a draft social media post a person is checking (issue 53) with the head learnt against drafts as well as
   * messages: a draft celebrating a named pupil is not a disclosure, though it names a child as one does. Without that
   * head, as `read`.
   */
  readDraft?(text: string): Promise<{ offer: boolean; score: number }>;
}

/** The draft head: a logit over the same vector, and the threshold at or above which Report a concern comes first. */
export interface DraftDisclosureHead { weights: Float32Array; bias: number; threshold: number }

/** Reads heads.json's `draftDisclosure` head (research/training/drafts/fit_disclosure_head.py); undefined when it has none. */
export function parseDraftDisclosureHead(json: unknown, dimensions: number): DraftDisclosureHead | undefined {
  const head = (json as { draftDisclosure?: Record<string, unknown> } | null)?.draftDisclosure;
  if (head === undefined) return undefined;
  const weights = headWeights(head.weights, dimensions);
  if (!weights || typeof head.bias !== 'number' || typeof head.threshold !== 'number') {
    throw new DisclosureHeadError(`The draft disclosure head needs ${dimensions} finite weights, a bias and a threshold`);
  }
  return { weights, bias: head.bias, threshold: head.threshold };
}

/** The classifier's head over the encoder's vector: a logit, and the two thresholds on it. */
export interface DisclosureHead {
  weights: Float32Array;
  bias: number;
  /** Logits: at or above `offer`, Report a concern first; at or above `holdBack`, held back. */
  thresholds: { offer: number; holdBack: number };
  /** Whether the word-list detector's verdict also offers Report a concern (design C in research/DECISIONS.md). */
  wordList: boolean;
}

/** A head file that does not fit the encoder or lacks its thresholds. */
export class DisclosureHeadError extends Error {
  override readonly name = 'DisclosureHeadError';
}

/** Reads the `disclosure` head of the model folder's heads.json, checked against the encoder's vector length. */
export function parseDisclosureHead(json: unknown, dimensions: number): DisclosureHead {
  const head = (json as { disclosure?: Record<string, unknown> } | null)?.disclosure;
  const weights = headWeights(head?.weights, dimensions);
  const thresholds = head?.thresholds as { offer?: unknown; holdBack?: unknown } | undefined;
  if (!weights) {
    throw new DisclosureHeadError(`The disclosure head must have ${dimensions} finite weights, one for each of the encoder's dimensions`);
  }
  if (typeof head?.bias !== 'number' || typeof thresholds?.offer !== 'number' || typeof thresholds?.holdBack !== 'number') {
    throw new DisclosureHeadError('The disclosure head needs a bias and its offer and holdBack thresholds');
  }
  if (thresholds.holdBack > thresholds.offer) throw new DisclosureHeadError('The hold-back threshold must not be above the offer threshold');
  return { weights, bias: head.bias, thresholds: { offer: thresholds.offer, holdBack: thresholds.holdBack }, wordList: head.wordList === true };
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/**
 * A message that names a pupil or a year group ("Year 6", "one of my pupils", "a boy in 3C", a name) and something
 * that happened or was said ("today", "told me", "showed me"): it may be about a particular child, whatever the
 * classifier makes of it.
 */
export function mayBeAboutParticularChild(text: string): boolean {
  const s = readDisclosureSignals(text);
  return s.disclosureLike || (s.child && s.specific && (s.event || s.told));
}

/**
 * The detector over an encoder and a head. If the encoder fails (it never should: the model is loaded and checked at
 * start), the message is held back and offered the report when the word list reads a disclosure: a failure keeps
 * nothing and shows the owner nothing.
 */
export function createDisclosureDetector(
  encoder: SentenceEncoder, head: DisclosureHead, onError: (err: Error) => void = () => undefined, draftHead?: DraftDisclosureHead,
): DisclosureDetector {
  const judge = (text: string, logit: number): DisclosureReading => {
    const offer = logit >= head.thresholds.offer || (head.wordList && readDisclosureSignals(text).disclosureLike);
    return { offer, holdBack: offer || logit >= head.thresholds.holdBack || mayBeAboutParticularChild(text), score: sigmoid(logit) };
  };
  const logitOf = (v: Float32Array, h: { weights: Float32Array; bias: number } = head): number => {
    let sum = h.bias;
    for (let i = 0; i < v.length; i++) sum += v[i] * h.weights[i];
    return sum;
  };
  const readAll = async (texts: readonly string[]): Promise<DisclosureReading[]> => {
    if (texts.length === 0) return [];
    try {
      const vectors = await encoder.encode(texts);
      return texts.map((t, i) => judge(t, logitOf(vectors[i])));
    } catch (err) {
      onError(err as Error);
      return texts.map((t) => ({ offer: readDisclosureSignals(t).disclosureLike, holdBack: true, score: Number.NaN }));
    }
  };
  const read = async (text: string): Promise<DisclosureReading> => (await readAll([text]))[0];
  return {
    readAll,
    read,
    readDraft: async (text) => {
      if (!draftHead) return read(text);
      try {
        const [v] = await encoder.encode([text]);
        const logit = logitOf(v, draftHead);
        return { offer: logit >= draftHead.threshold, score: sigmoid(logit) };
      } catch (err) {
        onError(err as Error);
        return { offer: readDisclosureSignals(text).disclosureLike, score: Number.NaN };
      }
    },
  };
}
