import { ActivityTypes, TurnContext } from 'botbuilder';
import { isPersonal } from '../../../teams/activityFacts';
import { ADAPTIVE_CARD_CONTENT_TYPE, AdaptiveCardJson, cardMessage } from '../../../teams/cards';

/**
 * Answers an Action.Execute with a card, deciding here, for this one answer, who sees it. teams-ai's own answer keeps
 * a per-verb setting that one card with `refresh` switches to "replace for everyone" for good, so that a case opened
 * in a 1:1 chat made every later Open or Acknowledge in the safeguarding channel replace the channel's message, for
 * everyone in it, with the case's details. Here: in a person's 1:1 chat a card with `refresh` replaces the message
 * (only they see it, and Teams refreshes it from then on); anywhere else the card goes to the person who pressed only.
 * Returns '' for the handler to return: the answer is already sent, so teams-ai adds nothing.
 */
export async function answerWithCard(context: TurnContext, card: AdaptiveCardJson): Promise<string> {
  const a = context.activity;
  if (card.refresh && isPersonal(a) && a.replyToId) {
    await context.updateActivity({ ...cardMessage(card), id: a.replyToId });
  } else if (card.refresh) {
    // Never outside a 1:1 chat: a card with refresh there would be shown, and kept current, for everyone.
    delete card.refresh;
  }
  await context.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status: 200, body: { statusCode: 200, type: ADAPTIVE_CARD_CONTENT_TYPE, value: card } } });
  return '';
}

/** Answers with a card or a message: a message goes back through teams-ai as it always has. */
export async function answerInvoke(context: TurnContext, result: AdaptiveCardJson | string): Promise<AdaptiveCardJson | string> {
  return typeof result === 'string' ? result : answerWithCard(context, result);
}
