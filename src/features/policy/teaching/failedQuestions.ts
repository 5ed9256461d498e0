import { DisclosureDetector } from '../disclosure/disclosureDetector';
import { AskedQuestion, QuestionLog } from './questionLog';
import { redactNames } from './redactNames';
import { mayKeepReading } from './keeping';

/** What a policy owner may see of the questions the policy failed and staff's suggestions, and how many were held back. */
export interface FailedQuestionsForOwner {
  /** Not covered, marked not helpful or "None of these", newest first, with people's names and similar identifiers taken out. */
  shown: AskedQuestion[];
  /** Questions the bot was not sure of where staff chose a section (issue 50), newest first, names taken out. */
  suggested: AskedQuestion[];
  /** Kept questions that read as possibly about a child: deleted now (their day counted), never shown. */
  heldBack: number;
}

/**
 * The questions the policy failed and staff's suggestions, as a policy owner sees them in `unanswered` (the card and the
 * CLI). Each kept question is read again by the disclosure detector: one that may be about a child (kept by an earlier
 * release or read differently by an earlier model), that says something happened to someone, or that names or places
 * someone and reads close to the hold-back bar (keeping.ts), is deleted
 * with its replies and its choice, leaving its day as a held-back count, and never shown. The others are shown with names taken out (redactNames). `skip` leaves out failed
 * questions already taught.
 */
export async function failedQuestionsForOwner(
  questions: QuestionLog, disclosure: DisclosureDetector, limit: number, skip: (q: AskedQuestion) => boolean = () => false,
): Promise<FailedQuestionsForOwner> {
  const failed = (await questions.listFailed(limit)).filter((q) => !skip(q));
  const suggested = await questions.listSuggested(limit);
  const readings = await disclosure.readAll([...failed, ...suggested].map((q) => q.question));
  const out: FailedQuestionsForOwner = { shown: [], suggested: [], heldBack: 0 };
  for (const [i, q] of [...failed, ...suggested].entries()) {
    if (mayKeepReading(q.question, readings[i])) (i < failed.length ? out.shown : out.suggested).push({ ...q, question: redactNames(q.question) });
    else if (await questions.forgetQuestion(q.id)) out.heldBack++;
  }
  return out;
}

/**
 * How the owners' counts say that questions were held back, as a whole sentence with its own subject, so that one or
 * many reads right: "A question was held back 2 times (not kept, never shown) because ...". Each time is counted: nothing
 * of a held-back question is kept, so the same question edited and sent again cannot be told from another.
 */
export function heldBackSentence(count: number): string {
  return count === 1
    ? 'A question was held back once (not kept, never shown) because it may be about a particular child or what happened to someone.'
    : `Questions were held back ${count} times (not kept, never shown; an edited question sent again counts again) because they may be about a particular child or what happened to someone.`;
}
