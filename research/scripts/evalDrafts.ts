import fs from 'node:fs';
import path from 'node:path';
import { loadDraftChecker, loadRuleReader } from '../../src/compose/drafts';
import { loadDisclosureDetector } from '../../src/compose/disclosure';
import { createLogger } from '../../src/shared/logger';
import { parsePolicyText } from '../../src/features/policy/ingest/parsePolicy';
import { createPolicyLibrary } from '../../src/features/policy/policyLibrary';
import { normaliseForMatch } from '../../src/features/policy/answer/evaluateAnswers';
import { PolicyDocument } from '../../src/features/policy/policyDocument';
import { createPolicyRuleFinder, RuleReaderDeps, SchoolRuleBook } from '../../src/features/policy/drafts/draftRules';
import { DRAFT_CONCERNS, DraftConcernId, DraftContext } from '../../src/features/policy/drafts/draftConcerns';
import { probeOf, sectionsHolding } from './ruleLabels';

/**
 * `npm run eval:drafts`: what "check my post" (issue 53) does, as the bot runs it (the shipped draft encoder and heads,
 * each concern's rule found by the rule reader on the disclosure detector's encoder).
 * - `--rules`: the rule found for each concern in each corpus policy against research/corpus/drafts/rules.jsonl (the sentences
 *   a helper marked as that policy's rule, or none): right section, right sentence, found where the policy has none;
 *   by the shipped rule reader (which learnt from these rows: in sample, so its out-of-fold figures are
 *   fit_rules.py's) and by the answering stack's lookup it replaced.
 *   `--rules-file FILE --policies DIR` judges it on another labelled set in that format (a development set written
 *   apart, or a key to the real policies, whose `weak` catch-alls are counted apart).
 * - `--blind [--file PATH] [--policies DIR] [--key FILE]`: research/eval/drafts-blind.jsonl, or PATH (a sealed set in its format, its
 *   policies' files in samples/policies/ or DIR), written apart by helpers who saw no code, list or training data, for
 *   the five real policies; never trained on. Per concern recall and precision, drafts with a problem not told
 *   "nothing stops this", harmless drafts told so, and the rule quoted from the section holding the sentence the
 *   tester copied (and, with `--key`, from a section holding one of the key's fair rules for that policy and concern, or
 *   none where the key has none). `--misses` prints what it got wrong (for the issue's note, never for tuning).
 *   `--model DIR` checks the drafts with a draft model folder ship.py wrote instead of the shipped ones (`--pointer DIR`
 *   adds a model pointing to the evidence, as models/drafts does for the larger model). `--confirmed FILE`
 *   has an owner decide each policy's rules first, as a key in draft-rules-real.jsonl's format says (issue 71: the school
 *   owns its rules), so the rule figures are those of confirmed rules rather than the reader's proposals.
 * - `--rule-encoder DIR`, with either: the rule reader in DIR's heads.json (a candidate fit_rules.py --write wrote into a
 *   copy of models/encoder) instead of the shipped one.
 */
const root = path.resolve(__dirname, '..', '..', '..');
const jsonl = <T>(file: string): T[] => fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as T);
const pct = (a: number, b: number): string => (b === 0 ? 'n/a' : `${a}/${b} (${((100 * a) / b).toFixed(1)}%)`);

function ruleFinderFor(text: string, source: string, reader?: RuleReaderDeps) {
  const doc = parsePolicyText(text, source);
  const library = createPolicyLibrary([doc]);
  return { doc, find: createPolicyRuleFinder(library, reader) };
}

/**
 * A policy's rule on a concern, as a labeller marked it: every sentence that states it (`rules`, none where the policy
 * has no rule), the one to quote (`best`), and in a key to real policies the catch-alls (`weak`) that are not wrong to
 * quote but not the rule either.
 */
interface RuleRow { policy: string; concern: DraftConcernId; rules: string[]; best: string | null; weak?: string[] }

/** The value after a flag, or the fallback. */
const option = (name: string, fallback: string): string => {
  const at = process.argv.indexOf(name);
  return at >= 0 && process.argv[at + 1] ? path.resolve(process.argv[at + 1]) : fallback;
};

