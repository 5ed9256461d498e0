import fs from 'node:fs';
import path from 'node:path';
import { EvalCase, evaluateAnswersWith } from '../../src/features/policy/answer/evaluateAnswers';
import { answerQuestionReranked, shownMatches } from '../../src/features/policy/answer/answerQuestion';
import { Reranker } from '../../src/features/policy/answer/rerank';
import { PassageReranker } from '../../src/features/policy/answer/passageRerank';
import { ANSWER_ENCODER_DIR, loadReranker, RERANK_DIR } from '../../src/compose/rerank';
import { PolicyDocument } from '../../src/features/policy/policyDocument';
import { parsePolicyText } from '../../src/features/policy/ingest/parsePolicy';
import { createPolicyIndex, PolicyIndex } from '../../src/features/policy/answer/policyIndex';
import { DEFAULT_MODEL_DIR, loadLearnedModel } from '../../src/features/policy/answer/learnedModel';

/**
 * Prints answer-quality figures for each evaluation set in research/eval/ (the shared sample and our own), answered
 * as the bot answers (the learned model over the lexical index), or by the lexical index alone with
 * --lexical (the design before the model, for comparison). Then the leave-one-kind-out figures that
 * training measured on the corpus. qa-blind's and qa-fresh's failures are never printed. `--sample-blind N` prints N answerable qa-blind questions picked at random with
 * the sentence the bot quotes and the section it names, for a reader to judge (not whether they match: the
 * blind set's results per question stay unread by the team). `--model DIR` answers with the model that
 * `train.py --out DIR` wrote instead of the shipped one, so trainings (other seeds, other data) can be compared
 * without touching models/; the last set line adds the sets up, the figure to judge a change by (one training's seed
 * alone moves a single set by up to 5 questions). The cross-encoder re-ranker (models/rerank, issue 50) re-reads every
 * answer as in the product; `--rerank DIR` answers with another re-ranker folder (research/training/rerank/ship.py's), and
 * `--no-rerank` (or --lexical) with the learnt model alone, the stack before it. Without a cross-encoder, the larger sentence
encoder read beside the stack (models/answer-encoder, issue 70) does, or the folder `--answer-encoder DIR` names.
 */
