import { Answer } from '../policy/answerQuestion';
import { AdaptiveCardJson, expandCardTemplate } from './cardTemplate';
import { sectionKey } from './contentsCard';
import { citationFor } from './policyCardData';
import template from './templates/answerCard.json';

/** Feedback state shown on an answer card once the person has said whether it helped. */
export interface AnswerFeedbackState {
  given: boolean;
  helpful?: boolean;
}

/** Renders a quoted, cited answer with "Read the full section", a close second match and "Was this helpful?". */
export function renderAnswerCard(answer: Extract<Answer, { answered: true }>, questionId: string, feedback: AnswerFeedbackState = { given: false }): AdaptiveCardJson {
  const { best, secondary } = answer;
  return expandCardTemplate(template, {
    documentTitle: best.doc.title,
    quote: best.quote,
    citation: citationFor(best.doc, best.section),
    hasSecondary: secondary !== null,
    secondaryCitation: secondary ? citationFor(secondary.doc, secondary.section) : '',
    secondaryQuote: secondary ? secondary.quote : '',
    // The full section is fetched when asked for (policy.readSection), keeping every answer small.
    hasSection: best.section.ordinal !== 0,
    documentId: best.doc.id,
    sectionKey: sectionKey(best.section),
    questionId,
    feedbackGiven: feedback.given,
    feedbackMessage: feedback.helpful === false
      ? 'Thanks: I have noted that this did not help, so the policy owner can improve it. Your line manager can help in the meantime.'
      : 'Thanks for your feedback.',
  });
}
