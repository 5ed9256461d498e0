import { ActivityTypes, TurnContext } from 'botbuilder';
import { isPolicyOwner } from '../../../teams/activityFacts';
import { BotApp, BotFeature } from '../../../teams/botFeature';
import { cardMessage } from '../../../teams/cards';
import { Verbs } from '../../../teams/verbs';
import { AppLogger } from '../../../shared/logger';
import { formatSchoolDay } from '../../../shared/schoolTime';
import { AnswerPhraser, phraseAnswer } from '../answer/answerPhrasing';
import { Answer, AnswerOptions, answerQuestion, DEFAULT_THRESHOLDS, TAUGHT_NOT_COVERED } from '../answer/answerQuestion';
import { loadLearnedModel } from '../answer/learnedModel';
import { frontPageSection } from '../answer/policyIndex';
import { formatCitationLabel } from '../policyDocument';
import { findSection, PolicyLibrary } from '../policyLibrary';
import { AskedQuestion, QuestionLog } from '../teaching/questionLog';
import { createTaughtMatcher, TeachingLink, TeachingLinkStore } from '../teaching/teachingLinks';
import { AnswerCardPhrasing, renderAnswerCard } from './cards/answerCard';
import { renderContentsCard } from './cards/contentsCard';
import { renderHelpCard } from './cards/helpCard';
import { renderNotCoveredCard } from './cards/notCoveredCard';
import { renderSectionCard } from './cards/sectionCard';
import { renderTaughtCard, renderUnansweredCard, UnansweredItem } from './cards/teachingCards';
import { renderWelcomeCard } from './cards/welcomeCard';

/** What policy questions and the owners' policy commands need: the indexed policy, the question log, who owns it. */
export interface PolicyFeatureDeps {
  library: PolicyLibrary;
  questions: QuestionLog;
  policyOwners: readonly string[];
  logger: AppLogger;
  /** Optional AI phrasing of answers (Azure OpenAI); without it answers are extractive only. */
  phraser?: AnswerPhraser;
  /** Where owners' teaching links are kept; without it `unanswered` lists questions but nothing can be taught. */
  teaching?: TeachingLinkStore;
  now?: () => Date;
}

/** How long an instance answers from the teaching links it last read before reading them again (another instance may have changed them). */
const TAUGHT_TTL_MS = 60_000;
/** The most questions one `unanswered` card lists (the card must stay well under the Teams size limit). */
const UNANSWERED_SHOWN = 8;

const MAX_QUESTION_CHARS = 500;

/** The question log's key for a cited section: "liverpool-model#7". */
function citedSectionKey(match: { doc: { id: string }; section: { ordinal: number } }): string {
  return `${match.doc.id}#${match.section.ordinal}`;
}

/**
 * Policy questions in chat, and the policy commands: help, contents, section, unanswered and taught (owners),
 * the teaching and feedback verbs. It registers the catch-all for messages, so it is registered last.
 */
