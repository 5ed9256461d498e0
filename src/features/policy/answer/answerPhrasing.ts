import { Answer, AnswerMatch } from './answerQuestion';
import { formatCitationLabel } from '../policyDocument';
import { analyze, isFramingWord } from './textAnalysis';
import { trimEndMatching, trimStartMatching } from '../../../shared/linearTrim';

/**
 * Optional phrasing of an answer by a language model, grounded only in the sections the extractive answer
 * retrieved. The model must reply in one strict JSON shape (see the phraseAnswer prompt):
 *
 *   {"answer": "<plain answer>", "section": "S1", "quotes": ["<words copied exactly from S1>"]}
 *
 * A reply is used only when it cites a section it was given and every quote (and every double-quoted span
 * in the answer) occurs word for word in that section; otherwise the extractive answer stands.
 */

/** One retrieved section as the model sees it: a short id to cite ("S1"), its label and its text. */
export interface RetrievedSection {
  id: string;
  label: string;
  text: string;
}

/** A model reply that passed the grounding check. */
export interface PhrasedAnswer {
  text: string;
  /** Id of the retrieved section it cites. */
  sectionId: string;
  /** The supporting words, as the model copied them from the cited section. */
  quotes: string[];
}

/** Port: asks a language model to phrase an answer from the given sections only; resolves to its raw reply. */
export interface AnswerPhraser {
  phrase(question: string, sections: readonly RetrievedSection[]): Promise<string>;
}

/** Why a model reply was not used. */
export type GroundingRejection =
  | 'EMPTY' | 'TOO_LONG' | 'MALFORMED' | 'MARKUP' | 'UNCITED' | 'SECTION_NOT_RETRIEVED' | 'NO_QUOTE' | 'QUOTE_TOO_SHORT' | 'QUOTE_NOT_IN_SECTION'
  | 'UNSUPPORTED';

/** Why a phraser call failed before any reply could be checked. */
export type PhrasingErrorCode = 'TIMEOUT' | 'MODEL_ERROR' | 'PROMPT_TOO_LONG';

/** Why the extractive answer was kept. */
export type PhrasingFallbackReason = GroundingRejection | PhrasingErrorCode;

/** The result of the grounding check. */
export type GroundingCheck = { ok: true; answer: PhrasedAnswer } | { ok: false; reason: GroundingRejection };

/** What phraseAnswer decided: a grounded phrasing with the match it cites, or why the extractive answer stands. */
export type PhrasingOutcome =
  | { phrased: true; answer: PhrasedAnswer; cited: AnswerMatch }
  | { phrased: false; reason: PhrasingFallbackReason };

/** An error a phraser adapter throws, with a stable code. */
export class PhrasingError extends Error {
  constructor(readonly code: PhrasingErrorCode, message: string = code) {
    super(message);
    this.name = 'PhrasingError';
  }
}

/** Longest raw reply read; a longer one is not the short JSON object asked for. */
export const MAX_REPLY_CHARS = 4000;
/** Longest phrased answer shown; the card is a quick answer, the quote and section carry the detail. */
export const MAX_PHRASED_ANSWER_CHARS = 700;
/** Fewest words in each part of a quote: a clause, so a quote cannot be a fragment that matches anything ("social media"). */
export const MIN_QUOTE_WORDS = 5;
/**
 * Most of the answer's content words (stemmed, less stopwords) that may come from neither the cited section
 * nor the question: a phrasing restates the section in plain words, so nearly all of what it says is there.
 * A claim the section does not make brings words of its own and is refused.
 */
export const MAX_UNSUPPORTED_SHARE = 0.2;
/**
 * Markup a phrasing may not carry: links, URLs, HTML and Adaptive Card markdown. The card renders TextBlock
 * markdown, and a question in a group chat must not be able to make the bot post a link "phrased from the policy".
 */
