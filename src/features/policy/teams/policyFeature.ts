import { ActivityTypes, TurnContext } from 'botbuilder';
import { smallTalkOf, smallTalkReply } from '../answer/smallTalk';
import { isPersonal, isPolicyOwner } from '../../../teams/activityFacts';
import { BotApp, BotFeature } from '../../../teams/botFeature';
import { AdaptiveCardJson, cardMessage } from '../../../teams/cards';
import { Verbs } from '../../../teams/verbs';
import { AppLogger } from '../../../shared/logger';
import { AnswerPhraser, phraseAnswer } from '../answer/answerPhrasing';
import { Answer, answerQuestionReranked, DEFAULT_THRESHOLDS } from '../answer/answerQuestion';
import { Reranker } from '../answer/rerank';
import { DisclosureDetector } from '../disclosure/disclosureDetector';
import { readConcernCue } from '../reportOffer/concernCue';
import { formatCitationLabel, PolicyDocument } from '../policyDocument';
import { findSection, findSectionIn, PolicyLibrary } from '../policyLibrary';
import { createOfferedChoices } from '../teaching/offeredChoices';
import { createCarriedQuestions, sendTokenOf } from '../teaching/carriedQuestions';
import { keepingReader, mayKeepQuestion, namedNearTheBar } from '../teaching/keeping';
import { AskedQuestion, QuestionLog, UNSENT } from '../teaching/questionLog';
import { TeachingLinkStore } from '../teaching/teachingLinks';
import { AnswerCardPhrasing, AnswerFeedbackState, CarriedQuestion, renderAnswerCard } from './cards/answerCard';
import { ConcernOffer } from './cards/concernOffer';
import { renderContentsCard } from './cards/contentsCard';
import { renderDisclosureOfferCard } from './cards/disclosureOfferCard';
import { renderHelpCard } from './cards/helpCard';
import { renderNotCoveredCard } from './cards/notCoveredCard';
import { renderNoneChosenCard, renderNotSureCard } from './cards/notSureCard';
import { sendOffer, SendView, withSendToOwners } from './cards/sendToOwners';
import { registerQuestionSending } from './questionSending';
import { renderSectionCard } from './cards/sectionCard';
import { renderWelcomeCard } from './cards/welcomeCard';
import { createOwnerTeaching } from './ownerTeaching';
import { registerDraftChecking } from './draftChecking';
import { registerSectionCommand } from './sectionCommand';
import { CHOICE_KEPT_BEFORE, CHOICE_NOTED_SENT, choosingPerson, chosenSectionCard, registerSectionChoice } from './sectionChoice';
import { DraftCheckResult } from '../drafts/draftChecker';
import { DraftContext } from '../drafts/draftConcerns';
import { SchoolRuleBook } from '../drafts/draftRules';

/** What policy questions and the owners' policy commands need: the indexed policy, the question log, who owns it. */
export interface PolicyFeatureDeps {
  library: PolicyLibrary;
  questions: QuestionLog;
  /** Reads each message for a disclosure about a child before anything else is done with it. */
  disclosure: DisclosureDetector;
  policyOwners: readonly string[];
  logger: AppLogger;
  /** Optional AI phrasing of answers (Azure OpenAI); without it answers are extractive only. */
  phraser?: AnswerPhraser;
  /** Where owners' teaching links and the teaching audit are kept; without it `unanswered` lists questions but nothing can be taught. */
  teaching?: TeachingLinkStore;
  now?: () => Date;
  /** Lines owners must see first in `help` (the safeguarding route's check, from the concerns feature). */
  ownerNotices?: () => string[];
  /** Whether the asker is on the safeguarding team (the concerns feature): `help` then lists the team's commands too. */
  onSafeguardingTeam?: (aadObjectId: string) => boolean;
  /** Checks a draft post against the policy (issue 53); without it `check my post` is not offered. */
  drafts?: { check(draft: string, context: DraftContext): Promise<DraftCheckResult>; rules?: SchoolRuleBook };
  /** The cross-encoder that re-reads the answering stack's top sections (issue 50); without it the stack alone answers. */
  reranker?: Reranker;
  /**
   * A version of a policy by its content hash, the live one or one published before (LiveVersions.document): "Read the
   * full section" on an answer given before a new version opens the section that answer quoted.
   */
  version?: (policyId: string, versionHash: string) => Promise<PolicyDocument | undefined>;
  /**
   * The key a "not sure" reply's choices are signed with (offeredChoicesKey of the concern key, so every instance checks
   * what any sent); without it a fresh one, which only this process checks.
   */
  choiceKey?: Buffer;
}

