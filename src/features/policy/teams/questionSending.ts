import { TurnContext } from 'botbuilder';
import { isPersonal } from '../../../teams/activityFacts';
import { BotApp } from '../../../teams/botFeature';
import { AdaptiveCardJson } from '../../../teams/cards';
import { Verbs } from '../../../teams/verbs';
import { AppLogger } from '../../../shared/logger';
import { DisclosureDetector } from '../disclosure/disclosureDetector';
import { CarriedQuestions } from '../teaching/carriedQuestions';
import { mayKeepReading } from '../teaching/keeping';
import { AskedQuestion, isFailedQuestion, QuestionLog, UNSENT } from '../teaching/questionLog';
import { redactNames } from '../teaching/redactNames';
import { MAX_SENT_QUESTION_CHARS, SendCarried, SendToOwners, SendView, withSendToOwners } from './cards/sendToOwners';
import { choosingPerson } from './sectionChoice';

/** What sending a question to the policy owners needs. */
export interface QuestionSendingDeps {
  questions: QuestionLog;
  /** Reads what is sent as it reads a question: what may be about a child, or says something happened to someone, is not sent. */
  disclosure: DisclosureDetector;
  carried: CarriedQuestions;
  logger: AppLogger;
  now(): Date;
  /** The reply the offer sat on, drawn again from the question as asked (its answer, "None of these", a chosen section). */
  redraw(ctx: TurnContext, asked: AskedQuestion, view: SendView, question: string, section: string | undefined, phrasing: string | undefined): Promise<AdaptiveCardJson>;
}

/** Said to a Send whose data is not a question's id and a reply's kind (a forged or damaged card). */
export const SEND_UNREADABLE = 'Sorry, I could not read that. Please ask your question again.';
/** Said to a Send from someone other than the person who asked (a shared chat), or on a card without a valid token. */
export const SEND_NOT_YOURS = 'Only the person who asked can send this question to the policy owners. Ask your own question to send one.';
/** Said to a Send on a question deleted since (after the school's retention period). */
export const SEND_QUESTION_GONE = 'Sorry, I could not find that question any more. Please ask it again.';
/** Said when the store could not take the question just now (other changes to it kept landing first). */
export const SEND_BUSY = 'I could not send it just now: press Send again.';
/** Said after a problem with a Send in a channel or group chat, where the card is everyone's. */
export const SEND_FROM_OWN_CHAT = 'To see your text again, ask the question in your own chat with me.';
/** Said to the person alone when what they sent from a channel or group chat may be about a child. */
export const SEND_REFUSED_ELSEWHERE = 'Not sent: this may be about a particular child, or about something that happened to someone, so it does '
  + 'not go to the policy owners, and I have not kept it. If a child told you or showed you something, type report a concern '
  + 'in your own chat with me: it goes only to the safeguarding team.';
/** Said beside the box when Send was pressed with nothing in it. */
export const SEND_EMPTY = 'There is nothing in the box: type your question, then press Send.';

/** The longest sealed phrasing a Send carries on (a phrasing is at most 700 characters before sealing). */
const MAX_CARRIED_PHRASING_CHARS = 4096;
/** The most of a box's text that comes back in it (what a request may carry is capped before this). */
const MAX_BOX_BACK_CHARS = 4000;