const MARKUP = /\]\(|https?:|www\.|<[a-z/!]|\[[^\][]*\]|\*\*|__|^[ \t]*[-*+#>]|`/im;
/** Punctuation and spaces at the ends of a quoted fragment, which do not count towards matching the policy. */
const QUOTE_EDGE = /[\s"'.,;:!?()-]/;

/** A reply wrapped in a Markdown code fence (```json ... ```), without the fence; any other reply as it is. */
function withoutCodeFence(raw: string): string {
  if (raw.length < 6 || !raw.startsWith('```') || !raw.endsWith('```')) return raw;
  const inner = raw.slice(3, -3);
  return (/^json/i.test(inner) ? inner.slice(4) : inner).trim();
}

/** Most section text sent per section; the check is against exactly what was sent. */
export const MAX_SECTION_CHARS = 6000;

type Answered = Extract<Answer, { answered: true }>;

/** The sections a phrasing may draw on: the answer's best match and its close second (the ones the card shows), no more. */
export function retrievedSectionsFor(answer: Answered): { section: RetrievedSection; match: AnswerMatch }[] {
  const matches = answer.secondary ? [answer.best, answer.secondary] : [answer.best];
  return matches.map((match, i) => ({
    match,
    section: {
      id: `S${i + 1}`,
      label: `${formatCitationLabel(match.doc, match.section)} (${match.doc.title})`,
      text: cutAtBoundary(match.section.text, MAX_SECTION_CHARS),
    },
  }));
}

/** Asks the phraser for a grounded answer; any error, timeout or rejected reply keeps the extractive answer. */
export async function phraseAnswer(answer: Answered, phraser: AnswerPhraser): Promise<PhrasingOutcome> {
  const retrieved = retrievedSectionsFor(answer);
  let reply: string;
  try {
    reply = await phraser.phrase(answer.question, retrieved.map((r) => r.section));
  } catch (err) {
    return { phrased: false, reason: err instanceof PhrasingError ? err.code : 'MODEL_ERROR' };
  }
  const check = checkGrounding(reply, retrieved.map((r) => r.section), answer.question);
  if (!check.ok) return { phrased: false, reason: check.reason };
  const cited = retrieved.find((r) => r.section.id === check.answer.sectionId)!.match;
  return { phrased: true, answer: check.answer, cited };
}

/** Checks a model reply against the retrieved sections: strict JSON, one retrieved section cited, every quote verbatim in it. */
export function checkGrounding(reply: string, sections: readonly RetrievedSection[], question = ''): GroundingCheck {
  const raw = reply.trim();
  if (raw === '') return { ok: false, reason: 'EMPTY' };
  if (raw.length > MAX_REPLY_CHARS) return { ok: false, reason: 'TOO_LONG' };
  // Some deployments wrap JSON in a Markdown code fence even when asked not to; that alone is not a reason to refuse.
  const json = withoutCodeFence(raw);
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return { ok: false, reason: 'MALFORMED' };
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return { ok: false, reason: 'MALFORMED' };
  const { answer, section, quotes } = parsed as Record<string, unknown>;
  if (typeof answer !== 'string') return { ok: false, reason: 'MALFORMED' };
  if (section !== undefined && section !== null && typeof section !== 'string') return { ok: false, reason: 'MALFORMED' };
  if (quotes !== undefined && quotes !== null && !(Array.isArray(quotes) && quotes.every((q) => typeof q === 'string'))) {
    return { ok: false, reason: 'MALFORMED' };
  }
  const text = answer.trim().replace(/\s+/g, ' ');
  if (text === '') return { ok: false, reason: 'EMPTY' };
  if (text.length > MAX_PHRASED_ANSWER_CHARS) return { ok: false, reason: 'TOO_LONG' };
  if (MARKUP.test(answer)) return { ok: false, reason: 'MARKUP' };
  const sectionId = typeof section === 'string' ? section.trim().replace(/^\[(.*)\]$/, '$1') : '';
  if (sectionId === '') return { ok: false, reason: 'UNCITED' };
  const cited = sections.find((s) => s.id.toLowerCase() === sectionId.toLowerCase());
  if (!cited) return { ok: false, reason: 'SECTION_NOT_RETRIEVED' };
  const quoted = (quotes ?? []) as string[];
  if (quoted.length === 0) return { ok: false, reason: 'NO_QUOTE' };
  const source = normaliseSection(cited.text);
  for (const q of quoted) {
    const fragments = quoteFragments(q);
    if (fragments.length === 0 || fragments.some((f) => f.split(' ').length < MIN_QUOTE_WORDS)) return { ok: false, reason: 'QUOTE_TOO_SHORT' };
    if (!fragments.every((f) => source.includes(f))) return { ok: false, reason: 'QUOTE_NOT_IN_SECTION' };
  }
  // Words the answer itself puts in double quotes claim to be the policy's words, so they are held to the same rule.
  for (const span of normalise(text).match(/"[^"]+"/g) ?? []) {
    const fragments = quoteFragments(span);
    if (!fragments.every((f) => source.includes(f))) return { ok: false, reason: 'QUOTE_NOT_IN_SECTION' };
  }
  if (unsupportedShare(text, cited.text, question) > MAX_UNSUPPORTED_SHARE) return { ok: false, reason: 'UNSUPPORTED' };
  return { ok: true, answer: { text, sectionId: cited.id, quotes: quoted.map((q) => q.trim()) } };
}

/** Share of the answer's content words found in neither the section nor the question (see MAX_UNSUPPORTED_SHARE). */
function unsupportedShare(answer: string, section: string, question: string): number {
  const known = new Set([...analyze(section), ...analyze(question)]);
  const words = analyze(answer).filter((w) => !isFramingWord(w));
  if (words.length === 0) return 0;
  return words.filter((w) => !known.has(w)).length / words.length;
}

/** Case, Unicode quote and dash forms, ellipses and whitespace do not change what a quote says. */
function normalise(s: string): string {
  return s.normalize('NFKC')
    .replace(/[\u2018\u2019\u201A\u201B\u2032`]/g, "'")
    .replace(/[\u201C\u201D\u201E\u201F\u2033\u00AB\u00BB]/g, '"')
    .replace(/[\u2010-\u2015\u2212]/g, '-')
    .replace(/\u2026/g, '...')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

/** Section text as quotable prose: bullet markers are layout, not words. */
function normaliseSection(text: string): string {
  return normalise(text.replace(/(^|\n)[ \t]*[-\u2022*][ \t]+/g, '$1'));
}

/** The parts of a quote between ellipses, without surrounding quote marks or end punctuation. */
function quoteFragments(quote: string): string[] {
  return normalise(quote)
    .split(/\.{3,}/)
    .map((f) => trimStartMatching(trimEndMatching(f, QUOTE_EDGE), QUOTE_EDGE))
    .filter((f) => f !== '');
}

function cutAtBoundary(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const cut = text.slice(0, limit);
  const at = Math.max(cut.lastIndexOf('\n'), cut.lastIndexOf('. '));
  return cut.slice(0, at > 0 ? at + 1 : limit).trimEnd();
}
