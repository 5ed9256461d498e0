import { headWeights, SentenceEncoder } from '../../../shared/sentenceEncoder';
import { splitSentences } from '../answer/passages';
import { DisclosureSignals, readDisclosureSignals } from './disclosureSignals';

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
  /** May be about a particular child: nothing kept, never shown to the owner. True whenever `offer` is. */
  holdBack: boolean;
  /**
   * Of the held-back messages, those whose answer leads with the report line ("If this is about something a child told
   * you...") and its Report a concern (issue 70: the line on fewer ordinary questions, the question still kept from the
   * owners). Absent: every held-back message has it.
   */
  reportLine?: boolean;
  /**
   * The logit reaches the head's lower bar for questions that name or place someone (`thresholds.named`, issue 69): such
   * a question is answered as usual but never kept for the owners (teaching/keeping.ts). Absent where the head has no
   * such bar.
   */
  nearHoldBack?: boolean;
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
   * messages: a draft celebrating a named pupil is not a disclosure, though it names a child as one does. The whole
   * draft is read (issue 69): a long one in windows of a few sentences as well as whole (the model reads 128 tokens), so a
   * disclosure after a page of ordinary news is read too. `offer` (the whole draft reads as a disclosure): Report a
   * concern first, instead of the verdict; `holdBack` (a window of it does, or the word list reads it as telling of
   * something a child said or showed, the signals a question is held back on): the verdict leads with the report line
   * and its Report a concern. Without the draft head, as `read`.
   */
  readDraft?(text: string): Promise<{ offer: boolean; holdBack: boolean; score: number }>;
}

/** A draft longer than this is also read in windows of whole sentences up to this length (about 100 tokens). */
export const DRAFT_WINDOW_CHARS = 400;

/**
 * What of a draft the model reads: the draft itself, and when it is longer than DRAFT_WINDOW_CHARS, its sentences in
 * windows of up to that length (a sentence longer than that in pieces cut at spaces), so nothing past the model's 128
 * tokens goes unread. Linear in the draft's length.
 */
export function draftWindows(text: string): string[] {
  if (text.length <= DRAFT_WINDOW_CHARS) return [text];
  const pieces: string[] = [];
  for (const sentence of splitSentences(text).map((s) => s.trim()).filter((s) => s.length > 0)) {
    if (sentence.length <= DRAFT_WINDOW_CHARS) { pieces.push(sentence); continue; }
    let rest = sentence;
    while (rest.length > DRAFT_WINDOW_CHARS) {
      const space = rest.lastIndexOf(' ', DRAFT_WINDOW_CHARS);
      const cut = space > DRAFT_WINDOW_CHARS / 2 ? space : DRAFT_WINDOW_CHARS;
      pieces.push(rest.slice(0, cut).trim());
      rest = rest.slice(cut).trim();
    }
    if (rest) pieces.push(rest);
  }
  const windows: string[] = [text];
  let current = '';
  for (const piece of pieces) {
    if (current && current.length + 1 + piece.length > DRAFT_WINDOW_CHARS) {
      windows.push(current);
      current = piece;
    } else current = current ? `${current} ${piece}` : piece;
  }
  if (current) windows.push(current);
  return windows;
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
  /**
   * Logits: at or above `offer`, Report a concern first; at or above `holdBack`, held back; at or above `reportLine`
   * (between the two; absent, `holdBack`), the report line on the answer as well; at or above `named` (below `holdBack`),
   * a question that names or places someone is not kept for the owners.
   */
  thresholds: { offer: number; holdBack: number; reportLine?: number; named?: number };
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
  const thresholds = head?.thresholds as { offer?: unknown; holdBack?: unknown; reportLine?: unknown; named?: unknown } | undefined;
  if (!weights) {
    throw new DisclosureHeadError(`The disclosure head must have ${dimensions} finite weights, one for each of the encoder's dimensions`);
  }
  if (typeof head?.bias !== 'number' || typeof thresholds?.offer !== 'number' || typeof thresholds?.holdBack !== 'number') {
    throw new DisclosureHeadError('The disclosure head needs a bias and its offer and holdBack thresholds');
  }
  if (thresholds.holdBack > thresholds.offer) throw new DisclosureHeadError('The hold-back threshold must not be above the offer threshold');
  const line = thresholds.reportLine;
  if (line !== undefined && (typeof line !== 'number' || !Number.isFinite(line) || line < thresholds.holdBack || line > thresholds.offer)) {
    throw new DisclosureHeadError('The report line threshold must lie between the hold-back and offer thresholds');
  }
  const named = thresholds.named;
  if (named !== undefined && (typeof named !== 'number' || !Number.isFinite(named) || named > thresholds.holdBack)) {
    throw new DisclosureHeadError('The threshold for questions that name someone must be a number at or below the hold-back threshold');
  }
  return {
    weights, bias: head.bias, wordList: head.wordList === true,
    thresholds: {
      offer: thresholds.offer, holdBack: thresholds.holdBack, ...(line === undefined ? {} : { reportLine: line }),
      ...(named === undefined ? {} : { named }),
    },
  };
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/**
 * A message that names a pupil or a year group ("Year 6", "one of my pupils", "a boy in 3C", a name) and something
 * that happened or was said ("today", "told me", "showed me"); or that names or places someone ("Lily Rose", "4 Oak",
 * "hedgehogs class", "Y9", an address) and something that happened to them (in hospital, a care placement, arrested,
 * off sick, an injury: issue 69): it may be about a particular child, whatever the classifier makes of it.
 */
export function mayBeAboutParticularChild(text: string): boolean {
  return signalsAboutParticularChild(readDisclosureSignals(text));
}

/** mayBeAboutParticularChild on signals already read. */
function signalsAboutParticularChild(s: DisclosureSignals): boolean {
  return s.disclosureLike || (s.child && s.specific && (s.event || s.told)) || (s.identified && s.happened);
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
    // Read once, and only when needed (the words' signals cost more than the rest on a long message).
    let read: DisclosureSignals | undefined;
    const signals = (): DisclosureSignals => (read ??= readDisclosureSignals(text));
    const offer = logit >= head.thresholds.offer || (head.wordList && signals().disclosureLike);
    const reportLine = offer || logit >= (head.thresholds.reportLine ?? head.thresholds.holdBack) || signalsAboutParticularChild(signals());
    const named = head.thresholds.named;
    return {
      offer, holdBack: reportLine || logit >= head.thresholds.holdBack, reportLine, score: sigmoid(logit),
      ...(named === undefined ? {} : { nearHoldBack: logit >= named }),
    };
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
      const signals = readDisclosureSignals(text).disclosureLike;
      try {
        // Read in the background: a question asked meanwhile is read first (the encoder runs one text at a time).
        const [whole, ...windows] = (await encoder.encode(draftWindows(text), { background: true })).map((v) => logitOf(v, draftHead));
        // The head's threshold was chosen on whole drafts: the whole draft over it offers Report a concern first; a window
        // of a long draft over it leads the verdict with the report line, as the word list's signals do.
        const offer = whole >= draftHead.threshold;
        const windowOver = windows.some((logit) => logit >= draftHead.threshold);
        return { offer, holdBack: offer || windowOver || signals, score: sigmoid(Math.max(whole, ...windows)) };
      } catch (err) {
        onError(err as Error);
        return { offer: signals, holdBack: true, score: Number.NaN };
      }
    },
  };
}
