import * as ACData from 'adaptivecards-templating';
import { Verbs } from './verbs';

/** An Adaptive Card as JSON, ready to send as `application/vnd.microsoft.card.adaptive`. */
export interface AdaptiveCardJson {
  type: 'AdaptiveCard';
  version: string;
  body?: unknown[];
  actions?: unknown[];
  [key: string]: unknown;
}

/** The content type of an Adaptive Card attachment. */
export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

/**
 * Expands a card template (Adaptive Card 1.5 JSON with `${...}` bindings) with data. The verbs are always
 * available to templates as `${verbs.name}` so no template spells a verb by hand.
 */
export function expandCardTemplate(template: object, data: object): AdaptiveCardJson {
  const expanded = new ACData.Template(template).expand({ $root: { ...data, verbs: Verbs } });
  return expanded as AdaptiveCardJson;
}

/** Wraps a card as a Bot Framework attachment. */
export function toAttachment(card: AdaptiveCardJson): { contentType: string; content: AdaptiveCardJson } {
  return { contentType: ADAPTIVE_CARD_CONTENT_TYPE, content: card };
}
