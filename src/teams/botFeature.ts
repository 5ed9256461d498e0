import { Application, TurnState } from '@microsoft/teams-ai';

/** The teams-ai application the bot runs. */
export type BotApp = Application<TurnState>;

/**
 * A capability (acknowledgement, concerns) plugs into the bot by registering its message routes, card
 * verbs and invokes. Features register before the question-answering catch-all so their routes win.
 */
export interface BotFeature {
  name: string;
  register(app: BotApp): void;
}