const MAX_QUESTION_CHARS = 500;
/**
 * The most of one message that is read: Teams sends at most about 28 KB; the disclosure reading takes all of what is read
 * (a disclosure can come after a long paste), so nothing longer than Teams could send is read at all.
 */
const MAX_MESSAGE_CHARS = 30_000;
/** What a disclosure-like message may carry into the concern form's "What happened" (the form's own limit is larger). */
const MAX_CARRIED_CHARS = 4000;

/**
 * What staff are told while the school's policy has not been added (POLICY_FILES empty and nothing sent in chat yet):
 * who to ask, never an answer from nowhere.
 */
export const NO_POLICY_YET_REPLY = 'The school\'s policy has not been added to me yet, so I cannot answer from it. Ask one of the policy '
  + 'owners (the headteacher or the senior leader responsible for the policy) or your line manager. If you are worried about a child '
  + 'or about something online, report a concern now.';
/** The same, for a question that may be about a particular child: nothing of it is kept, and it says so. */
export const NO_POLICY_YET_HELD_BACK_REPLY = 'If this is about something a child told you or showed you, report it now: type **report a concern** '
  + '(it goes only to the safeguarding team). I have not kept your question. The school\'s policy has not been added to me yet, so I '
  + 'cannot answer from it: ask one of the policy owners or your line manager.';
/** The same, for a question that says something happened to someone (teaching/keeping.ts): not kept, and it says so. */
export const NO_POLICY_YET_NOT_KEPT_REPLY = 'The school\'s policy has not been added to me yet, so I cannot answer from it: ask one of the policy owners '
  + 'or your line manager. I have not kept your question. If you are worried about a child, type **report a concern**.';
/** The first line of owners' help while there is no policy. */
export const NO_POLICY_OWNER_NOTICE = 'No policy yet: send the school\'s policy (.docx, .pdf, .txt or .md) to me here to add it.';
/** Staff's help, `contents` and `section` while there is no policy. */
export const NO_POLICY_STAFF_NOTICE = 'The school\'s policy has not been added to me yet: ask the policy owners or your line manager about it.';
/** How the policy is named while there is none (the welcome card, help). */
const NO_POLICY_TITLE = 'the school\'s policy';

/** The reply to a question before the policy has been added, as a card the offer to send it sits on. */
function noPolicyCard(): AdaptiveCardJson {
  return { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: NO_POLICY_YET_REPLY, wrap: true }] };
}

/** The question log's key for a cited section: "liverpool-model#7". */
function citedSectionKey(match: { doc: { id: string }; section: { ordinal: number } }): string {
  return `${match.doc.id}#${match.section.ordinal}`;
}

/**
 * Policy questions in chat, and the policy commands: help, contents, section, the feedback verb, and the owners'
 * teaching (ownerTeaching.ts). A question that reads as a disclosure about a child gets "Report a concern" first and is
 * not kept. It registers the catch-all for messages, so it is registered last.
 */
