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

/**
 * What Teams sends when a person presses an Action.Execute: the action's data with every input of the card merged in
 * (its id and value as shown, or `typed` where the test types something), as Universal Actions do.
 */
export function pressData(card: unknown, action: { data?: unknown }, typed: Record<string, string> = {}): Record<string, unknown> {
  const inputs: Record<string, unknown> = {};
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (!n || typeof n !== 'object') return;
    const o = n as Record<string, unknown>;
    if (typeof o.type === 'string' && o.type.startsWith('Input.') && typeof o.id === 'string') inputs[o.id] = o.value ?? '';
    Object.values(o).forEach(walk);
  };
  walk(card);
  return { ...inputs, ...typed, ...(action.data as Record<string, unknown> ?? {}) };
}

/** Every Action.Execute in a card (actions, action sets, select actions), with its title, verb and data. */
export function executeActions(card: unknown): { title?: string; verb: string; data: Record<string, unknown> }[] {
  const out: { title?: string; verb: string; data: Record<string, unknown> }[] = [];
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (!n || typeof n !== 'object') return;
    const o = n as Record<string, unknown>;
    if (o.type === 'Action.Execute' && typeof o.verb === 'string') out.push({ title: o.title as string | undefined, verb: o.verb, data: (o.data ?? {}) as Record<string, unknown> });
    Object.values(o).forEach(walk);
  };
  walk(card);
  return out;
}

/**
 * How a reply offers to send its question to the policy owners (issue 69): Send at once on "the policy doesn't cover
 * that", or first "No" on "Was this helpful?" or "None of these" on a "not sure" reply, whose redrawn card then offers
 * it. `first` is that first press, when there is one; `send` is Send, when the reply offers it already.
 */
export function sendingStepOf(reply: unknown): { send?: { verb: string; data: Record<string, unknown> }; first?: { verb: string; data: Record<string, unknown> } } {
  const actions = executeActions(reply);
  const send = actions.find((a) => a.verb === 'policy.sendToOwners');
  if (send) return { send };
  const first = actions.find((a) => a.verb === 'policy.feedback' && a.data.helpful === false)
    ?? actions.find((a) => a.verb === 'policy.chooseSection' && a.data.section === 'none');
  return first ? { first } : {};
}

/** Calls `visit` on every object in a card (elements, inlines, actions, columns), depth first. */
function eachElement(card: unknown, visit: (element: Record<string, any>) => void): void {
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (!n || typeof n !== 'object') return;
    visit(n as Record<string, any>);
    Object.values(n).forEach(walk);
  };
  walk(card);
}

/**
 * A card's facts, title -> value: a FactSet's facts, and the rows that show a fact whose value a person wrote (a
 * ColumnSet of a title TextBlock and a RichTextBlock of TextRuns, as a FactSet value would be read as markdown).
 */
export function cardFacts(card: unknown): Map<string, string> {
  const facts = new Map<string, string>();
  eachElement(card, (o) => {
    if (o.type === 'FactSet') for (const f of o.facts ?? []) facts.set(f.title, f.value);
    if (o.type === 'ColumnSet' && o.columns?.length === 2) {
      const [title, value] = o.columns.map((c: { items?: any[] }) => c.items ?? []);
      if (title.length === 1 && title[0].type === 'TextBlock' && value.length === 1 && value[0].type === 'RichTextBlock') {
        facts.set(title[0].text, value[0].inlines.map((r: { text: string }) => r.text).join(''));
      }
    }
  });
  return facts;
}

/** Every string Teams reads as markdown in a card: TextBlock text and FactSet titles and values, anywhere in it. */
export function markdownCarriers(card: unknown): string[] {
  const out: string[] = [];
  eachElement(card, (o) => {
    if (o.type === 'TextBlock' && typeof o.text === 'string') out.push(o.text);
    if (o.type === 'FactSet') for (const f of (o.facts ?? []) as { title: string; value: string }[]) out.push(f.title, f.value);
  });
  return out;
}

/** Every TextRun's text in a card: shown as text, never read as markdown. */
export function textRuns(card: unknown): string[] {
  const out: string[] = [];
  eachElement(card, (o) => {
    if (o.type === 'TextRun' && typeof o.text === 'string') out.push(o.text);
  });
  return out;
}
