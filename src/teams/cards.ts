import * as ACData from 'adaptivecards-templating';
import { bulletMarker, BulletIndents, readBullet } from '../shared/bullets';
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
  let compiled = compiledTemplates.get(template);
  if (!compiled) {
    compiled = new ACData.Template(template);
    compiledTemplates.set(template, compiled);
  }
  return compiled.expand({ $root: { ...data, verbs: Verbs } }) as AdaptiveCardJson;
}

// Templates are parsed once; answering a question only binds data.
const compiledTemplates = new WeakMap<object, ACData.Template>();

/** Wraps a card as a Bot Framework attachment. */
export function toAttachment(card: AdaptiveCardJson): { contentType: string; content: AdaptiveCardJson } {
  return { contentType: ADAPTIVE_CARD_CONTENT_TYPE, content: card };
}

/** A message carrying one card: the one way every feature sends a card. */
export function cardMessage(card: AdaptiveCardJson, summary?: string): { type: 'message'; attachments: ReturnType<typeof toAttachment>[]; summary?: string } {
  return { type: 'message', attachments: [toAttachment(card)], ...(summary ? { summary } : {}) };
}

/** A task module (dialog) showing one card, as message extensions and task/fetch return it. */
export function cardTaskModule(title: string, card: AdaptiveCardJson): { title: string; card: ReturnType<typeof toAttachment>; height: 'large'; width: 'medium' } {
  return { title, card: toAttachment(card), height: 'large', width: 'medium' };
}

/** One line of text a person wrote, ready for a template's RichTextBlock: its text and how far it sits from the line above. */
export interface TextLine {
  text: string;
  spacing: 'None' | 'Small' | 'Default';
}

/**
 * Text a person wrote (a policy's title, headings and sentences, a key point, a file name), as lines for
 * RichTextBlocks of TextRuns: a TextBlock reads its text as markdown (links, **bold**, lists, <at> mentions), a
 * TextRun never does, so the text is shown as text. Paragraphs (a blank line between) are spaced as a TextBlock spaces
 * them, the lines of one paragraph sit close, and a line the text marks as a bullet ("- ", "• ") reads "• ", a sub-bullet
 * indented under it ("◦ "), as the reader shows them.
 */
export function textLines(text: string): TextLine[] {
  const out: TextLine[] = [];
  for (const paragraph of text.split(/\n\s*\n/)) {
    const lines = paragraph.split('\n').map((l) => l.trimEnd()).filter((l) => l.trim() !== '');
    // A sub-bullet sits under its lead-in, indented, as the policy nests it.
    const indents: BulletIndents = [];
    lines.forEach((line, i) => {
      const bullet = readBullet(line, indents);
      out.push({ text: bullet ? `${bulletMarker(bullet.level)}${bullet.text}` : line, spacing: i > 0 ? 'None' : 'Default' });
    });
  }
  return out;
}

/** A card input's text as submitted, at most `max` characters: only a string is text (a forged card may send anything). */
export function cardText(value: unknown, max: number): string {
  return typeof value === 'string' ? value.slice(0, max) : '';
}
