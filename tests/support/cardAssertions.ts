import * as AC from 'adaptivecards/dist/adaptivecards.js';

/** Teams rejects bot messages over about 100 KB; 80 KB is Microsoft's recommended ceiling. */
export const TEAMS_CARD_BYTES_LIMIT = 80 * 1024;

/** Parses a card with the official adaptivecards library and returns every parse and validation problem. */
export function cardProblems(card: unknown): string[] {
  const problems: string[] = [];
  const json = card as { type?: string; version?: string };
  if (json?.type !== 'AdaptiveCard') problems.push('type is not AdaptiveCard');
  if (json?.version !== '1.5') problems.push(`version is ${json?.version}, Teams Universal Actions need 1.5`);
  const ac = new AC.AdaptiveCard();
  const ctx = new AC.SerializationContext(new AC.Version(1, 5));
  ac.parse(card as object, ctx);
  for (let i = 0; i < ctx.eventCount; i++) problems.push(`parse: ${ctx.getEventAt(i).message}`);
  const results = ac.validateProperties();
  for (const e of results.validationEvents) problems.push(`validate: ${e.message}`);
  const unbound = JSON.stringify(card).match(/\$\{[^}]*\}/g);
  if (unbound) problems.push(`unexpanded bindings: ${unbound.join(', ')}`);
  const bytes = Buffer.byteLength(JSON.stringify(card), 'utf8');
  if (bytes > TEAMS_CARD_BYTES_LIMIT) problems.push(`card is ${bytes} bytes, over ${TEAMS_CARD_BYTES_LIMIT}`);
  return problems;
}

/** Collects every `verb` an Action.Execute or Action.Submit in the card carries. */
export function cardVerbs(card: unknown): string[] {
  const verbs: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const obj = node as Record<string, unknown>;
    if (obj.type === 'Action.Execute' && typeof obj.verb === 'string') verbs.push(obj.verb);
    if (obj.type === 'Action.Submit' && obj.data && typeof (obj.data as { verb?: unknown }).verb === 'string') {
      verbs.push((obj.data as { verb: string }).verb);
    }
    Object.values(obj).forEach(walk);
  };
  walk(card);
  return verbs;
}

/** All the text an Adaptive Card shows (text, titles, values), in order: what a person would read. */
export function shownText(card: unknown): string {
  const out: string[] = [];
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (!n || typeof n !== 'object') return;
    const o = n as Record<string, unknown>;
    for (const k of ['text', 'title', 'value']) if (typeof o[k] === 'string') out.push(o[k] as string);
    Object.values(o).forEach(walk);
  };
  walk(card);
  return out.join('\n');
}