export function createPolicyFeature(deps: PolicyFeatureDeps): BotFeature {
  const { library, questions, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const isOwner = (ctx: TurnContext): boolean => isPolicyOwner(deps.policyOwners, ctx.activity);
  // Read afresh each time: an owner may publish a new version while the bot runs.
  const title = (): string => library.primary.title;

  // Owners' teaching links, matched question to question by the model; re-read after each change and a minute after the last read.
  let taught: AnswerOptions['taught'];
  let taughtReadAt = 0;
  const readTaught = async (): Promise<TeachingLink[]> => {
    const links = deps.teaching ? await deps.teaching.list() : [];
    taught = createTaughtMatcher(loadLearnedModel(), links);
    taughtReadAt = Date.now();
    return links;
  };
  const answerOptions = (): AnswerOptions => {
    if (deps.teaching && Date.now() - taughtReadAt > TAUGHT_TTL_MS) {
      taughtReadAt = Date.now();
      readTaught().catch((err: Error) => logger.warn({ event: 'teaching.readFailed', name: err.name }, 'teaching links could not be read'));
    }
    return { taught };
  };
  const answer = (question: string): Answer => answerQuestion(library.index, question, DEFAULT_THRESHOLDS, answerOptions());
  const sectionLabel = (key: string): string | null => {
    if (key === TAUGHT_NOT_COVERED) return 'not covered by the policy';
    const [docId, ordinal] = [key.slice(0, key.lastIndexOf('#')), Number(key.slice(key.lastIndexOf('#') + 1))];
    const doc = library.documents.find((d) => d.id === docId);
    const section = doc && ordinal === 0 ? frontPageSection(doc) : doc?.sections.find((s) => s.ordinal === ordinal);
    if (!doc || !section) return null;
    const label = formatCitationLabel(doc, section);
    return library.documents.length > 1 ? `${label} (${doc.title})` : label;
  };
  const day = formatSchoolDay;
  const unansweredItems = async (): Promise<UnansweredItem[]> => {
    const links = await readTaught();
    const linked = new Set(links.map((l) => l.question.trim().toLowerCase()));
    return (await questions.listFailed(50))
      .filter((q) => !linked.has(q.question.trim().toLowerCase()))
      .slice(0, UNANSWERED_SHOWN)
      .map((q: AskedQuestion) => ({
        questionId: q.id,
        question: q.question,
        status: `${q.answered ? 'Marked not helpful' : 'Not covered'}, ${day(q.askedAt)}`,
        candidates: (library.index.rank(q.question)?.ranked ?? []).slice(0, 3).map((r) => ({
          title: sectionLabel(`${r.doc.id}#${r.section.ordinal}`) ?? r.section.title,
          section: `${r.doc.id}#${r.section.ordinal}`,
        })),
      }));
  };
  const taughtItems = async (): Promise<Parameters<typeof renderTaughtCard>[0]> => (await readTaught()).map((l) => ({
    linkId: l.id,
    question: l.question,
    answer: `\u2192 ${sectionLabel(l.section) ?? 'a section this version of the policy no longer has'}, taught ${day(l.taughtAt)}`,
  }));

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
      await ctx.sendActivity(cardMessage(renderHelpCard(title(), isOwner(ctx), library.primary.warnings)));
    });

    app.message(/^\s*(contents|table of contents|sections)\s*$/i, async (ctx) => {
      for (const doc of library.documents) await ctx.sendActivity(cardMessage(renderContentsCard(doc)));
    });

    app.message(/^\s*section\s+\S+/i, async (ctx) => {
      const key = (ctx.activity.text ?? '').trim().replace(/^section\s+/i, '');
      const found = findSection(library, key);
      if (!found) {
        await ctx.sendActivity(`There is no section "${key.slice(0, 40)}" in ${title()}. Type **contents** to see the section list.`);
        return;
      }
      await ctx.sendActivity(cardMessage(renderSectionCard(found.doc, found.section)));
    });

    app.message(/^\s*unanswered\s*$/i, async (ctx) => {
      if (!isOwner(ctx)) {
        await ctx.sendActivity('Only the policy owners can see the questions the policy could not answer.');
        return;
      }
      await ctx.sendActivity(cardMessage(renderUnansweredCard(await unansweredItems())));
    });

    app.message(/^\s*taught\s*$/i, async (ctx) => {
      if (!isOwner(ctx)) {
        await ctx.sendActivity('Only the policy owners can see and change what the bot has been taught.');
        return;
      }
      await ctx.sendActivity(cardMessage(renderTaughtCard(await taughtItems())));
    });

    app.adaptiveCards.actionExecute<{ questionId?: unknown; section?: unknown }>(Verbs.teachAnswer, async (ctx, _state, data) => {
      if (!isOwner(ctx)) return 'Only the policy owners can teach the bot.';
      if (!deps.teaching) return 'Teaching is not available: no store is configured.';
      const id = typeof data?.questionId === 'string' ? data.questionId.slice(0, 64) : '';
      const section = typeof data?.section === 'string' ? data.section.slice(0, 200) : '';
      const asked = id ? await questions.getQuestion(id) : null;
      const label = section ? sectionLabel(section) : null;
      if (!asked || !label) return 'Sorry, that question or section could not be found any more. Type **unanswered** to see the list again.';
      await deps.teaching.add({ question: asked.question, section, taughtBy: ctx.activity.from?.aadObjectId ?? '', taughtAt: now().toISOString() });
      logger.info({ event: 'teaching.linked', questionId: id, notCovered: section === TAUGHT_NOT_COVERED }, 'owner linked a question');
      return renderUnansweredCard(await unansweredItems(), `Linked: that question and close rewordings of it now get ${label === 'not covered by the policy' ? '"the policy doesn\'t cover that"' : label}.`);
    });

    app.adaptiveCards.actionExecute<{ linkId?: unknown }>(Verbs.removeTeaching, async (ctx, _state, data) => {
      if (!isOwner(ctx)) return 'Only the policy owners can change what the bot has been taught.';
      if (!deps.teaching) return 'Teaching is not available: no store is configured.';
      const linkId = typeof data?.linkId === 'string' ? data.linkId.slice(0, 100) : '';
      const removed = linkId ? await deps.teaching.remove(linkId, ctx.activity.from?.aadObjectId ?? '', now().toISOString()) : false;
      logger.info({ event: 'teaching.removed', removed }, 'owner removed a teaching link');
      return renderTaughtCard(await taughtItems(), removed ? 'Removed. That question is answered by the model again.' : 'That link had already been removed.');
    });

    app.adaptiveCards.actionExecute(Verbs.showContents, async () => renderContentsCard(library.primary));

    app.adaptiveCards.actionExecute(Verbs.showHelp, async (ctx) => renderHelpCard(title(), isOwner(ctx), library.primary.warnings));

    app.adaptiveCards.actionExecute<{ section?: unknown; document?: unknown }>(Verbs.readSection, async (ctx, _state, data) => {
      const key = typeof data?.section === 'string' || typeof data?.section === 'number' ? String(data.section).slice(0, 20) : '';
      const documentId = typeof data?.document === 'string' ? data.document.slice(0, 100) : undefined;
      const found = key ? findSection(library, key, documentId) : null;
      if (!found) return 'That section could not be found. Type **contents** to see the section list.';
      // The full section comes as a message of its own: the answer, its quote and "Was this helpful?" stay as they were.
      await ctx.sendActivity(cardMessage(renderSectionCard(found.doc, found.section)));
      return `Section ${formatCitationLabel(found.doc, found.section)} is below.`;
    });

    app.adaptiveCards.actionExecute<{ questionId?: unknown; helpful?: unknown }>(Verbs.feedback, async (_ctx, _state, data) => {
      const id = typeof data?.questionId === 'string' ? data.questionId.slice(0, 64) : '';
      const helpful = data?.helpful === true || data?.helpful === 'true' ? true : data?.helpful === false || data?.helpful === 'false' ? false : undefined;
      if (helpful === undefined) return 'Sorry, I could not read that answer. Please press Yes or No on the card.';
      const asked = id ? await questions.getQuestion(id) : null;
      if (!asked || !(await questions.recordFeedback(id, helpful, now().toISOString()))) {
        return 'Sorry, I could not find that question any more. Please ask it again.';
      }
      logger.info({ event: 'answer.feedback', helpful }, 'feedback recorded');
      const redrawn = answer(asked.question);
      if (!redrawn.answered) return renderNotCoveredCard(asked.question, title());
      // The card is redrawn as it was sent: with its AI phrasing, while the section it cited is still matched.
      const shown = redrawn.secondary ? [redrawn.best, redrawn.secondary] : [redrawn.best];
      const cited = asked.phrasing ? shown.find((m) => citedSectionKey(m) === asked.phrasing?.section) : undefined;
      const phrasing = asked.phrasing && cited ? { text: asked.phrasing.text, cited } : undefined;
      return renderAnswerCard(redrawn, id, { given: true, helpful }, phrasing);
    });

    app.activity(ActivityTypes.Message, async (ctx) => {
      const text = (ctx.activity.text ?? '').trim();
      if (text === '') {
        if (ctx.activity.value === undefined) await ctx.sendActivity('Ask me a question about the policy, or type **help**.');
        return;
      }
      const question = text.slice(0, MAX_QUESTION_CHARS);
      const reply: Answer = answer(question);
      let phrasing: AnswerCardPhrasing | undefined;
      let fallback: string | undefined;
      if (reply.answered && deps.phraser) {
        // The model may take seconds; show that the bot is on it.
        // Best effort: a typing indicator Teams refuses must not cost the answer.
        await ctx.sendActivity({ type: ActivityTypes.Typing }).catch(() => undefined);
        const outcome = await phraseAnswer(reply, deps.phraser);
        if (outcome.phrased) phrasing = { text: outcome.answer.text, cited: outcome.cited };
        else fallback = outcome.reason;
      }
      const id = await questions.recordQuestion({
        question,
        answered: reply.answered,
        citedSection: reply.answered ? citedSectionKey(reply.best) : null,
        askedAt: now().toISOString(),
        phrasing: phrasing ? { text: phrasing.text, section: citedSectionKey(phrasing.cited) } : null,
      });
      logger.info({ event: 'question.answered', answered: reply.answered, questionId: id }, 'question handled');
      if (phrasing) logger.info({ event: 'answer.phrased', questionId: id }, 'answer phrased from the cited section');
      if (fallback) logger.info({ event: 'answer.phrasingFallback', reason: fallback, questionId: id }, 'extractive answer kept');
      const card = reply.answered ? renderAnswerCard(reply, id, undefined, phrasing) : renderNotCoveredCard(question, title());
      await ctx.sendActivity(cardMessage(card));
    });
    },
  };
}
