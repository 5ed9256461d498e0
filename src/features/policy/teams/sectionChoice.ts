import { Activity, TurnContext } from 'botbuilder';
import { isPersonal, senderAadObjectId } from '../../../teams/activityFacts';
import { BotApp } from '../../../teams/botFeature';
import { AdaptiveCardJson } from '../../../teams/cards';
import { Verbs } from '../../../teams/verbs';
import { AppLogger } from '../../../shared/logger';
import { answerFromSection } from '../answer/answerQuestion';
import { DisclosureDetector } from '../disclosure/disclosureDetector';
import { PolicyLibrary, sectionByKey } from '../policyLibrary';
import { OfferedChoices } from '../teaching/offeredChoices';
import { CarriedQuestions, sendTokenOf } from '../teaching/carriedQuestions';
import { CHOSE_NONE, QuestionLog, UNSENT } from '../teaching/questionLog';
import { renderAnswerCard } from './cards/answerCard';
import { ConcernOffer } from './cards/concernOffer';
import { renderDisclosureOfferCard } from './cards/disclosureOfferCard';
import { renderNoneChosenCard } from './cards/notSureCard';
import { sendOffer, withSendToOwners } from './cards/sendToOwners';

/** What pressing a choice on a "not sure" reply needs. */
export interface SectionChoiceDeps {
  library: PolicyLibrary;
  questions: QuestionLog;
  /** Reads a kept question again: one that may be about a child is deleted rather than answered with its choice. */
  disclosure: DisclosureDetector;
  /** Checks that a press is one of the choices its card offered, pressed by the person it was offered to. */
  offeredChoices: OfferedChoices;
  /** The question as its card carries it (it is not kept unless its asker sends it, issue 69). */
  carried: CarriedQuestions;
  /** Report a concern of the kind the question speaks of, beside the chosen section's answer as beside any answer (issue 52). */
  concernOffer(ctx: TurnContext, question: string): ConcernOffer | undefined;
  logger: AppLogger;
  now(): Date;
  /** The policy's title as staff see it. */
  title(): string;
}

/** Said to a press whose data is not a question's id and a section's key or "none" (a forged or damaged card). */
export const CHOICE_UNREADABLE = 'Sorry, I could not read that choice. Please ask your question again.';
/** Said to a press on a card whose question is gone (deleted after the retention period) or never offered choices. */
export const CHOICE_QUESTION_GONE = 'Sorry, I could not find that question any more. Please ask it again.';
/** Said to a press naming a section the policy no longer has (a new version was published since the card was sent). */
export const CHOICE_SECTION_GONE = 'The policy has changed since I offered that section, and it is no longer there. Please ask your question again.';
/** Said to a press on choices numbered in a version of the policy that has since been replaced. */
export const CHOICE_POLICY_UPDATED = 'The policy has been updated since I offered these sections, so they may not say what they did. Please ask your question again for choices from the current version.';
/**
 * Said to a press that is not one of its card's own choices from the person who asked: someone else pressing a reply in
 * a shared chat, a section the card did not offer, or a card sent before choices were signed.
 */
export const CHOICE_NOT_OFFERED = 'Sorry, I can only take a choice from the person who asked, and only one of the sections I offered them. '
  + 'Ask your own question to get your own choices.';
/** The line under the chosen section's answer. */
export const CHOICE_NOTED = 'Thanks: your choice is noted. Send your question to the policy owners below and they can teach me this one.';
/** The same line once the question was sent, or when it was kept by an earlier release. */
export const CHOICE_NOTED_SENT = 'Thanks: your choice is noted, so the policy owners can teach me this one.';
/** The line under a section's answer pressed after another choice was kept (a second card, an old one). */
export const CHOICE_KEPT_BEFORE = 'Your first choice on this question is the one kept for the policy owners.';

/** The chosen section's answer to the question, with `message` below it; null when the policy no longer has that section. */
export function chosenSectionCard(
  library: PolicyLibrary, question: string, key: string, questionId: string, message: string, concernOffer?: ConcernOffer,
): AdaptiveCardJson | null {
  const found = sectionByKey(library, key);
  if (!found) return null;
  return renderAnswerCard(answerFromSection(library.index, question, found.doc, found.section), questionId, { given: true, message }, undefined, undefined, concernOffer);
}