const VIEWS: ReadonlySet<string> = new Set<SendView>(['notCovered', 'unhelpful', 'none', 'chosen']);
const SECTION_KEY = /^[^#\s]{1,100}#\d{1,5}$/;

/**
 * Registers Send (policy.sendToOwners). Nothing a person asks is kept as text unless they send it (issue 69), and what
 * they send is read first as a question is: one that may be about a child, that says something happened to someone, or
 * that names someone near the hold-back bar (teaching/keeping.ts), is not sent and leads with Report a concern, with
 * the box again to edit. Only the person who asked may send, once; an empty or too-long box comes back with their text
 * and what is wrong. The reply is drawn again with what was sent, as the owners see it (names taken out).
 */
export function registerQuestionSending(app: BotApp, deps: QuestionSendingDeps): void {
  const { questions, logger } = deps;
  app.adaptiveCards.actionExecute<{ questionId?: unknown; t?: unknown; q?: unknown; p?: unknown; view?: unknown; section?: unknown; question?: unknown }>(
    Verbs.sendToOwners, async (ctx, _state, data): Promise<AdaptiveCardJson | string> => {
      const id = typeof data?.questionId === 'string' ? data.questionId : '';
      const view = typeof data?.view === 'string' && VIEWS.has(data.view) ? (data.view as SendView) : undefined;
      const section = typeof data?.section === 'string' && SECTION_KEY.test(data.section) ? data.section : undefined;
      if (id === '' || id.length > 64 || !view || (view === 'chosen' && !section)) return SEND_UNREADABLE;
      const token = typeof data?.t === 'string' ? data.t : '';
      if (!deps.carried.maySend(id, choosingPerson(ctx.activity), token)) {
        logger.warn({ event: 'question.sendRefused', reason: 'notAsker' }, 'a send to the policy owners not from the person who asked was refused');
        return SEND_NOT_YOURS;
      }
      const asked = deps.carried.open(data?.q, id);
      if (asked === null) return SEND_UNREADABLE;
      const typed = typeof data?.question === 'string' ? data.question.trim() : '';
      // The phrasing travels on as it came (sealed; it is opened, or ignored, where the answer is drawn again).
      const phrasing = typeof data?.p === 'string' && data.p.length <= MAX_CARRIED_PHRASING_CHARS ? data.p : undefined;
      const carriedBack: SendCarried = { questionId: id, token, carried: String(data?.q), view, ...(section ? { section } : {}), ...(phrasing ? { phrasing } : {}) };
      const row = await questions.getQuestion(id);
      if (!row) return SEND_QUESTION_GONE;
      // In the person's own chat the reply is drawn again, with what the box held; elsewhere the card is everyone's, so
      // what went wrong is said to the person alone (a message, not the card) and never shows what they typed.
      const personal = isPersonal(ctx.activity);
      const mine = personal ? { prefill: typed.slice(0, MAX_BOX_BACK_CHARS) } : {};
      const card = async (send: SendToOwners) => withSendToOwners(await deps.redraw(ctx, row, view, asked, section, phrasing), send);
      const again = (problem: string) => (personal ? card({ offer: { ...carriedBack, ...mine, problem } }) : `${problem} ${SEND_FROM_OWN_CHAT}`);
      // Sent before (a second press, another device): the first send is the one kept, and nothing more is read.
      if (row.question !== UNSENT) return card({ alreadySent: true });
      // Send is offered where the reply failed (not covered, No, None of these) or a section was chosen, nowhere else.
      if (!isFailedQuestion(row) && !row.choice) return SEND_UNREADABLE;
      if (typed === '') return again(SEND_EMPTY);
      if (typed.length > MAX_SENT_QUESTION_CHARS) {
        return again(`Your question is ${typed.length} characters: the most I can send is ${MAX_SENT_QUESTION_CHARS}. Shorten it, then press Send.`);
      }
      const reading = await deps.disclosure.read(typed);
      if (reading.offer || !mayKeepReading(typed, reading)) {
        // Nothing of it is kept or logged: only the day is counted, as a question held back is.
        await questions.recordDisclosureLike(deps.now().toISOString(), 'heldBack');
        logger.info({ event: 'question.sendHeldBack' }, 'a question sent to the owners may be about a child or what happened to someone: not sent, nothing kept');
        return personal ? card({ refused: { whatHappened: typed }, offer: { ...carriedBack, ...mine } }) : SEND_REFUSED_ELSEWHERE;
      }
      if (!(await questions.shareQuestion(id, typed, deps.now().toISOString()))) {
        // Not set: deleted meanwhile, sent meanwhile from another device, or the store too busy to take it now.
        const now = await questions.getQuestion(id);
        if (!now) return SEND_QUESTION_GONE;
        return now.question !== UNSENT ? card({ alreadySent: true }) : again(SEND_BUSY);
      }
      logger.info({ event: 'question.sent', questionId: id, view }, 'the person who asked sent their question to the policy owners');
      return card(personal ? { sent: redactNames(typed) } : { sentQuietly: true });
    },
  );
}