/** `--rule-encoder DIR`: an encoder folder whose heads.json's `rules` (a candidate rule reader) replaces models/encoder's. */
const ruleEncoderDir = (): string => option('--rule-encoder', '');

/** The labelled rules --rules judges: research/corpus/drafts/rules.jsonl, or --rules-file over --policies (a set written apart). */
const rulesFile = (): { file: string; policies: string } => ({
  file: option('--rules-file', path.join(root, 'research', 'corpus', 'drafts', 'rules.jsonl')),
  policies: option('--policies', path.join(root, 'research', 'corpus', 'policies')),
});

async function evalRules(reader: RuleReaderDeps | undefined, name: string): Promise<void> {
  const { file: rowsFile, policies } = rulesFile();
  const rows = jsonl<RuleRow>(rowsFile);
  let rightSentence = 0, weakQuoted = 0;
  console.log(`${name}:`);
  const byConcern = new Map<string, { right: number; wrong: number; missed: number; borrowed: number; noneRight: number }>();
  const finders = new Map<string, ReturnType<typeof ruleFinderFor>>();
  for (const row of rows) {
    if (!finders.has(row.policy)) {
      const source = row.policy.endsWith('.txt') ? row.policy : `${row.policy}.txt`;
      finders.set(row.policy, ruleFinderFor(fs.readFileSync(path.join(policies, source), 'utf8'), source, reader));
    }
    const { doc, find } = finders.get(row.policy)!;
    const found = await find(row.concern);
    const f = byConcern.get(row.concern) ?? { right: 0, wrong: 0, missed: 0, borrowed: 0, noneRight: 0 };
    byConcern.set(row.concern, f);
    const expected = new Set(row.rules.flatMap((r) => sectionsHolding(doc, r)));
    if (row.rules.length === 0) {
      if (found) f.borrowed++; else f.noneRight++;
    } else if (!found) f.missed++;
    else if (expected.has(found.section)) {
      f.right++;
      // The right sentence: the quote holds one of the helper's rule sentences (its first words, as sectionsHolding places it).
      if (row.rules.some((r) => normaliseForMatch(found.quote).includes(probeOf(r)))) rightSentence++;
    }
    else {
      f.wrong++;
      if ((row.weak ?? []).some((w) => normaliseForMatch(found.quote).includes(probeOf(w)))) weakQuoted++;
      if (process.argv.includes('--misses')) console.log(`  ${row.policy} ${row.concern}: quoted §${found.section} "${found.quote.slice(0, 80)}", expected §${[...expected].join('/')} "${(row.best ?? '').slice(0, 80)}"`);
    }
  }
  let right = 0, withRule = 0, noneRight = 0, none = 0;
  for (const id of DRAFT_CONCERNS) {
    const f = byConcern.get(id);
    if (!f) continue;
    right += f.right; withRule += f.right + f.wrong + f.missed; noneRight += f.noneRight; none += f.noneRight + f.borrowed;
    console.log(`  ${id.padEnd(20)} right section ${pct(f.right, f.right + f.wrong + f.missed)}, wrong ${f.wrong}, missed ${f.missed}; no rule and said so ${pct(f.noneRight, f.noneRight + f.borrowed)}`);
  }
  console.log(`${path.relative(process.cwd(), rowsFile)}: right section ${pct(right, withRule)}, right sentence ${pct(rightSentence, withRule)}; policy has none and the bot said so ${pct(noneRight, none)}; rows right ${right + noneRight}/${withRule + none}`
    + (rows.some((r) => r.weak) ? `; a catch-all quoted (counted wrong) ${weakQuoted}` : ''));
}

interface BlindRow { policy: string; draft: string; media: DraftContext['media']; account: DraftContext['account']; audience: DraftContext['audience']; concerns: Record<string, string | null> }

