import { Activity, ActivityTypes, MemoryStorage, TurnContext } from 'botbuilder';
import { AdaptiveCardsOptions, Application, TeamsAdapter, TurnState } from '@microsoft/teams-ai';
import { AnswerCardPhrasing, renderAnswerCard } from '../cards/answerCard';
import { toAttachment } from '../cards/cardTemplate';
import { renderContentsCard } from '../cards/contentsCard';
import { renderHelpCard } from '../cards/helpCard';
import { renderNotCoveredCard } from '../cards/notCoveredCard';
import { renderSectionCard } from '../cards/sectionCard';
import { renderWelcomeCard } from '../cards/welcomeCard';
import { Verbs } from '../cards/verbs';
import { AppLogger } from '../logger';
import { AnswerPhraser, phraseAnswer } from '../policy/answerPhrasing';
import { Answer, answerQuestion } from '../policy/answerQuestion';
import { findSection, PolicyLibrary } from '../policy/policyLibrary';
import { QuestionLog } from '../policy/questionLog';
import { BotApp, BotFeature } from './botFeature';

/** What the bot needs: the indexed policy, the question log, who owns the policy, and feature plug-ins. */
export interface BotAppDeps {
  adapter: TeamsAdapter;
  library: PolicyLibrary;
  questions: QuestionLog;
  policyOwners: readonly string[];
  logger: AppLogger;
  features?: readonly BotFeature[];
  /** Optional AI phrasing of answers (Azure OpenAI); without it answers are extractive only. */
  phraser?: AnswerPhraser;
  /** Bot's app id, needed for proactive messages in production. */
  botAppId?: string;
  now?: () => Date;
}

const MAX_QUESTION_CHARS = 500;

/** The question log's key for a cited section: "liverpool-model#7". */
function citedSectionKey(match: { doc: { id: string }; section: { ordinal: number } }): string {
  return `${match.doc.id}#${match.section.ordinal}`;
}

