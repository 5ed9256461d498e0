import { TurnContext } from 'botbuilder';
import { senderAadObjectId } from '../../../teams/activityFacts';
import { BotApp } from '../../../teams/botFeature';
import { cardMessage, cardText } from '../../../teams/cards';
import { Verbs } from '../../../teams/verbs';
import { AppLogger } from '../../../shared/logger';
import { formatSchoolDay } from '../../../shared/schoolTime';
import { AnswerOptions, TAUGHT_NOT_COVERED } from '../answer/answerQuestion';
import { DisclosureDetector } from '../disclosure/disclosureDetector';
import { loadLearnedModel } from '../answer/learnedModel';
import { formatCitationLabel } from '../policyDocument';
import { PolicyLibrary, sectionByKey } from '../policyLibrary';
import { AskedQuestion, QuestionLog, UNSENT } from '../teaching/questionLog';
import { CONCERN_INFO, DraftConcernId } from '../drafts/draftConcerns';
import { failedQuestionsForOwner, heldBackSentence } from '../teaching/failedQuestions';
import { redactNames } from '../teaching/redactNames';
import { acceptSuggestion, dismissSuggestion, SuggestionOutcome, suggestionText } from '../teaching/staffSuggestions';
import { createTaughtMatcher, TeachingCommand, TeachingLink, TeachingLinkStore } from '../teaching/teachingLinks';
import { OTHER_QUESTION_INPUT, OTHER_SECTION_INPUT, renderTaughtCard, renderUnansweredCard, SuggestionItem, TaughtItem, UnansweredItem, UnansweredPage } from './cards/teachingCards';

/** What the owners' teaching needs: the policy, the question log, where links are kept, and who owns the policy. */
export interface OwnerTeachingDeps {
  library: PolicyLibrary;
  questions: QuestionLog;
  /** Where owners' teaching links and the teaching audit are kept; without it `unanswered` lists questions but nothing can be taught. */
  teaching?: TeachingLinkStore;
  /** Reads each kept question again before an owner sees it: one that may be about a child is never shown. */
  disclosure: DisclosureDetector;
  logger: AppLogger;
  isOwner(ctx: TurnContext): boolean;
  now(): Date;
}

/** The owners' teaching: its routes, and the taught links answering reads. */
export interface OwnerTeaching {
  /** The answer options with the owners' taught links, re-read a minute after the last read. */
  answerOptions(): AnswerOptions;
  /** Registers `unanswered` (and its pages), `taught`, and the teach, unteach, accept and dismiss verbs. */
  register(app: BotApp): void;
}

/** How long an instance answers from the teaching links it last read before reading them again (another instance may have changed them). */
const TAUGHT_TTL_MS = 60_000;
/** The days the counts on the `unanswered` card cover. */
const COUNTS_DAYS = 30;
/** The most questions one `unanswered` card lists (the card must stay well under the Teams size limit); Next shows the others. */
const UNANSWERED_SHOWN = 8;
/** The questions read for a page at least: the failed ones already taught are left out after reading, so a page reads ahead. */
const UNANSWERED_READ = 50;

/** The page an owner's button asked for (a whole number of questions from the newest), or the first. */
function offsetOf(data: { offset?: unknown } | undefined): number {
  const n = Number(data?.offset);
  return Number.isInteger(n) && n > 0 ? Math.min(n, 10_000) : 0;
}

/** The notice over the list after an owner's Accept or Dismiss (`label`: the accepted section as the card names it). */
function suggestionNotice(o: SuggestionOutcome, label: string | null): string {
  switch (o.outcome) {
    case 'accepted': return `Linked: that question and close rewordings of it now get ${label ?? 'the section staff chose'}.`;
    case 'dismissed': return 'Dismissed: that suggestion is gone; the question is kept as usual.';
    case 'settled': return 'That suggestion had already been accepted or dismissed.';
    case 'sectionGone': return 'The policy no longer has the section staff chose: a new version was published since. Dismiss the suggestion; the question is answered from the new version.';
    default: return 'Sorry, that suggestion could not be found any more.';
  }
}

const REFUSALS: Record<TeachingCommand, string> = {
  teach: 'Only the policy owners can teach the bot.',
  unteach: 'Only the policy owners can change what the bot has been taught.',
  unanswered: 'Only the policy owners can see the questions the policy could not answer.',
  taught: 'Only the policy owners can see and change what the bot has been taught.',
};