/** Who a choice is offered to and pressed by: the person's Entra object id as the channel signs it, or its own id where there is none. */
export function choosingPerson(activity: Partial<Activity>): string {
  return senderAadObjectId(activity) ?? activity.from?.id ?? '';
}

/** A section's key as a choice carries it: a document id and an ordinal ("liverpool-model#7"), or "none". */
const CHOICE_KEY = /^(?:none|[^#\s]{1,100}#\d{1,5})$/;

/**
 * Registers the press of a choice (policy.chooseSection). The card is replaced: by the chosen section's answer (its
 * quote and "Read the full section") or, for "None of these", by the next steps. The choice is kept with the question,
 * sealed, first press only; a second press, or one on an old card, shows the same and keeps nothing more. Only the
 * card's own choices count, from the person who asked (issue 69): anything else keeps nothing and says so.
 */
export function registerSectionChoice(app: BotApp, deps: SectionChoiceDeps): void {
  const { library, questions, logger } = deps;
  app.adaptiveCards.actionExecute<{ questionId?: unknown; section?: unknown; token?: unknown; q?: unknown; t?: unknown; v?: unknown }>(Verbs.chooseSection, async (ctx, _state, data): Promise<AdaptiveCardJson | string> => {
    const id = typeof data?.questionId === 'string' ? data.questionId : '';
    const key = typeof data?.section === 'string' ? data.section : '';
    if (id === '' || id.length > 64 || !CHOICE_KEY.test(key)) return CHOICE_UNREADABLE;
    const asked = await questions.getQuestion(id);
    // Only a reply that offered choices has them: a press naming a question answered with one section is not from its card.
    if (!asked || asked.sure) return CHOICE_QUESTION_GONE;
    if (!deps.offeredChoices.offered(id, choosingPerson(ctx.activity), key, data?.token)) {
      logger.warn({ event: 'question.choiceRefused', questionId: id }, 'a choice that its card did not offer to this person was refused');
      return CHOICE_NOT_OFFERED;
    }
    // The question as asked: carried by the card (a question is not kept unless its asker sends it), or kept by an earlier release.
    const unsent = asked.question === UNSENT;
    const question = unsent ? deps.carried.open(data?.q, id) : asked.question;
    if (question === null) return CHOICE_UNREADABLE;
    // A question an earlier release (or model) kept that may be about a child: deleted, its day counted, the report first.
    if (!unsent && (await deps.disclosure.read(asked.question)).holdBack) {
      await questions.forgetQuestion(id);
      logger.info({ event: 'question.forgotten', reason: 'heldBack' }, 'a kept question that may be about a child was deleted');
      return renderDisclosureOfferCard({ policyAnswerFollows: false });
    }
    const found = key === CHOSE_NONE ? null : sectionByKey(library, key);
    if (key !== CHOSE_NONE && !found) return CHOICE_SECTION_GONE;
    // Section keys are ordinals of the version the card was answered from: after a new version, the same number is
    // another section, so nothing is kept or answered from it. (Cards sent before choices carried their version say none.)
    if (found && typeof data?.v === 'string' && data.v !== '' && data.v !== found.doc.metadata.contentHash) return CHOICE_POLICY_UPDATED;
    const kept = await questions.recordChoice(id, key, deps.now().toISOString());
    if (!kept) return CHOICE_QUESTION_GONE;
    // Which section was chosen is kept sealed with the question: the log says only that a choice was made.
    logger.info({ event: 'question.choice', questionId: id, none: key === CHOSE_NONE, first: kept.section === key }, 'a choice was pressed on a "not sure" reply');
    // The asker may send their question to the owners with the choice kept (the token their card carries says it is theirs).
    const token = sendTokenOf(data?.t);
    const send = unsent && token
      ? sendOffer({ questionId: id, token, carried: String(data.q), ...(key === CHOSE_NONE ? { view: 'none' } : { view: 'chosen', section: key }) }, question, isPersonal(ctx.activity))
      : undefined;
    if (!found) return withSendToOwners(renderNoneChosenCard(deps.title()), send);
    const message = kept.section !== key ? CHOICE_KEPT_BEFORE : send ? CHOICE_NOTED : CHOICE_NOTED_SENT;
    return withSendToOwners(chosenSectionCard(library, question, key, id, message, deps.concernOffer(ctx, question))!, send);
  });
}