/** An invoke response carrying a plain message, in the shape each kind of invoke expects. */
function invokeMessage(name: string | undefined, message: string): Partial<Activity> {
  let body: unknown;
  if (name === 'adaptiveCard/action') body = { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: message };
  else if (name === 'composeExtension/query') body = { composeExtension: { type: 'message', text: message } };
  else if (name && /fetchTask|submitAction|^task\//.test(name)) body = { task: { type: 'message', value: message } };
  else body = { message };
  return { type: ActivityTypes.InvokeResponse, value: { status: 200, body } };
}

/** Builds the teams-ai application: features first, then policy commands, then question answering. */
export function createBotApp(deps: BotAppDeps): BotApp {
  const { library, questions, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const adaptiveCards: AdaptiveCardsOptions = {};
  const app = new Application<TurnState>({
    adapter: deps.adapter,
    botAppId: deps.botAppId,
    storage: new MemoryStorage(),
    adaptiveCards,
    removeRecipientMention: true,
    startTypingTimer: false,
  });
  const isOwner = (ctx: TurnContext): boolean => deps.policyOwners.includes(ctx.activity.from?.aadObjectId ?? '');
  const title = library.primary.title;

  for (const feature of deps.features ?? []) feature.register(app);

  app.conversationUpdate('membersAdded', async (ctx) => {
    const added = ctx.activity.membersAdded ?? [];
    const botAdded = added.some((m) => m.id === ctx.activity.recipient?.id);
    const personal = ctx.activity.conversation?.conversationType === 'personal';
    if (botAdded || (personal && added.length > 0)) {
      await ctx.sendActivity({ attachments: [toAttachment(renderWelcomeCard(title))] });
    }
  });

  app.message(/^\s*help\s*$/i, async (ctx) => {
    await ctx.sendActivity({ attachments: [toAttachment(renderHelpCard(title, isOwner(ctx), library.primary.warnings))] });
  });

  app.message(/^\s*(contents|table of contents|sections)\s*$/i, async (ctx) => {
    for (const doc of library.documents) await ctx.sendActivity({ attachments: [toAttachment(renderContentsCard(doc))] });
  });

  app.message(/^\s*section\s+\S+/i, async (ctx) => {
    const key = (ctx.activity.text ?? '').trim().replace(/^section\s+/i, '');
    const found = findSection(library, key);
    if (!found) {
      await ctx.sendActivity(`There is no section "${key.slice(0, 40)}" in ${title}. Type **contents** to see the section list.`);
      return;
    }
    await ctx.sendActivity({ attachments: [toAttachment(renderSectionCard(found.doc, found.section))] });
  });

  app.message(/^\s*unanswered\s*$/i, async (ctx) => {
    if (!isOwner(ctx)) {
      await ctx.sendActivity('Only the policy owners can see the questions the policy could not answer.');
      return;
    }
    const failed = questions.listFailed(20);
    const lines = failed.map((q) => `- ${q.askedAt.slice(0, 10)} ${q.answered ? '(marked not helpful)' : '(not covered)'}: ${q.question}`);
    await ctx.sendActivity(failed.length === 0
      ? 'No unanswered questions so far.'
      : `Questions the policy did not answer well (newest first):\n\n${lines.join('\n')}`);
  });

  app.adaptiveCards.actionExecute(Verbs.showContents, async () => renderContentsCard(library.primary));

  app.adaptiveCards.actionExecute(Verbs.showHelp, async (ctx) => renderHelpCard(title, isOwner(ctx), library.primary.warnings));

  app.adaptiveCards.actionExecute<{ section?: unknown; document?: unknown }>(Verbs.readSection, async (_ctx, _state, data) => {
    const key = typeof data?.section === 'string' || typeof data?.section === 'number' ? String(data.section).slice(0, 20) : '';
    const documentId = typeof data?.document === 'string' ? data.document.slice(0, 100) : undefined;
    const found = key ? findSection(library, key, documentId) : null;
    return found ? renderSectionCard(found.doc, found.section) : 'That section could not be found. Type **contents** to see the section list.';
  });

  app.adaptiveCards.actionExecute<{ questionId?: unknown; helpful?: unknown }>(Verbs.feedback, async (_ctx, _state, data) => {
    const id = typeof data?.questionId === 'string' ? data.questionId.slice(0, 64) : '';
    const helpful = data?.helpful === true || data?.helpful === 'true' ? true : data?.helpful === false || data?.helpful === 'false' ? false : undefined;
    if (helpful === undefined) return 'Sorry, I could not read that answer. Please press Yes or No on the card.';
    const asked = id ? questions.getQuestion(id) : null;
    if (!asked || !questions.recordFeedback(id, helpful, now().toISOString())) {
      return 'Sorry, I could not find that question any more. Please ask it again.';
    }
    logger.info({ event: 'answer.feedback', helpful }, 'feedback recorded');
    const answer = answerQuestion(library.index, asked.question);
    if (!answer.answered) return renderNotCoveredCard(asked.question, title);
    // The card is redrawn as it was sent: with its AI phrasing, while the section it cited is still matched.
    const shown = answer.secondary ? [answer.best, answer.secondary] : [answer.best];
    const cited = asked.phrasing ? shown.find((m) => citedSectionKey(m) === asked.phrasing?.section) : undefined;
    const phrasing = asked.phrasing && cited ? { text: asked.phrasing.text, cited } : undefined;
    return renderAnswerCard(answer, id, { given: true, helpful }, phrasing);
  });

  app.activity(ActivityTypes.Message, async (ctx) => {
    const text = (ctx.activity.text ?? '').trim();
    if (text === '') {
      if (ctx.activity.value === undefined) await ctx.sendActivity('Ask me a question about the policy, or type **help**.');
      return;
    }
    const question = text.slice(0, MAX_QUESTION_CHARS);
    const answer: Answer = answerQuestion(library.index, question);
    let phrasing: AnswerCardPhrasing | undefined;
    let fallback: string | undefined;
    if (answer.answered && deps.phraser) {
      // The model may take seconds; show that the bot is on it.
      // Best effort: a typing indicator Teams refuses must not cost the answer.
      await ctx.sendActivity({ type: ActivityTypes.Typing }).catch(() => undefined);
      const outcome = await phraseAnswer(answer, deps.phraser);
      if (outcome.phrased) phrasing = { text: outcome.answer.text, cited: outcome.cited };
      else fallback = outcome.reason;
    }
    const id = questions.recordQuestion({
      question,
      answered: answer.answered,
      citedSection: answer.answered ? citedSectionKey(answer.best) : null,
      askedAt: now().toISOString(),
      phrasing: phrasing ? { text: phrasing.text, section: citedSectionKey(phrasing.cited) } : null,
    });
    logger.info({ event: 'question.answered', answered: answer.answered, questionId: id }, 'question handled');
    if (phrasing) logger.info({ event: 'answer.phrased', questionId: id }, 'answer phrased from the cited section');
    if (fallback) logger.info({ event: 'answer.phrasingFallback', reason: fallback, questionId: id }, 'extractive answer kept');
    const card = answer.answered ? renderAnswerCard(answer, id, undefined, phrasing) : renderNotCoveredCard(question, title);
    await ctx.sendActivity({ attachments: [toAttachment(card)] });
  });

  // Any invoke no feature claimed (an unknown or retired verb, a stale card) still gets a clear answer.
  app.activity(ActivityTypes.Invoke, async (ctx) => {
    await ctx.sendActivity(invokeMessage(ctx.activity.name, 'That button or action is not available any more. Type **help** to see what I can do.'));
  });

  app.error(async (ctx, err) => {
    logger.error({ event: 'turn.error', code: (err as { code?: string }).code, name: (err as Error).name }, 'turn failed');
    const sorry = 'Sorry, something went wrong on my side. Please try again in a moment.';
    if (ctx.activity.type === ActivityTypes.Invoke) await ctx.sendActivity(invokeMessage(ctx.activity.name, sorry));
    else await ctx.sendActivity(sorry);
  });

  return app;
}
