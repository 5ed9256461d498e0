import fs from 'node:fs';
import path from 'node:path';
import { readDisclosureSignals } from '../../src/features/policy/disclosure/disclosureSignals';
import { mayBeAboutParticularChild } from '../../src/features/policy/disclosure/disclosureDetector';
import { readConcernCue } from '../../src/features/policy/reportOffer/concernCue';
import { expandQuestion, indexTerms } from '../../src/features/policy/answer/lexicon';

/**
 * Every decision the word lists make (the disclosure signals, the concern cue, the lexicon's expansion of a question
 * and the terms a passage is indexed under), on every text the project has written, one text a line, so that an edit
 * to a list (src/features/policy/wordLists/) can be checked for decisions it changes (issue 68). Plain code, no model:
 * it runs in a few seconds.
 *
 *   node dist/research/scripts/wordListDecisions.js --out FILE       record the decisions of the lists as built
 *   node dist/research/scripts/wordListDecisions.js --compare A B    list every text whose decisions differ
 *
 * Texts: research/eval/*.jsonl (text, q, draft), research/corpus/questions/ and research/corpus/disclosures/ (q or
 * text); the passages of samples/policies/ and research/corpus/policies/ (a paragraph each) for the index terms alone.
 */
const root = path.resolve(__dirname, '..', '..', '..');

interface Row {
  /** The set and the line (or paragraph) the text came from. */
  at: string;
  text: string;
  decisions: Record<string, unknown>;
}

const jsonl = (file: string): Record<string, unknown>[] =>
  fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Record<string, unknown>);
const filesIn = (dir: string, pattern: RegExp): string[] =>
  fs.readdirSync(path.join(root, dir)).filter((f) => pattern.test(f)).sort().map((f) => path.join(dir, f));

/** Every decision the product makes from the lists on a message typed to the bot. */
function messageDecisions(text: string): Record<string, unknown> {
  return {
    signals: readDisclosureSignals(text),
    particularChild: mayBeAboutParticularChild(text),
    concernCue: readConcernCue(text) ?? null,
    expansion: expandQuestion(text).map((t) => `${t.term} ${t.concept} ${t.weight}`),
    indexTerms: indexTerms(text),
  };
}

function* rows(): Generator<Row> {
  const sets = [
    ...filesIn('research/eval', /\.jsonl$/),
    ...filesIn('research/corpus/questions', /\.jsonl$/),
    ...filesIn('research/corpus/disclosures', /\.jsonl$/),
    ...filesIn('research/corpus/disclosures/written', /\.jsonl$/),
  ];
  for (const set of sets) {
    const items = jsonl(path.join(root, set));
    for (const [i, item] of items.entries()) {
      for (const field of ['text', 'q', 'draft']) {
        const text = item[field];
        if (typeof text === 'string') yield { at: `${set}:${i + 1}:${field}`, text, decisions: messageDecisions(text) };
      }
    }
  }
  for (const policy of [...filesIn('samples/policies', /\.txt$/), ...filesIn('research/corpus/policies', /\.txt$/)]) {
    const paragraphs = fs.readFileSync(path.join(root, policy), 'utf8').split(/\n\s*\n/).map((p) => p.trim()).filter((p) => p.length > 0);
    for (const [i, text] of paragraphs.entries()) yield { at: `${policy}:${i + 1}`, text, decisions: { indexTerms: indexTerms(text) } };
  }
}

function record(out: string): void {
  const lines: string[] = [];
  let decisions = 0;
  for (const row of rows()) {
    lines.push(JSON.stringify(row));
    decisions += Object.keys(row.decisions).length;
  }
  fs.writeFileSync(out, `${lines.join('\n')}\n`);
  console.log(`${lines.length} texts, ${decisions} decisions written to ${out}`);
}

/** What changed in one decision, in words: signals flag by flag, lists by what was added and lost. */
function difference(name: string, before: unknown, after: unknown): string | undefined {
  if (JSON.stringify(before) === JSON.stringify(after)) return undefined;
  if (Array.isArray(before) && Array.isArray(after)) {
    const added = after.filter((x) => !before.includes(x));
    const lost = before.filter((x) => !after.includes(x));
    if (added.length === 0 && lost.length === 0) return `${name}: same items, another order`;
    return `${name}: ${[added.length > 0 ? `+ ${added.join(', ')}` : '', lost.length > 0 ? `- ${lost.join(', ')}` : ''].filter(Boolean).join('; ')}`;
  }
  if (before && after && typeof before === 'object' && typeof after === 'object') {
    const b = before as Record<string, unknown>;
    const a = after as Record<string, unknown>;
    const changed = Object.keys({ ...b, ...a }).filter((k) => b[k] !== a[k]).map((k) => `${k} ${String(b[k])} -> ${String(a[k])}`);
    return `${name}: ${changed.join(', ')}`;
  }
  return `${name}: ${JSON.stringify(before)} -> ${JSON.stringify(after)}`;
}

function compare(beforeFile: string, afterFile: string): void {
  const read = (file: string): Map<string, Row> =>
    new Map(fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Row).map((r) => [r.at, r]));
  const before = read(beforeFile);
  const after = read(afterFile);
  let decisions = 0;
  let changed = 0;
  let reordered = 0;
  for (const [at, b] of before) {
    const a = after.get(at);
    if (!a) {
      console.log(`${at}: missing from ${afterFile}`);
      continue;
    }
    const diffs: string[] = [];
    for (const name of Object.keys(b.decisions)) {
      decisions += 1;
      const d = difference(name, b.decisions[name], a.decisions[name]);
      if (d) diffs.push(d);
    }
    if (diffs.length > 0) {
      changed += diffs.length;
      reordered += diffs.filter((d) => d.endsWith('another order')).length;
      console.log(`${at}: ${b.text}\n  ${diffs.join('\n  ')}`);
    }
  }
  console.log(`${before.size} texts, ${decisions} decisions compared, ${changed} changed (${reordered} of them the same items in another order)`);
}

const args = process.argv.slice(2);
if (args[0] === '--out' && args[1]) record(args[1]);
else if (args[0] === '--compare' && args[1] && args[2]) compare(args[1], args[2]);
else {
  console.log('usage: node dist/research/scripts/wordListDecisions.js --out FILE | --compare BEFORE AFTER');
  process.exit(args.includes('--help') ? 0 : 1);
}