export function createPolicyFeature(deps: PolicyFeatureDeps): BotFeature {
  const { library, questions, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const isOwner = (ctx: TurnContext): boolean => isPolicyOwner(deps.policyOwners, ctx.activity);
  // Read afresh each time: an owner may publish a new version while the bot runs.
  const title = (): string => library.primary?.title ?? NO_POLICY_TITLE;
  const noPolicyNotice = (ctx: TurnContext): string => (isOwner(ctx) ? NO_POLICY_OWNER_NOTICE : NO_POLICY_STAFF_NOTICE);
  /** Help: with no policy, owners first read how to add it and staff that it has not been added. */
  const helpCard = (ctx: TurnContext) => {
    const owner = isOwner(ctx);
    const none = library.primary === undefined;
    const ownerNotices = owner ? [...(none ? [NO_POLICY_OWNER_NOTICE] : []), ...(deps.ownerNotices?.() ?? [])] : [];
    const id = ctx.activity.from?.aadObjectId;
    const team = id !== undefined && deps.onSafeguardingTeam?.(id) === true;
    return renderHelpCard(title(), owner, library.primary?.warnings ?? [], ownerNotices, none && !owner ? [NO_POLICY_STAFF_NOTICE] : [], { team, rules: deps.drafts?.rules !== undefined });
  };
  const offeredChoices = createOfferedChoices(deps.choiceKey);
  // A question is not kept unless its asker sends it (issue 69): its reply's buttons carry it, sealed.
  const carried = createCarriedQuestions(deps.choiceKey);
  const carryFor = (ctx: TurnContext, id: string, question: string, phrasing?: AskedQuestion['phrasing']): CarriedQuestion => ({
    question: carried.seal(question, id), token: carried.sendToken(id, choosingPerson(ctx.activity)),
    ...(phrasing ? { phrasing: carried.seal(JSON.stringify(phrasing), id, 'phrasing') } : {}),
  });
  /** The AI phrasing a press carried back, sealed, as the card showed it; null when there was none or it does not open. */
  const carriedPhrasing = (value: unknown, id: string): AskedQuestion['phrasing'] => {
    const opened = carried.open(value, id, 'phrasing');
    if (opened === null) return null;
    const p = JSON.parse(opened) as { text?: unknown; section?: unknown };
    return typeof p.text === 'string' && typeof p.section === 'string' ? { text: p.text, section: p.section } : null;
  };
  // The owners' views read kept questions again as held back when they may not be kept (teaching/keeping.ts).
  const keeping = keepingReader(deps.disclosure);
  const teaching = createOwnerTeaching({ library, questions, teaching: deps.teaching, disclosure: keeping, logger, isOwner, now });
  const answer = (question: string): Promise<Answer> => answerQuestionReranked(library.index, question, deps.reranker, DEFAULT_THRESHOLDS, teaching.answerOptions());

  /**
   * A question that reads as a disclosure about a child: "Report a concern" first (carrying what they typed when the
   * chat is their own), then the policy's answer without "Was this helpful?". Nothing of it is kept, logged or phrased
   * by AI: the question log notes only the day.
   */
  const offerReportFirst = async (ctx: TurnContext, text: string): Promise<void> => {
    const reply = library.primary ? await answer(text.slice(0, MAX_QUESTION_CHARS)) : undefined;
    await questions.recordDisclosureLike(now().toISOString(), 'offered');
    logger.info({ event: 'question.disclosureOffered', answered: reply?.answered ?? false }, 'question read as a disclosure: Report a concern offered first, nothing kept');
    const whatHappened = isPersonal(ctx.activity) ? text.slice(0, MAX_CARRIED_CHARS) : undefined;
    await ctx.sendActivity(cardMessage(renderDisclosureOfferCard({ whatHappened, policyAnswerFollows: reply?.answered === true })));
    if (reply?.answered) await ctx.sendActivity(cardMessage(renderAnswerCard(reply, '', { given: false, asked: false })));
  };

  /** Something that happened to them, or a colleague's conduct: Report a concern of that kind beside the answer (issue 52). */
  const concernOfferFor = (ctx: TurnContext, text: string): ConcernOffer | undefined => {
    const kind = readConcernCue(text.slice(0, MAX_QUESTION_CHARS));
    return kind ? { kind, whatHappened: isPersonal(ctx.activity) ? text.slice(0, MAX_CARRIED_CHARS) : undefined } : undefined;
  };

  /**
   * A question that may be about a particular child (issue 48): whatever answer it gets leads with "If this is about
   * something a child told you or showed you, report it now" and Report a concern (carrying the text in their own
   * chat). Like a disclosure it is not kept, logged or phrased by AI, and has no "Was this helpful?": the owner never
   * sees it; the day is counted. Without `withReportLine`, a question that says something happened to someone, or that
   * names or places someone and reads close to the hold-back bar, but is not held back (teaching/keeping.ts): answered
   * the same way, without the line.
   */
  const answerHeldBack = async (ctx: TurnContext, text: string, withReportLine = true): Promise<void> => {
    await questions.recordDisclosureLike(now().toISOString(), 'heldBack');
    const reportLine = withReportLine ? { whatHappened: isPersonal(ctx.activity) ? text.slice(0, MAX_CARRIED_CHARS) : undefined } : undefined;
    const event = withReportLine ? 'question.heldBack' : 'question.notKept';
    const said = withReportLine ? 'question may be about a child: report line shown, nothing kept' : 'question not kept for the owners (something happened to someone, or someone named near the bar): answered, nothing kept';
    if (!library.primary) {
      logger.info({ event, answered: false }, said);
      await ctx.sendActivity(withReportLine ? NO_POLICY_YET_HELD_BACK_REPLY : NO_POLICY_YET_NOT_KEPT_REPLY);
      return;
    }
    const reply = await answer(text.slice(0, MAX_QUESTION_CHARS));
    logger.info({ event, answered: reply.answered }, said);
    const concernOffer = concernOfferFor(ctx, text);
    const card = reply.answered
      ? renderAnswerCard(reply, '', { given: false, asked: false }, undefined, reportLine, concernOffer)
      : renderNotCoveredCard(title(), reportLine, concernOffer);
    await ctx.sendActivity(cardMessage(card));
  };

  /**
   * A question before the school's policy has been added: counted as one the policy does not cover, not kept, and the
   * person told who to ask, with the offer to send it to the policy owners (they see it in `unanswered`).
   */
  const answerWithoutPolicy = async (ctx: TurnContext, question: string): Promise<void> => {
    const id = await questions.recordQuestion({ question: UNSENT, answered: false, citedSection: null, askedAt: now().toISOString(), phrasing: null });
    logger.info({ event: 'question.noPolicy', answered: false, questionId: id }, 'question asked before the policy was added');
    await ctx.sendActivity(cardMessage(withNotCoveredOffer(ctx, noPolicyCard(), id, question, carryFor(ctx, id, question))));
  };

  /** "The policy doesn't cover that", or before there is a policy, that it has not been added. */
  const notCoveredCard = (concernOffer: ConcernOffer | undefined): AdaptiveCardJson =>
    (library.primary ? renderNotCoveredCard(title(), undefined, concernOffer) : noPolicyCard());
  /** A reply that failed with the offer to send its question to the owners, from the question and what its card carries. */
  const withNotCoveredOffer = (ctx: TurnContext, card: AdaptiveCardJson, id: string, question: string, carry: CarriedQuestion): AdaptiveCardJson =>
    withSendToOwners(card, sendOffer({ questionId: id, token: carry.token, carried: carry.question, view: 'notCovered' }, question, isPersonal(ctx.activity)));

  /** An answer drawn again once "Was this helpful?" was pressed: with its AI phrasing while the section it cited is still matched. */
  const answerRedrawn = async (ctx: TurnContext, id: string, question: string, phrasingKept: AskedQuestion['phrasing'], feedback: AnswerFeedbackState) => {
    const redrawn = await answer(question);
    // The card is redrawn with the Report a concern it was sent with, for a question about something that happened.
    const concernOffer = concernOfferFor(ctx, question);
    if (!redrawn.answered) return notCoveredCard(concernOffer);
    const shown = redrawn.secondary ? [redrawn.best, redrawn.secondary] : [redrawn.best];
    const cited = phrasingKept ? shown.find((m) => citedSectionKey(m) === phrasingKept.section) : undefined;
    const phrasing = phrasingKept && cited ? { text: phrasingKept.text, cited } : undefined;
    return renderAnswerCard(redrawn, id, feedback, phrasing, undefined, concernOffer);
  };

  /** The reply a "Send to the policy owners" offer sat on, drawn again from the question as asked once it is sent. */
  const redrawForSending = async (ctx: TurnContext, asked: AskedQuestion, view: SendView, question: string, section: string | undefined, phrasing: string | undefined) => {
    if (view === 'unhelpful') return answerRedrawn(ctx, asked.id, question, carriedPhrasing(phrasing, asked.id), { given: true, helpful: false });
    if (view === 'chosen' && section) {
      // The first choice is the one kept: a later one, pressed on the same card, says so once sent too.
      const first = asked.choice?.section;
      const message = first === undefined || first === section ? CHOICE_NOTED_SENT : CHOICE_KEPT_BEFORE;
      return chosenSectionCard(library, question, section, asked.id, message, concernOfferFor(ctx, question)) ?? renderNoneChosenCard(title());
    }
    if (view === 'none') return renderNoneChosenCard(title());
    return notCoveredCard(concernOfferFor(ctx, question));
  };

  return {
    name: 'policy',
    register(app: BotApp) {
    app.conversationUpdate('membersAdded', async (ctx) => {
      const added = ctx.activity.membersAdded ?? [];
      const botAdded = added.some((m) => m.id === ctx.activity.recipient?.id);
      const personal = ctx.activity.conversation?.conversationType === 'personal';
      if (botAdded || (personal && added.length > 0)) {
        await ctx.sendActivity(cardMessage(renderWelcomeCard(title())));
      }
    });

    app.message(/^\s*help\s*$/i, async (ctx) => {
      await ctx.sendActivity(cardMessage(helpCard(ctx)));
    });

    app.message(/^\s*(contents|table of contents|sections)\s*$/i, async (ctx) => {
      if (library.documents.length === 0) await ctx.sendActivity(noPolicyNotice(ctx));
      for (const doc of library.documents) await ctx.sendActivity(cardMessage(renderContentsCard(doc)));
    });

    registerSectionCommand(app, { library, title, noPolicyNotice });

    teaching.register(app);
    registerSectionChoice(app, { library, questions, disclosure: keeping, offeredChoices, carried, concernOffer: concernOfferFor, logger, now, title });
    registerQuestionSending(app, { questions, disclosure: deps.disclosure, carried, logger, now, redraw: redrawForSending });
    if (deps.drafts) registerDraftChecking(app, { check: deps.drafts.check, disclosure: deps.disclosure, questions, logger, now });

    app.adaptiveCards.actionExecute(Verbs.showContents, async (ctx) => (library.primary ? renderContentsCard(library.primary) : noPolicyNotice(ctx)));

    app.adaptiveCards.actionExecute(Verbs.showHelp, async (ctx) => helpCard(ctx));

    app.adaptiveCards.actionExecute<{ section?: unknown; document?: unknown; version?: unknown }>(Verbs.readSection, async (ctx, _state, data) => {
      const key = typeof data?.section === 'string' || typeof data?.section === 'number' ? String(data.section).slice(0, 20) : '';
      const documentId = typeof data?.document === 'string' ? data.document.slice(0, 100) : undefined;
      const version = typeof data?.version === 'string' && /^[0-9a-f]{64}$/.test(data.version) ? data.version : undefined;
      const live = documentId !== undefined ? library.documents.find((d) => d.id === documentId) : undefined;
      // An answer given before the policy was published again: its section numbers are that version's, so the section is
      // opened as that version had it (kept with every published version), never whatever the new one numbers the same.
      if (key && documentId && version && live && live.metadata.contentHash !== version) {
        const earlier = await deps.version?.(documentId, version).catch(() => undefined);
        const found = earlier ? findSectionIn([earlier], key) : null;
        if (!found) return 'The policy has been updated since this answer was given, and that section cannot be opened from this card. Ask your question again for an answer from the current version, or type **contents**.';
        await ctx.sendActivity(cardMessage(renderSectionCard(found.doc, found.section, { publishedSince: true })));
        return `Section ${formatCitationLabel(found.doc, found.section)}, as it stood when you asked, is below.`;
      }
      const found = key ? findSection(library, key, documentId) : null;
      if (!found) return 'That section could not be found. Type **contents** to see the section list.';
      // The full section comes as a message of its own: the answer, its quote and "Was this helpful?" stay as they were.
      await ctx.sendActivity(cardMessage(renderSectionCard(found.doc, found.section)));
      return `Section ${formatCitationLabel(found.doc, found.section)} is below.`;
    });

    app.adaptiveCards.actionExecute<{ questionId?: unknown; helpful?: unknown; q?: unknown; t?: unknown; p?: unknown }>(Verbs.feedback, async (ctx, _state, data) => {
      const id = typeof data?.questionId === 'string' ? data.questionId.slice(0, 64) : '';
      const helpful = data?.helpful === true || data?.helpful === 'true' ? true : data?.helpful === false || data?.helpful === 'false' ? false : undefined;
      if (helpful === undefined) return 'Sorry, I could not read that answer. Please press Yes or No on the card.';
      const asked = id ? await questions.getQuestion(id) : null;
      const unsent = asked?.question === UNSENT;
      // A question an earlier release (or model) kept that may be about a child: no feedback is recorded on it, it is
      // deleted (its day counted), and the report comes first.
      if (asked && !unsent && (await keeping.read(asked.question)).holdBack) {
        await questions.forgetQuestion(id);
        logger.info({ event: 'question.forgotten', reason: 'heldBack' }, 'a kept question that may be about a child was deleted');
        return renderDisclosureOfferCard({ policyAnswerFollows: false });
      }
      if (!asked || !(await questions.recordFeedback(id, helpful, now().toISOString()))) {
        return 'Sorry, I could not find that question any more. Please ask it again.';
      }
      logger.info({ event: 'answer.feedback', helpful }, 'feedback recorded');
      // The question as asked: carried by the card (not kept unless its asker sends it), or kept by an earlier release.
      const question = unsent ? carried.open(data?.q, id) : asked.question;
      if (question === null) return helpful ? 'Thanks for your feedback.' : 'Thanks: I have noted that this did not help. Your line manager can help in the meantime.';
      const phrasingBack = unsent ? carriedPhrasing(data?.p, id) : asked.phrasing;
      const card = await answerRedrawn(ctx, id, question, phrasingBack, { given: true, helpful });
      // Not helpful: the asker may send their question to the owners (the token their card carries says it is theirs).
      const token = sendTokenOf(data?.t);
      const send = !helpful && unsent && token
        ? sendOffer({ questionId: id, token, carried: String(data?.q), view: 'unhelpful', ...(phrasingBack && typeof data?.p === 'string' ? { phrasing: data.p } : {}) }, question, isPersonal(ctx.activity))
        : undefined;
      return withSendToOwners(card, send);
    });

    app.activity(ActivityTypes.Message, async (ctx) => {
      const text = (ctx.activity.text ?? '').slice(0, MAX_MESSAGE_CHARS).trim();
      if (text === '') {
        if (ctx.activity.value === undefined) await ctx.sendActivity('Ask me a question about the policy, or type **help**.');
        return;
      }
      // Hello, thanks, ok, an emoji: not a question, so neither answered from the policy nor counted as one.
      const talk = smallTalkOf(text);
      if (talk) return void (await ctx.sendActivity(smallTalkReply(talk)));
      const reading = await deps.disclosure.read(text);
      if (reading.offer) {
        await offerReportFirst(ctx, text);
        return;
      }
      if (reading.holdBack) {
        // Held back with or without the report line (issue 70): nothing kept either way.
        await answerHeldBack(ctx, text, reading.reportLine ?? true);
        return;
      }
      // Says something happened to someone (health, care, the police...), or names or places someone and reads close to
      // the hold-back bar: answered as usual, never kept (issue 69). Who is named is looked for in what would be kept (the
      // first MAX_QUESTION_CHARS), so a long message costs no more than a question.
      if (!mayKeepQuestion(text) || namedNearTheBar(text.slice(0, MAX_QUESTION_CHARS), reading)) {
        await answerHeldBack(ctx, text, false);
        return;
      }
      const question = text.slice(0, MAX_QUESTION_CHARS);
      if (!library.primary) {
        await answerWithoutPolicy(ctx, question);
        return;
      }
      const reply: Answer = await answer(question);
      let phrasing: AnswerCardPhrasing | undefined;
      let fallback: string | undefined;
      // A reply not sure of its section offers choices: there is no one section for AI to phrase.
      if (reply.answered && reply.sure && deps.phraser) {
        // The model may take seconds; show that the bot is on it.
        // Best effort: a typing indicator Teams refuses must not cost the answer.
        await ctx.sendActivity({ type: ActivityTypes.Typing }).catch(() => undefined);
        const outcome = await phraseAnswer(reply, deps.phraser);
        if (outcome.phrased) phrasing = { text: outcome.answer.text, cited: outcome.cited };
        else fallback = outcome.reason;
      }
      // Answered and counted; its text is not kept unless the person sends it to the owners (issue 69).
      const id = await questions.recordQuestion({
        question: UNSENT,
        answered: reply.answered,
        citedSection: reply.answered ? citedSectionKey(reply.best) : null,
        askedAt: now().toISOString(),
        // The phrasing is not kept either: the card carries it, sealed, to redraw itself.
        phrasing: null,
        sure: !reply.answered || reply.sure,
      });
      logger.info({ event: 'question.answered', answered: reply.answered, sure: !reply.answered || reply.sure, questionId: id }, 'question handled');
      if (phrasing) logger.info({ event: 'answer.phrased', questionId: id }, 'answer phrased from the cited section');
      if (fallback) logger.info({ event: 'answer.phrasingFallback', reason: fallback, questionId: id }, 'extractive answer kept');
      const concernOffer = concernOfferFor(ctx, text);
      if (concernOffer) logger.info({ event: 'question.concernOffered', kind: concernOffer.kind, questionId: id }, 'Report a concern offered beside the answer');
      const carry = carryFor(ctx, id, question, phrasing ? { text: phrasing.text, section: citedSectionKey(phrasing.cited) } : null);
      const card = !reply.answered
        ? withNotCoveredOffer(ctx, renderNotCoveredCard(title(), undefined, concernOffer), id, question, carry)
        : reply.sure ? renderAnswerCard(reply, id, undefined, phrasing, undefined, concernOffer, carry)
          // Each choice is signed for the person who asked: a press counts only from them, and only for what was offered.
          : renderNotSureCard(reply, id, concernOffer, (section) => offeredChoices.token(id, choosingPerson(ctx.activity), section), carry);
      await ctx.sendActivity(cardMessage(card));
    });
    },
  };
}
