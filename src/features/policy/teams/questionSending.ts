import { TurnContext } from 'botbuilder';
import { isPersonal } from '../../../teams/activityFacts';
import { BotApp } from '../../../teams/botFeature';
import { AdaptiveCardJson } from '../../../teams/cards';
import { Verbs } from '../../../teams/verbs';
import { AppLogger } from '../../../shared/logger';
import { DisclosureDetector } from '../disclosure/disclosureDetector';
import { CarriedQuestions } from '../teaching/carriedQuestions';
import { mayKeepReading } from '../teaching/keeping';
import { QuestionLog, UNSENT } from '../teaching/questionLog';
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
  redraw(ctx: TurnContext, questionId: string, view: SendView, question: string, section: string | undefined): Promise<AdaptiveCardJson>;
}

/** Said to a Send whose data is not a question's id and a reply's kind (a forged or damaged card). */
export const SEND_UNREADABLE = 'Sorry, I could not read that. Please ask your question again.';
/** Said to a Send from someone other than the person who asked (a shared chat), or on a card without a valid token. */
export const SEND_NOT_YOURS = 'Only the person who asked can send this question to the policy owners. Ask your own question to send one.';
/** Said to a Send on a question deleted since (after the school's retention period). */
export const SEND_QUESTION_GONE = 'Sorry, I could not find that question any more. Please ask it again.';
/** Said beside the box when Send was pressed with nothing in it. */
export const SEND_EMPTY = 'There is nothing in the box: type your question, then press Send.';

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
  app.adaptiveCards.actionExecute<{ questionId?: unknown; t?: unknown; q?: unknown; view?: unknown; section?: unknown; question?: unknown }>(
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
      const carriedBack: SendCarried = { questionId: id, token, carried: String(data?.q), view, ...(section ? { section } : {}) };
      // What the box held comes back in it in the person's own chat; elsewhere the card is everyone's, and never shows it.
      const personal = isPersonal(ctx.activity);
      const mine = personal ? { prefill: typed.slice(0, MAX_BOX_BACK_CHARS) } : {};
      const again = (problem: string) => ({ offer: { ...carriedBack, ...mine, problem } });
      const card = async (send: SendToOwners) => withSendToOwners(await deps.redraw(ctx, id, view, asked, section), send);
      if (typed === '') return card(again(SEND_EMPTY));
      if (typed.length > MAX_SENT_QUESTION_CHARS) {
        return card(again(`Your question is ${typed.length} characters: the most I can send is ${MAX_SENT_QUESTION_CHARS}. Shorten it, then press Send.`));
      }
      const row = await questions.getQuestion(id);
      if (!row) return SEND_QUESTION_GONE;
      // Sent before (a second press, another device): the first send is the one kept, and nothing more is read.
      if (row.question !== UNSENT) return card({ alreadySent: true });
      const reading = await deps.disclosure.read(typed);
      if (reading.offer || !mayKeepReading(typed, reading)) {
        // Nothing of it is kept or logged: only the day is counted, as a question held back is.
        await questions.recordDisclosureLike(deps.now().toISOString(), 'heldBack');
        logger.info({ event: 'question.sendHeldBack' }, 'a question sent to the owners may be about a child or what happened to someone: not sent, nothing kept');
        return card({
          refused: personal ? { whatHappened: typed } : {},
          offer: { ...carriedBack, ...mine },
        });
      }
      if (!(await questions.shareQuestion(id, typed, deps.now().toISOString()))) return card({ alreadySent: true });
      logger.info({ event: 'question.sent', questionId: id, view }, 'the person who asked sent their question to the policy owners');
      return card(personal ? { sent: redactNames(typed) } : { sentQuietly: true });
    },
  );
}