async function evalBlind(): Promise<void> {
  const at = process.argv.indexOf('--file');
  const file = at >= 0 ? process.argv[at + 1] : path.join(root, 'research', 'eval', 'drafts-blind.jsonl');
  if (!file || !fs.existsSync(file)) throw new Error(`--file needs a jsonl file of blind drafts (got ${file ?? 'nothing'})`);
  const rows = jsonl<BlindRow>(file);
  // Each row names its policy's file in samples/policies/, or in the folder --policies names.
  const dirAt = process.argv.indexOf('--policies');
  const policies = dirAt >= 0 ? process.argv[dirAt + 1] : path.join(root, 'samples', 'policies');
  const disclosure = await loadDisclosureDetector(createLogger('silent'));
  const per = new Map<DraftConcernId, { tp: number; fp: number; fn: number }>(DRAFT_CONCERNS.map((id) => [id, { tp: 0, fp: 0, fn: 0 }]));
  let problems = 0, problemsNotFine = 0, harmless = 0, harmlessFine = 0, ruleRight = 0, ruleAsked = 0, noneSaid = 0, noneAsked = 0, disclosureOffers = 0;
  const misses: string[] = [];
  // --key FILE: a key to the same policies (every fair rule per concern, or none), a second judge of the quoted rule.
  const keyFile = option('--key', '');
  // --model DIR: a draft model folder that ship.py wrote (the candidate beside the shipped one), instead of models/drafts.
  const modelDir = option('--model', '');
  // --pointer DIR: with --model, a draft model that points to the evidence while the --model one decides (as the
  // product runs the larger model with models/drafts pointing).
  const pointerDir = option('--pointer', '');
  const key = keyFile ? new Map(jsonl<RuleRow>(keyFile).map((r) => [`${r.policy}|${r.concern}`, r])) : null;
  // --confirmed FILE: an owner's decisions before any draft is checked, as a key in the same format says them (the
  // sentence to quote, or no rule), made through the rule book as the rules card makes them: drafts then quote those.
  const confirmedFile = option('--confirmed', '');
  const confirmed = confirmedFile ? jsonl<RuleRow>(confirmedFile) : null;
  const owned = { changed: 0, removed: 0, notFound: 0 };
  let keyRight = 0, keyAsked = 0;
  const checkers = new Map<string, Awaited<ReturnType<typeof loadDraftChecker>>>();
  const docs = new Map<string, PolicyDocument>();
  for (const row of rows) {
    if (!checkers.has(row.policy)) {
      const text = fs.readFileSync(path.join(policies, row.policy), 'utf8');
      const doc = parsePolicyText(text, row.policy);
      docs.set(row.policy, doc);
      const checker = await loadDraftChecker(createPolicyLibrary([doc]), {
        ...(modelDir ? { dir: modelDir, ...(pointerDir ? { pointerDir } : {}) } : {}), ...(ruleEncoderDir() ? { encoderDir: ruleEncoderDir() } : {}),
      });
      checkers.set(row.policy, checker);
      if (confirmed) await confirmRules(checker.rules, row.policy, confirmed, owned);
    }
    const context: DraftContext = { media: row.media, account: row.account, audience: row.audience };
    if ((await (disclosure.readDraft ?? disclosure.read)(row.draft)).offer) disclosureOffers++;
    const result = await checkers.get(row.policy)!.check(row.draft, context);
    const raised = new Set(result.concerns.map((c) => c.id));
    const expected = Object.keys(row.concerns) as DraftConcernId[];
    if (expected.length > 0) {
      problems++;
      if (result.verdict !== 'fine') problemsNotFine++;
    } else {
      harmless++;
      if (result.verdict === 'fine') harmlessFine++;
    }
    for (const id of DRAFT_CONCERNS) {
      const f = per.get(id)!;
      const want = expected.includes(id);
      if (want && raised.has(id)) f.tp++; else if (want) f.fn++; else if (raised.has(id)) f.fp++;
    }
    for (const id of expected) {
      const sentence = row.concerns[id];
      const found = result.concerns.find((c) => c.id === id)?.rule;
      // The rule is judged where the concern was found; a missed concern is counted in its recall, not here.
      if (!raised.has(id)) continue;
      const fair = key?.get(`${row.policy}|${id}`);
      if (fair) {
        keyAsked++;
        if (fair.rules.length === 0 ? !found : !!found && fair.rules.some((r) => sectionsHolding(docs.get(row.policy)!, r).includes(found.section))) keyRight++;
      }
      if (sentence === null) {
        noneAsked++;
        if (!found) noneSaid++;
      } else {
        ruleAsked++;
        if (found && sectionsHolding(docs.get(row.policy)!, sentence).includes(found.section)) ruleRight++;
        else misses.push(`rule ${row.policy} ${id}: quoted ${found ? `§${found.section} "${found.quote.slice(0, 70)}"` : 'none'}; expected "${sentence.slice(0, 70)}"`);
      }
    }
    const wrong = [...expected.filter((id) => !raised.has(id)).map((id) => `missed ${id}`), ...[...raised].filter((id) => !expected.includes(id)).map((id) => `false ${id}`)];
    if (wrong.length > 0) misses.push(`${wrong.join(', ')} [${row.media}/${row.account}/${row.audience}]: ${row.draft}`);
  }
  console.log(`blind (${file}, ${rows.length} drafts, never tuned on):`);
  console.log(`  drafts with a problem not told "nothing stops this" ${pct(problemsNotFine, problems)}; harmless told so ${pct(harmlessFine, harmless)}`);
  for (const id of DRAFT_CONCERNS) {
    const f = per.get(id)!;
    console.log(`  ${id.padEnd(20)} recall ${pct(f.tp, f.tp + f.fn)}  precision ${pct(f.tp, f.tp + f.fp)}`);
  }
  const all = [...per.values()].reduce((a, f) => ({ tp: a.tp + f.tp, fp: a.fp + f.fp, fn: a.fn + f.fn }), { tp: 0, fp: 0, fn: 0 });
  console.log(`  all concerns: recall ${pct(all.tp, all.tp + all.fn)}, precision ${pct(all.tp, all.tp + all.fp)}`);
  console.log(`  rule quoted from the section holding the tester's sentence ${pct(ruleRight, ruleAsked)}; policy has none and the bot said so ${pct(noneSaid, noneAsked)}`);
  if (confirmed) console.log(`  rules an owner decided first (${path.relative(process.cwd(), confirmedFile)}): ${owned.changed} sentences chosen, ${owned.removed} removed, ${owned.notFound} not found in the policy (left as proposed)`);
  if (key) console.log(`  rule judged by the key (a section holding one of its fair rules, or none where it has none): ${pct(keyRight, keyAsked)}`);
  console.log(`  drafts the disclosure detector offered Report a concern for: ${disclosureOffers}`);
  if (process.argv.includes('--misses')) for (const m of misses) console.log(`  ${m}`);
}

