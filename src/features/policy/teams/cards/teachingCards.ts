import { TAUGHT_NOT_COVERED } from '../../answer/answerQuestion';
import { AdaptiveCardJson, expandCardTemplate } from '../../../../teams/cards';
import taughtTemplate from './templates/taughtCard.json';
import unansweredTemplate from './templates/unansweredCard.json';

/** One question for the owner to teach: its text (shown as typed, never as markup) and the sections to pick from. */
export interface UnansweredItem {
  questionId: string;
  question: string;
  /** "Not covered, 21 Nov" or "Marked not helpful, 21 Nov". */
  status: string;
  /** The model's three best candidate sections: a button label and the section key. */
  candidates: { title: string; section: string }[];
}

/** What the owners' list names the choice that teaches "the policy doesn't cover that" (it is not "none of these three"). */
export const NOT_COVERED_CHOICE = 'The policy doesn\'t cover it';

/** One suggestion from staff (issue 50): what they chose for which question, shown as text, with Accept and Dismiss. */
export interface SuggestionItem {
  questionId: string;
  /** "Staff chose section 5 (Acceptable use) for: <question, names taken out>". */
  text: string;
  /** "Asked 21 Nov". */
  status: string;
}

/** Where a page of the unanswered questions starts (0: the newest), how many a page holds, and whether older ones follow. */
export interface UnansweredPage {
  offset: number;
  pageSize: number;
  more: boolean;
}

/**
 * Renders the owners' list: staff's suggestions first (each with Accept and Dismiss), then a page of the unanswered
 * questions, each with its candidate sections and "None of these", under a line of counts (`summary`, no text of any
 * question); Previous and Next reach the rest, as the campaign status card pages its people.
 */
export function renderUnansweredCard(
  items: readonly UnansweredItem[], notice = '', summary = '', suggestions: readonly SuggestionItem[] = [],
  page: UnansweredPage = { offset: 0, pageSize: items.length, more: false },
  sections: readonly { title: string; section: string }[] = [],
): AdaptiveCardJson {
  const paged = page.offset > 0 || page.more;
  return expandCardTemplate(unansweredTemplate, {
    notice,
    summary,
    suggestions,
    // "Questions 9–16 (newest first)", once there is more than one page.
    pageWords: paged && items.length > 0 ? `Questions ${page.offset + 1}\u2013${page.offset + items.length} (newest first)` : '',
    hasPrevious: page.offset > 0,
    hasNext: page.more,
    previousOffset: Math.max(0, page.offset - page.pageSize),
    nextOffset: page.offset + page.pageSize,
    pageSize: page.pageSize,
    // Every section of the live policy, for "Another section": the right one may not be among the three the model found.
    sections: sections.map((c) => ({ title: shortTitle(c.title), section: c.section })),
    hasSections: sections.length > 0,
    items: items.map((item) => ({
      questionId: item.questionId,
      question: item.question,
      status: item.status,
      // The page rides with each choice, so teaching one keeps the owner on the page they were reading.
      choices: [...item.candidates, { title: NOT_COVERED_CHOICE, section: TAUGHT_NOT_COVERED }]
        .map((c) => ({ title: shortTitle(c.title), questionId: item.questionId, section: c.section, offset: page.offset })),
      questionTitle: item.question.length > 80 ? `${item.question.slice(0, 79)}…` : item.question,
    })),
    otherOffset: page.offset,
  });
}

const shortTitle = (title: string): string => (title.length > 60 ? `${title.slice(0, 59)}…` : title);

/** The inputs of the owners' "Another section": which question, and which section answers it. */
export const OTHER_QUESTION_INPUT = 'otherQuestion';
export const OTHER_SECTION_INPUT = 'otherSection';

/** One link as the owners see it. */
export interface TaughtItem {
  linkId: string;
  question: string;
  /** "→ 5. Acceptable use, by A Owner on 21 Nov" or "→ not covered by the policy, ...". */
  answer: string;
}

/** Renders the list of taught links, each with a Remove button. */
export function renderTaughtCard(items: readonly TaughtItem[], notice = ''): AdaptiveCardJson {
  return expandCardTemplate(taughtTemplate, { notice, items });
}