/**
 * The owners' teaching: `unanswered` lists what the policy failed (never a question that read as a disclosure about a
 * child), each with candidate sections to teach; `taught` lists the links with Remove. Each is for policy owners only,
 * and a refusal is kept in the teaching audit with who and when.
 */
export function createOwnerTeaching(deps: OwnerTeachingDeps): OwnerTeaching {
  const { library, questions, logger, now } = deps;

  // Owners' teaching links, matched question to question by the model; re-read after each change and a minute after the last read.
  let taught: AnswerOptions['taught'];
  let taughtReadAt = 0;
  const readTaught = async (): Promise<TeachingLink[]> => {
    const links = deps.teaching ? await deps.teaching.list() : [];
    taught = createTaughtMatcher(loadLearnedModel(), links);
    taughtReadAt = Date.now();
    return links;
  };

  const sectionLabel = (key: string): string | null => {
    if (key === TAUGHT_NOT_COVERED) return 'not covered by the policy';
    const found = sectionByKey(library, key);
    if (!found) return null;
    const label = formatCitationLabel(found.doc, found.section);
    return library.documents.length > 1 ? `${label} (${found.doc.title})` : label;
  };

  /**
   * Staff's suggestions and a page of the questions to teach from `offset` (none that may be about a child), as the
   * `unanswered` card shows them; suggestions on the first page only. A page past the end (the last questions taught
   * meanwhile) becomes the last page there is.
   */
  const unansweredLists = async (offset: number): Promise<{ items: UnansweredItem[]; suggestions: SuggestionItem[]; page: UnansweredPage }> => {
    const links = await readTaught();
    const linked = new Set(links.map((l) => l.question.trim().toLowerCase()));
    // A taught link keeps the question as the owner saw it (names out); links taught before that keep it as asked.
    const taughtAlready = (q: AskedQuestion) => [q.question, redactNames(q.question)].some((t) => linked.has(t.trim().toLowerCase()));
    // Enough to fill this page and know whether another follows, however many of those read are already taught.
    const failed = await failedQuestionsForOwner(questions, deps.disclosure, Math.max(UNANSWERED_READ, offset + UNANSWERED_SHOWN + 1 + links.length), taughtAlready);
    if (failed.heldBack > 0) logger.info({ event: 'question.forgotten', reason: 'heldBack', count: failed.heldBack }, 'kept questions that may be about a child were deleted');
    const start = offset < failed.shown.length ? offset : Math.max(0, Math.floor((failed.shown.length - 1) / UNANSWERED_SHOWN) * UNANSWERED_SHOWN);
    const suggestions = start > 0 ? [] : failed.suggested.slice(0, UNANSWERED_SHOWN).map((q) => ({
      questionId: q.id, text: suggestionText(library, q), status: `Asked ${formatSchoolDay(q.askedAt)}`,
    }));
    const items = failed.shown
      .slice(start, start + UNANSWERED_SHOWN)
      .map((q: AskedQuestion) => ({
        questionId: q.id,
        question: q.question,
        status: `${!q.answered ? 'Not covered' : q.choice?.section === TAUGHT_NOT_COVERED ? 'Not sure, and none of its choices fitted' : 'Marked not helpful'}, ${formatSchoolDay(q.askedAt)}`,
        candidates: (library.index.rank(q.question)?.ranked ?? []).slice(0, 3).map((r) => ({
          title: sectionLabel(`${r.doc.id}#${r.section.ordinal}`) ?? r.section.title,
          section: `${r.doc.id}#${r.section.ordinal}`,
        })),
      }));
    return { items, suggestions, page: { offset: start, pageSize: UNANSWERED_SHOWN, more: failed.shown.length > start + UNANSWERED_SHOWN } };
  };
  /** The `unanswered` card as it stands now, at the page from `offset`, with a notice on top. */
  const unansweredCard = async (notice = '', offset = 0) => {
    const { items, suggestions, page } = await unansweredLists(offset);
    // Every section of the live policy, for "Another section" (the front page, which answers nothing, left out).
    const sections = items.length === 0 ? [] : library.documents.flatMap((doc) => doc.sections.filter((x) => x.ordinal > 0)
      .map((x) => ({ title: sectionLabel(`${doc.id}#${x.ordinal}`) ?? x.title, section: `${doc.id}#${x.ordinal}` })));
    return renderUnansweredCard(items, notice, await recentCounts(), suggestions, page, sections);
  };
  /** The last 30 days in counts, which outlive the questions' text (deleted after the school's retention period). */
  const recentCounts = async (): Promise<string> => {
    const from = new Date(now().getTime() - COUNTS_DAYS * 24 * 3600 * 1000).toISOString().slice(0, 10);
    const c = await questions.countsSince(from);
    const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
    return `Last ${COUNTS_DAYS} days: ${plural(c.asked, 'question', 'questions')} asked, ${c.declined} not covered, ${c.unhelpful} marked not helpful`
      + `${c.disclosureLike > 0 ? `, ${c.disclosureLike} read as something a child told or showed someone and offered Report a concern` : ''}`
      + '.'
      + `${c.heldBack > 0 ? ` ${heldBackSentence(c.heldBack)}` : ''}`
      + `${c.draftsChecked > 0 ? ` ${plural(c.draftsChecked, 'draft post', 'draft posts')} checked (never kept)${mostRaised(c.draftConcerns)}.` : ''}`
      + ' You see the questions staff chose to send you (they are offered it when I could not answer, was not sure, or did not help);'
      + ' the others are counted, their text never kept. Names are taken out of the questions shown. Old questions are deleted after the school\'s'
      + ' retention period; their counts are kept.';
  };
  /** The concerns draft posts raised most, by the card's names: ", most often: identifies a pupil (5), ...". */
  const mostRaised = (counts: Readonly<Record<string, number>>): string => {
    const top = Object.entries(counts).filter(([id]) => id in CONCERN_INFO).sort((a, b) => b[1] - a[1]).slice(0, 3);
    return top.length === 0 ? '' : `; most often: ${top.map(([id, n]) => `${CONCERN_INFO[id as DraftConcernId].label.toLowerCase()} (${n})`).join(', ')}`;
  };
  const taughtItems = async (): Promise<TaughtItem[]> => (await readTaught()).map((l) => ({
    linkId: l.id,
    question: l.question,
    answer: `\u2192 ${sectionLabel(l.section) ?? 'a section this version of the policy no longer has'}, taught ${formatSchoolDay(l.taughtAt)}`,
  }));

  /** Refuses a non-owner: the refusal is audited (who, which command, when), then the message to show them. */
  const refuse = async (ctx: TurnContext, command: TeachingCommand): Promise<string> => {
    logger.warn({ event: 'teaching.refused', command }, 'owner-only teaching command refused');
    if (deps.teaching) {
      await deps.teaching.appendAudit({ at: now().toISOString(), actor: senderAadObjectId(ctx.activity) ?? 'unknown', action: 'owner.refused', command });
    }
    return REFUSALS[command];
  };

  return {
    answerOptions() {
      if (deps.teaching && Date.now() - taughtReadAt > TAUGHT_TTL_MS) {
        taughtReadAt = Date.now();
        readTaught().catch((err: Error) => logger.warn({ event: 'teaching.readFailed', name: err.name }, 'teaching links could not be read'));
      }
      return { taught };
    },

    register(app: BotApp) {
      app.message(/^\s*unanswered\s*$/i, async (ctx) => {
        if (!deps.isOwner(ctx)) {
          await ctx.sendActivity(await refuse(ctx, 'unanswered'));
          return;
        }
        await ctx.sendActivity(cardMessage(await unansweredCard()));
      });

      app.message(/^\s*taught\s*$/i, async (ctx) => {
        if (!deps.isOwner(ctx)) {
          await ctx.sendActivity(await refuse(ctx, 'taught'));
          return;
        }
        await ctx.sendActivity(cardMessage(renderTaughtCard(await taughtItems())));
      });

      app.adaptiveCards.actionExecute<{ offset?: unknown }>(Verbs.unansweredPage, async (ctx, _state, data) => {
        if (!deps.isOwner(ctx)) return refuse(ctx, 'unanswered');
        return unansweredCard('', offsetOf(data));
      });

      app.adaptiveCards.actionExecute<Record<string, unknown>>(Verbs.teachAnswer, async (ctx, _state, data) => {
        if (!deps.isOwner(ctx)) return refuse(ctx, 'teach');
        if (!deps.teaching) return 'Teaching is not available: no store is configured.';
        // A question's own button (its question and section), or "Another section" (both chosen in its two lists).
        const other = data?.other === true;
        const id = other ? cardText(data?.[OTHER_QUESTION_INPUT], 64) : cardText(data?.questionId, 64);
        const section = other ? cardText(data?.[OTHER_SECTION_INPUT], 200) : cardText(data?.section, 200);
        if (other && (!id || !section)) {
          const missing = [id ? '' : 'the question', section ? '' : 'the section that answers it'].filter(Boolean).join(' and ');
          return unansweredCard(`Under "Another section", choose ${missing}, then press "Link to this section". Nothing was linked.`, offsetOf(data));
        }
        const found = id ? await questions.getQuestion(id) : null;
        // A question nobody sent to the owners has no text to teach (issue 69): it reads as not found.
        const asked = found && found.question !== UNSENT ? found : null;
        const label = section ? sectionLabel(section) : null;
        // A question that may be about a child is never copied into a teaching link: it is deleted, as the list does.
        const heldBack = asked ? (await deps.disclosure.read(asked.question)).holdBack : false;
        if (asked && heldBack) await questions.forgetQuestion(asked.id);
        if (!asked || !label || heldBack) {
          return 'Sorry, that question or section could not be found any more. Type **unanswered** to see the list again.';
        }
        // What the owner saw and taught: the question with names taken out.
        await deps.teaching.add({ question: redactNames(asked.question), section, taughtBy: ctx.activity.from?.aadObjectId ?? '', taughtAt: now().toISOString() });
        logger.info({ event: 'teaching.linked', questionId: id, notCovered: section === TAUGHT_NOT_COVERED }, 'owner linked a question');
        return unansweredCard(`Linked: that question and close rewordings of it now get ${label === 'not covered by the policy' ? '"the policy doesn\'t cover that"' : label}.`, offsetOf(data));
      });

      app.adaptiveCards.actionExecute<{ questionId?: unknown }>(Verbs.acceptSuggestion, async (ctx, _state, data) => {
        if (!deps.isOwner(ctx)) return refuse(ctx, 'teach');
        if (!deps.teaching) return 'Teaching is not available: no store is configured.';
        const id = typeof data?.questionId === 'string' ? data.questionId.slice(0, 64) : '';
        const outcome = await acceptSuggestion({ questions, disclosure: deps.disclosure, library, teaching: deps.teaching }, id, ctx.activity.from?.aadObjectId ?? '', now().toISOString());
        if (outcome.outcome === 'accepted') {
          await readTaught();
          logger.info({ event: 'teaching.linked', questionId: id, suggested: true }, 'owner accepted what staff chose');
        }
        return unansweredCard(suggestionNotice(outcome, outcome.outcome === 'accepted' ? sectionLabel(outcome.link.section) : null));
      });

      app.adaptiveCards.actionExecute<{ questionId?: unknown }>(Verbs.dismissSuggestion, async (ctx, _state, data) => {
        if (!deps.isOwner(ctx)) return refuse(ctx, 'teach');
        const id = typeof data?.questionId === 'string' ? data.questionId.slice(0, 64) : '';
        const outcome = await dismissSuggestion({ questions, disclosure: deps.disclosure, library }, id);
        logger.info({ event: 'teaching.suggestionDismissed', questionId: id, dismissed: outcome.outcome === 'dismissed' }, 'owner dismissed what staff chose');
        return unansweredCard(suggestionNotice(outcome, null));
      });

      app.adaptiveCards.actionExecute<{ linkId?: unknown }>(Verbs.removeTeaching, async (ctx, _state, data) => {
        if (!deps.isOwner(ctx)) return refuse(ctx, 'unteach');
        if (!deps.teaching) return 'Teaching is not available: no store is configured.';
        const linkId = typeof data?.linkId === 'string' ? data.linkId.slice(0, 100) : '';
        const removed = linkId ? await deps.teaching.remove(linkId, ctx.activity.from?.aadObjectId ?? '', now().toISOString()) : false;
        logger.info({ event: 'teaching.removed', removed }, 'owner removed a teaching link');
        return renderTaughtCard(await taughtItems(), removed ? 'Removed. That question is answered by the model again.' : 'That link had already been removed.');
      });
    },
  };
}
