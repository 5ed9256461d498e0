import { DisclosureDetector } from '../disclosure/disclosureDetector';
import { AskedQuestion, QuestionLog } from './questionLog';
import { redactNames } from './redactNames';

/** What a policy owner may see of the questions the policy failed, and how many were held back. */
export interface FailedQuestionsForOwner {
  /** Not covered or marked not helpful, newest first, with people's names and similar identifiers taken out. */
  shown: AskedQuestion[];
  /** Kept questions that read as possibly about a child: deleted now (their day counted), never shown. */
  heldBack: number;
}

/**
 * The questions the policy failed, as a policy owner sees them in `unanswered` (the card and the CLI). Each kept
 * question is read again by the disclosure detector: one that may be about a child (kept by an earlier release or
 * read differently by an earlier model) is deleted with its replies, leaving its day as a held-back count, and never
 * shown. The others are shown with names taken out (redactNames). `skip` leaves out questions already taught.
 */
export async function failedQuestionsForOwner(
  questions: QuestionLog, disclosure: DisclosureDetector, limit: number, skip: (q: AskedQuestion) => boolean = () => false,
): Promise<FailedQuestionsForOwner> {
  const failed = (await questions.listFailed(limit)).filter((q) => !skip(q));
  const readings = await disclosure.readAll(failed.map((q) => q.question));
  const shown: AskedQuestion[] = [];
  let heldBack = 0;
  for (const [i, q] of failed.entries()) {
    if (!readings[i].holdBack) shown.push({ ...q, question: redactNames(q.question) });
    else if (await questions.forgetQuestion(q.id)) heldBack++;
  }
  return { shown, heldBack };
}
