import { Answer, AnswerMatch } from '../../answer/answerQuestion';
import { formatCitationLabel } from '../../policyDocument';
import { AdaptiveCardJson, expandCardTemplate, textLines } from '../../../../teams/cards';
import { sectionKey } from '../../policyLibrary';
import { citationFor } from './policyCardData';
import { timeNotStatedNote } from '../../answer/askedTime';
import { ReportLine, reportLineData } from './reportLine';
import { ConcernOffer, concernOfferData } from './concernOffer';
import template from './templates/answerCard.json';

/** Feedback state shown on an answer card once the person has said whether it helped. */
export interface AnswerFeedbackState {
  given: boolean;
  helpful?: boolean;
  /** False when the card must not ask "Was this helpful?" (an answer under a disclosure offer: nothing of it is kept). */
  asked?: boolean;
  /** What the card says once given, in place of the thanks for feedback (the answer a person chose on a "not sure" reply). */
  message?: string;
}

/** An answer phrased by AI from one of the answer's sections, shown above the policy's own words. */
export interface AnswerCardPhrasing {
  text: string;
  /** The section the phrasing cites (the answer's best match or its close second). */
  cited: AnswerMatch;
}

/**
 * What a reply's buttons carry of a question that is not kept (issue 69): the question sealed, and the send token of the
 * person who asked (teaching/carriedQuestions.ts), so a press draws the reply again and can offer to send it.
 */
export interface CarriedQuestion {
  question: string;
  token: string;
  /** The AI phrasing the answer shows, with the section it cites, sealed: not kept either, it redraws the card. */
  phrasing?: string;
}

/**
 * Renders a quoted, cited answer with "Read the full section", a close second match and "Was this helpful?";
 * when phrased by AI, the phrasing comes first with a note, and the quote and citation stay as they are. A question
 * that asks how long, how soon or how often, answered from a section that states no time, is told so first. With a
 * report line (a question that may be about a particular child), the card leads with it.
 */
export function renderAnswerCard(
  answer: Extract<Answer, { answered: true }>, questionId: string, feedback: AnswerFeedbackState = { given: false },
  phrasing?: AnswerCardPhrasing, reportLine?: ReportLine, concernOffer?: ConcernOffer, carry?: CarriedQuestion,
): AdaptiveCardJson {
  // A phrasing is shown over the quote and citation of the section it cites; when that is the close second,
  // the two swap places, so "check the quote" points at the quote the phrasing rests on.
  const citesSecond = phrasing !== undefined && answer.secondary !== null && phrasing.cited === answer.secondary;
  const best = citesSecond ? answer.secondary! : answer.best;
  const secondary = citesSecond ? answer.best : answer.secondary;
  const timeNote = timeNotStatedNote(answer.question, best.section.text);
  return expandCardTemplate(template, {
    ...reportLineData(reportLine),
    ...concernOfferData(concernOffer),
    documentTitle: best.doc.title,
    hasPhrasing: phrasing !== undefined,
    // The phrasing is the model's words from the policy's: shown as text, line by line (never as markdown).
    phrasedLines: phrasing ? textLines(phrasing.text) : [],
    phrasingNote: phrasing ? `Phrased by AI from ${phrasedFrom(phrasing.cited)}; check the quote.` : '',
    // "how soon must I report it?" answered from a section that sets no time: say so before the nearest rule.
    hasTimeNote: timeNote !== null,
    timeNote: timeNote ?? '',
    quote: best.quote,
    citation: citationFor(best.doc, best.section),
    hasSecondary: secondary !== null,
    secondaryCitation: secondary ? citationFor(secondary.doc, secondary.section) : '',
    secondaryQuote: secondary ? secondary.quote : '',
    // The full section is fetched when asked for (policy.readSection), keeping every answer small.
    hasSection: best.section.ordinal !== 0,
    documentId: best.doc.id,
    sectionKey: sectionKey(best.doc, best.section),
    // The version answered from: after a new one is published, the button still opens the section that was quoted.
    documentVersion: best.doc.metadata.contentHash,
    questionId,
    carriedQuestion: carry?.question ?? '',
    sendToken: carry?.token ?? '',
    carriedPhrasing: carry?.phrasing ?? '',
    feedbackGiven: feedback.given,
    askFeedback: !feedback.given && feedback.asked !== false,
    feedbackMessage: feedback.message !== undefined ? feedback.message : feedback.helpful === false
      ? 'Thanks: I have noted that this did not help. Your line manager can help in the meantime.'
      : 'Thanks for your feedback.',
  });
}

function phrasedFrom(cited: AnswerMatch): string {
  return cited.section.ordinal === 0 ? 'the front page' : `section ${formatCitationLabel(cited.doc, cited.section)}`;
}
