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

/** One suggestion from staff (issue 50): what they chose for which question, shown as text, with Accept and Dismiss. */
export interface SuggestionItem {
  questionId: string;
  /** "Staff chose section 5 (Acceptable use) for: <question, names taken out>". */
  text: string;
  /** "Asked 21 Nov". */
  status: string;
}

/**
 * Renders the owners' list: staff's suggestions first (each with Accept and Dismiss), then the unanswered questions,
 * each with its candidate sections and "None of these", under a line of counts (`summary`, no text of any question).
 */
export function renderUnansweredCard(items: readonly UnansweredItem[], notice = '', summary = '', suggestions: readonly SuggestionItem[] = []): AdaptiveCardJson {
  return expandCardTemplate(unansweredTemplate, {
    notice,
    summary,
    suggestions,
    items: items.map((item) => ({
      question: item.question,
      status: item.status,
      choices: [...item.candidates, { title: 'None of these', section: TAUGHT_NOT_COVERED }]
        .map((c) => ({ title: c.title.length > 60 ? `${c.title.slice(0, 59)}…` : c.title, questionId: item.questionId, section: c.section })),
    })),
  });
}

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