/** An owner's decisions for one policy, from a key: its `best` sentence (else its first rule) pasted, or removed where it has none. */
async function confirmRules(book: SchoolRuleBook, policy: string, rows: readonly RuleRow[], owned: { changed: number; removed: number; notFound: number }): Promise<void> {
  const review = await book.review();
  if (!review) return;
  for (const row of rows.filter((r) => r.policy === policy)) {
    if (row.rules.length === 0) {
      await book.decide(review.version, row.concern, { action: 'remove' }, 'eval-owner');
      owned.removed++;
      continue;
    }
    let done = false;
    for (const sentence of [row.best ?? row.rules[0], ...row.rules]) {
      if ((await book.decide(review.version, row.concern, { action: 'change', pasted: sentence }, 'eval-owner')).done) { done = true; break; }
    }
    if (done) owned.changed++; else owned.notFound++;
  }
}

async function main(): Promise<void> {
  if (process.argv.includes('--rules')) {
    const own = rulesFile().file === path.join(root, 'research', 'corpus', 'drafts', 'rules.jsonl');
    const dir = ruleEncoderDir();
    await evalRules(await loadRuleReader(...(dir ? [dir] : [])), dir ? `the rule reader of ${dir}` : own ? 'the rule reader (shipped; learnt from these rows, so in sample)' : 'the rule reader (shipped)');
    await evalRules(undefined, 'the answering stack\'s lookup (before the reader)');
  }
  if (process.argv.includes('--blind')) await evalBlind();
  if (!process.argv.includes('--rules') && !process.argv.includes('--blind')) console.log('usage: evalDrafts [--rules [--rules-file FILE --policies DIR]] [--blind [--file PATH] [--policies DIR] [--key FILE]] [--misses]');
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
