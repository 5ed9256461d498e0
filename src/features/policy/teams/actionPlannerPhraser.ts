import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { Activity, ActivityTypes, BotAdapter, ConversationReference, ResourceResponse, TurnContext } from 'botbuilder';
import { ActionPlanner, Memory, OpenAIModel, PromptManager } from '@microsoft/teams-ai';
import { CoreSettings } from '../../../config/coreSettings';
import { AnswerPhraser, PhrasingError, RetrievedSection } from '../answer/answerPhrasing';

/** The prompt folder (config.json + skprompt.txt) next to this module, copied into dist by `npm run build`. */
export const PHRASE_ANSWER_PROMPT = 'phraseAnswer';

/** The Azure OpenAI REST API version used for chat completions (a GA version that supports JSON mode). */
export const AZURE_OPENAI_API_VERSION = '2024-10-21';

const DEFAULT_PROMPTS_FOLDER = path.resolve(__dirname, 'prompts');

/** What the phraser needs: the Azure OpenAI settings, and for a local https fake, its certificate. */
export interface ActionPlannerPhraserOptions {
  settings: NonNullable<CoreSettings['openAI']>;
  /** Extra CA certificate (PEM) to trust, for a local https fake; production uses the system store. */
  trustedCa?: string;
  /** Where the prompt folders are (default: prompts/ next to this module, or its copy in dist). */
  promptsFolder?: string;
}

/** Thrown at startup when the prompt files are missing (for example a build that did not copy them). */
export class PromptFilesMissingError extends Error {
  readonly code = 'PROMPT_FILES_MISSING';

  constructor(folder: string) {
    super(`The answer-phrasing prompt is missing: expected config.json and skprompt.txt in ${folder} (run npm run build)`);
    this.name = 'PromptFilesMissingError';
  }
}

/**
 * Creates an AnswerPhraser on a teams-ai ActionPlanner with an Azure OpenAI model. Only the retrieved
 * sections and the question go into the prompt; the call is cut off at the configured timeout, with no
 * retries, and every failure becomes a PhrasingError the domain turns into the extractive answer.
 */
export function createActionPlannerPhraser(options: ActionPlannerPhraserOptions): AnswerPhraser {
  const { settings } = options;
  const promptsFolder = options.promptsFolder ?? DEFAULT_PROMPTS_FOLDER;
  const promptFolder = path.join(promptsFolder, PHRASE_ANSWER_PROMPT);
  if (!['config.json', 'skprompt.txt'].every((f) => fs.existsSync(path.join(promptFolder, f)))) throw new PromptFilesMissingError(promptFolder);

  const model = new OpenAIModel({
    azureApiKey: settings.apiKey,
    azureDefaultDeployment: settings.deployment,
    azureEndpoint: settings.endpoint,
    azureApiVersion: AZURE_OPENAI_API_VERSION,
    // Instructions and policy text as the system message, the question as the user's: the question cannot pose as policy.
    useSystemMessages: true,
    responseFormat: { type: 'json_object' },
    clientOptions: {
      // A retry would only run into the timeout; the extractive answer is the retry.
      maxRetries: 0,
      timeout: settings.timeoutMs,
      httpAgent: options.trustedCa ? new https.Agent({ ca: options.trustedCa, keepAlive: true }) : undefined,
    },
  });
  const planner = new ActionPlanner({
    model,
    prompts: new PromptManager({ promptsFolder }),
    defaultPrompt: PHRASE_ANSWER_PROMPT,
    max_repair_attempts: 0,
  });

  return {
    async phrase(question: string, sections: readonly RetrievedSection[]): Promise<string> {
      const memory = new ScratchMemory();
      memory.setValue('temp.input', question);
      memory.setValue('temp.sections', sections.map((s) => `[${s.id}] ${s.label}\n${s.text}`).join('\n\n'));
      const completion = planner.completePrompt(detachedContext(), memory, PHRASE_ANSWER_PROMPT);
      const result = await withTimeout(completion, settings.timeoutMs);
      if (result.status === 'success') return typeof result.message?.content === 'string' ? result.message.content : '';
      throw new PhrasingError(result.status === 'too_long' ? 'PROMPT_TOO_LONG' : 'MODEL_ERROR');
    },
  };
}

/** Rejects with a TIMEOUT PhrasingError when the model has not answered in time (the client's own timeout aborts the request). */
function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new PhrasingError('TIMEOUT')), ms);
  });
  // The losing promise must not surface later as an unhandled rejection.
  work.catch(() => undefined);
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** Per-call prompt variables: nothing from one question can reach another's prompt. */
class ScratchMemory implements Memory {
  private readonly values = new Map<string, unknown>();

  deleteValue(key: string): void {
    this.values.delete(key);
  }

  hasValue(key: string): boolean {
    return this.values.has(key);
  }

  getValue<TValue = unknown>(key: string): TValue {
    return this.values.get(key) as TValue;
  }

  setValue(key: string, value: unknown): void {
    this.values.set(key, value);
  }
}

/**
 * ActionPlanner.completePrompt needs a TurnContext (it only uses it to tell concurrent completions apart);
 * this one belongs to no conversation and refuses to send anything.
 */
function detachedContext(): TurnContext {
  return new TurnContext(new DetachedAdapter(), { type: ActivityTypes.Message, channelId: 'answer-phrasing' });
}

class DetachedAdapter extends BotAdapter {
  sendActivities(_context: TurnContext, _activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    return Promise.reject(new Error('the answer-phrasing context cannot send activities'));
  }

  updateActivity(_context: TurnContext, _activity: Partial<Activity>): Promise<void> {
    return Promise.reject(new Error('the answer-phrasing context cannot update activities'));
  }

  deleteActivity(_context: TurnContext, _reference: Partial<ConversationReference>): Promise<void> {
    return Promise.reject(new Error('the answer-phrasing context cannot delete activities'));
  }

  continueConversation(_reference: Partial<ConversationReference>, _logic: (context: TurnContext) => Promise<void>): Promise<void> {
    return Promise.reject(new Error('the answer-phrasing context has no conversation'));
  }
}