const lexicalOnly = process.argv.includes('--lexical');
const modelAt = process.argv.indexOf('--model');
const modelDir = modelAt > 0 && process.argv[modelAt + 1] ? path.resolve(process.argv[modelAt + 1]) : DEFAULT_MODEL_DIR;
const model = lexicalOnly ? null : modelDir === DEFAULT_MODEL_DIR ? undefined : loadLearnedModel(modelDir);
const root = path.resolve(__dirname, '..', '..', '..');
const indexes = new Map<string, PolicyIndex>();
const documents = new Map<string, PolicyDocument>();
const indexFor = (policy: string): PolicyIndex => {
  let idx = indexes.get(policy);
  if (!idx) {
    const file = path.join(root, 'samples', 'policies', policy);
    const doc = parsePolicyText(fs.readFileSync(file, 'utf8'), policy);
    idx = createPolicyIndex([doc], model === undefined ? {} : { model });
    indexes.set(policy, idx);
    documents.set(policy, doc);
  }
  return idx;
};
const verbose = process.argv.includes('--verbose');
const rerankAt = process.argv.indexOf('--rerank');
const rerankDir = rerankAt > 0 && process.argv[rerankAt + 1] ? path.resolve(process.argv[rerankAt + 1]) : RERANK_DIR;
const withoutRerank = lexicalOnly || process.argv.includes('--no-rerank');
const encoderAt = process.argv.indexOf('--answer-encoder');
const encoderDir = encoderAt > 0 && process.argv[encoderAt + 1] ? path.resolve(process.argv[encoderAt + 1]) : ANSWER_ENCODER_DIR;
const pct = (a: number, b: number): string => (b === 0 ? 'n/a' : `${((100 * a) / b).toFixed(1)}%`);
// The shared sample first, then our own sets: qa-staff (written to tune on), qa-holdout (written apart by a
// second author; tuned against since), qa-blind and qa-fresh (written apart, not tuned on).
const UNREAD = new Set(['qa-blind.jsonl', 'qa-fresh.jsonl']);
async function main(): Promise<void> {
  const reranker: Reranker | undefined = withoutRerank ? undefined : await loadReranker(rerankDir, [], encoderDir);
  if (rerankAt > 0 && !reranker) throw new Error(`No re-ranker at ${rerankDir} (manifest.json is missing)`);
  // The larger encoder's passages are encoded before the first question, as the bot does when a policy is loaded.
  const policies = fs.readdirSync(path.join(root, 'samples', 'policies')).filter((f) => f.endsWith('.txt')).sort();
  policies.forEach(indexFor);
  if (reranker && 'prepare' in reranker) await (reranker as PassageReranker).prepare([...documents.values()]);
  const answerOf = (c: EvalCase) => answerQuestionReranked(indexFor(c.policy), c.q, reranker);
  const together = { answerable: 0, top1: 0, top3: 0, quoted: 0, notCovered: 0, abstained: 0, sure: 0, sureRight: 0, shown: 0 };
  for (const set of ['qa-sample.jsonl', 'qa-staff.jsonl', 'qa-holdout.jsonl', 'qa-blind.jsonl', 'qa-fresh.jsonl']) {
    const file = path.join(root, 'research', 'eval', set);
    if (!fs.existsSync(file)) continue;
    const cases = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as EvalCase);
    const r = await evaluateAnswersWith(cases, answerOf);
    for (const k of Object.keys(together) as (keyof typeof together)[]) together[k] += r[k];
    // sure: answered with one section, of the answerable; sureRight: right when sure; shown: the right section in the first
    // reply (the answer when sure, among the choices when not). Appended, so the figures before them read as they always have.
    console.log(JSON.stringify({
      set, answerable: r.answerable, top1: pct(r.top1, r.answerable), top3: pct(r.top3, r.answerable), quoted: pct(r.quoted, r.answerable),
      notCovered: r.notCovered, abstained: pct(r.abstained, r.notCovered),
      sure: pct(r.sure, r.answerable), sureRight: pct(r.sureRight, r.sure), shown: pct(r.shown, r.answerable),
    }));
    // The blind sets' failures are not printed: reading them would make them more sets to tune on.
    if (verbose && !UNREAD.has(set)) for (const f of r.failures) console.log(`  ${f.kind.padEnd(18)} ${f.policy.padEnd(22)} ${f.q}  ->  ${f.got}`);
  }
  console.log(JSON.stringify({ set: 'evaluation sets together (counts)', ...together }));

  if (!lexicalOnly) {
    const record = JSON.parse(fs.readFileSync(path.join(modelDir, 'training-record.json'), 'utf8')) as { leave_one_kind_out?: Record<string, { answerable: number; top1: number; top3: number; uncovered: number; declined: number }> };
    for (const [kind, r] of Object.entries(record.leave_one_kind_out ?? {})) {
      console.log(JSON.stringify({ set: `corpus, ${kind} left out of training`, answerable: r.answerable, top1: pct(r.top1, r.answerable), top3: pct(r.top3, r.answerable), notCovered: r.uncovered, abstained: pct(r.declined, r.uncovered) }));
    }
  }

  const sampleAt = process.argv.indexOf('--sample-blind');
  if (sampleAt > 0) {
    const n = Number(process.argv[sampleAt + 1] ?? 10);
    const file = path.join(root, 'research', 'eval', 'qa-blind.jsonl');
    const cases = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as EvalCase).filter((c) => c.expect !== null);
    for (let i = cases.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [cases[i], cases[j]] = [cases[j], cases[i]];
    }
    for (const c of cases.slice(0, n)) {
      const answer = await answerOf(c);
      const said = answer.answered ? { sure: answer.sure, quote: answer.best.quote, section: [answer.best.section.number, answer.best.section.title].filter(Boolean).join(' ') } : { quote: '(declined: the policy does not cover that)' };
      console.log(JSON.stringify({ policy: c.policy, q: c.q, ...said }));
    }
  }

  // `--sample-not-sure N`: N qa-blind questions the bot is not sure of, picked at random, with the choices the reply offers.
  const notSureAt = process.argv.indexOf('--sample-not-sure');
  if (notSureAt > 0) {
    const n = Number(process.argv[notSureAt + 1] ?? 10);
    const cases = fs.readFileSync(path.join(root, 'research', 'eval', 'qa-blind.jsonl'), 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as EvalCase);
    const notSure: { policy: string; q: string; choices: string[] }[] = [];
    for (const c of cases) {
      const answer = await answerOf(c);
      if (answer.answered && !answer.sure) notSure.push({ policy: c.policy, q: c.q, choices: shownMatches(answer).map((m) => [m.section.number, m.section.title].filter(Boolean).join(' ')) });
    }
    for (let i = notSure.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [notSure[i], notSure[j]] = [notSure[j], notSure[i]];
    }
    console.log(JSON.stringify({ notSure: notSure.length, of: cases.length }));
    for (const x of notSure.slice(0, n)) console.log(JSON.stringify(x));
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
