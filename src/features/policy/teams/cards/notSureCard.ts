import { Answer, shownMatches } from '../../answer/answerQuestion';
import { FRONT_PAGE_TITLE, formatCitationLabel } from '../../policyDocument';
import { CHOSE_NONE } from '../../teaching/questionLog';
import { AdaptiveCardJson, expandCardTemplate } from '../../../../teams/cards';
import { ConcernOffer, concernOfferData } from './concernOffer';
import { CarriedQuestion } from './answerCard';
import template from './templates/notSureCard.json';
import noneTemplate from './templates/noneChosenCard.json';

/**
 * Renders the reply to a question the ranker is not sure of (issue 50): it says so plainly, then offers up to three
 * sections, each with its heading, its document and the sentence it would quote (text as written, in TextRuns), and
 * "This one", which sends the question's id, the section's key and its token (policy.chooseSection); then "None of
 * these". `tokenFor` gives each choice's token (teaching/offeredChoices.ts: this choice, offered to the person who asked,
 * issue 69). Report a concern comes beside it as beside an answer (issue 52).
 */
export function renderNotSureCard(
  answer: Extract<Answer, { answered: true }>, questionId: string, concernOffer?: ConcernOffer, tokenFor: (section: string) => string = () => '',
  carry?: CarriedQuestion,
): AdaptiveCardJson {
  const carried = { carriedQuestion: carry?.question ?? '', sendToken: carry?.token ?? '' };
  return expandCardTemplate(template, {
    questionId,
    ...carried,
    noneKey: CHOSE_NONE,
    noneToken: tokenFor(CHOSE_NONE),
    choices: shownMatches(answer).map((m) => ({
      heading: m.section.ordinal === 0 ? FRONT_PAGE_TITLE : `Section ${formatCitationLabel(m.doc, m.section)}`,
      documentTitle: m.doc.title,
      quote: m.quote,
      section: `${m.doc.id}#${m.section.ordinal}`,
      // The version the section is numbered in: a press after a new version is published is not taken as the new one's.
      version: m.doc.metadata.contentHash,
      token: tokenFor(`${m.doc.id}#${m.section.ordinal}`),
      questionId,
      ...carried,
    })),
    ...concernOfferData(concernOffer),
  });
}

/** What a "not sure" reply becomes once the person pressed "None of these": noted for the owners, and the next steps. */
export function renderNoneChosenCard(documentTitle: string): AdaptiveCardJson {
  return expandCardTemplate(noneTemplate, { documentTitle });
}
