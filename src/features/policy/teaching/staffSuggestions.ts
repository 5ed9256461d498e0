import { DisclosureDetector } from '../disclosure/disclosureDetector';
import { PolicyLibrary, sectionByKey } from '../policyLibrary';
import { AskedQuestion, CHOSE_NONE, QuestionLog, UNSENT } from './questionLog';
import { redactNames } from './redactNames';
import { TeachingLink, TeachingLinkStore } from './teachingLinks';

/**
 * Staff's choices as suggestions to the owners (issue 50), the way QnA Maker's active learning suggests alternatives:
 * when the bot was not sure and a person chose one of the sections it offered, owners see "Staff chose section N
 * (heading) for: <question>" in `unanswered` (the card and the CLI), and Accept it (the teaching link the owner's own
 * teach action makes: the question, names taken out, and its close rewordings get that section) or Dismiss it (the
 * suggestion goes; the question stays kept, sealed, until retention deletes it).
 */
export interface SuggestionDeps {
  questions: QuestionLog;
  /** Reads a kept question again before it is copied into a link: one that may be about a child is deleted instead. */
  disclosure: DisclosureDetector;
  library: PolicyLibrary;
}

/** What an owner's Accept or Dismiss came to. */
export type SuggestionOutcome =
  | { outcome: 'accepted'; link: TeachingLink }
  | { outcome: 'dismissed' }
  /** Accepted or dismissed already (another press, another owner): nothing was done twice. */
  | { outcome: 'settled' }
  /** No such question (deleted by retention, or held back as possibly about a child), or none chosen on it. */
  | { outcome: 'notFound' }
  /** The section chosen is not in the policy any more (a new version was published since): nothing is linked. */
  | { outcome: 'sectionGone' };

/**
 * How a suggestion names the section chosen: "section 5 (Acceptable use)", "section \"3. Roles › Individuals\"" for an
 * unnumbered one, "the front page"; with the document's title when the school has more than one. Null when the policy
 * no longer has it.
 */
export function chosenSectionWords(library: PolicyLibrary, key: string): string | null {
  const found = sectionByKey(library, key);
  if (!found) return null;
  const { doc, section } = found;
  const parent = section.number === null && section.parent !== null ? doc.sections.find((s) => s.ordinal === section.parent) : undefined;
  const words = section.ordinal === 0 ? 'the front page'
    : section.number ? `section ${section.number.replace(/\.$/, '')} (${section.title})`
      : parent?.number ? `section ${parent.number.replace(/\.$/, '')} (${parent.title} › ${section.title})`
        : `the section "${section.title}"`;
  return library.documents.length > 1 ? `${words} of ${doc.title}` : words;
}

/** "Staff chose section 5 (Acceptable use) for: <question>": one suggestion as owners read it (the question with names taken out). */
export function suggestionText(library: PolicyLibrary, q: AskedQuestion): string {
  const words = q.choice ? chosenSectionWords(library, q.choice.section) : null;
  return `Staff chose ${words ?? 'a section this version of the policy no longer has'} for: ${q.question}`;
}

/**
 * Accepts a suggestion: the owner's teaching link from the question (names taken out, as the owners saw it) to the
 * section staff chose. One press settles it first, so two owners pressing at once make one link.
 */
export async function acceptSuggestion(deps: SuggestionDeps & { teaching: TeachingLinkStore }, questionId: string, by: string, at: string): Promise<SuggestionOutcome> {
  const asked = await openSuggestion(deps, questionId);
  if ('outcome' in asked) return asked;
  const section = asked.choice!.section;
  if (!sectionByKey(deps.library, section)) return { outcome: 'sectionGone' };
  if (!(await deps.questions.settleSuggestion(asked.id, 'accepted'))) return { outcome: 'settled' };
  const link = await deps.teaching.add({ question: redactNames(asked.question), section, taughtBy: by, taughtAt: at });
  return { outcome: 'accepted', link };
}

/** Dismisses a suggestion: it leaves the owners' list; the question stays kept as it was. */
export async function dismissSuggestion(deps: SuggestionDeps, questionId: string): Promise<SuggestionOutcome> {
  const asked = await openSuggestion(deps, questionId);
  if ('outcome' in asked) return asked;
  return (await deps.questions.settleSuggestion(asked.id, 'dismissed')) ? { outcome: 'dismissed' } : { outcome: 'settled' };
}

/**
 * The question behind a suggestion, when it still has an open one. A question that may be about a child (kept by an
 * earlier release or read differently by an earlier model) is deleted, its day counted, and reads as not found.
 */
async function openSuggestion(deps: SuggestionDeps, questionId: string): Promise<AskedQuestion | SuggestionOutcome> {
  const asked = questionId ? await deps.questions.getQuestion(questionId) : null;
  // A question nobody sent to the owners has no text to teach: it is not theirs to act on (issue 69).
  if (!asked?.choice || asked.choice.section === CHOSE_NONE || asked.question === UNSENT) return { outcome: 'notFound' };
  if ((await deps.disclosure.read(asked.question)).holdBack) {
    await deps.questions.forgetQuestion(asked.id);
    return { outcome: 'notFound' };
  }
  return asked.choice.review === 'open' ? asked : { outcome: 'settled' };
}
