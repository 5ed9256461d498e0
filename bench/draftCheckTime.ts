/**
 * How long one "check my post" takes on two cores (issue 71's budget: p95 <= 400 ms for a 280-character draft and
 * <= 1.5 s for a 3,000-character one), as the bot runs it: the draft model over the framed draft, the heads, the
 * evidence (names, classes, places), and each concern's rule from the school's rule book. Three setups in the same run,
 * rounds alternating so the machine's noise falls on all:
 * - draft model alone (the baseline): models/drafts deciding and pointing, the rules in memory (as before issue 71);
 * - shipped: what the bot loads by default (the larger model deciding where models/drafts-larger is shipped, models/drafts
 *   pointing to the evidence), the rules in memory;
 * - school rules: shipped, with the rule book over the SQLite store (proposals kept with the version, read again every 30 s).
 * With --model DIR, two more setups: another draft model folder (a larger base, issue 71), its rules in memory, timed
 * beside the shipped one in the same rounds, reading the draft as the shipped one does; and the same deciding from one
 * read while the shipped model points to the evidence.
 * Drafts: the corpus's written drafts (research/corpus/drafts/written), joined or cut to 280 and to 3,000 characters.
 *
 *   node dist/bench/draftCheckTime.js [--drafts 60] [--rounds 2] [--model DIR]
 *
 * Prints one JSON line.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DRAFTS_DIR, loadDraftChecker } from '../src/compose/drafts';
import { openSqliteDatabase } from '../src/adapters/sqlite/sqliteDatabase';
import { createSqliteSchoolRuleStore } from '../src/adapters/sqlite/sqliteSchoolRuleStore';
import { parsePolicyText } from '../src/features/policy/ingest/parsePolicy';
import { createPolicyLibrary } from '../src/features/policy/policyLibrary';
import { DraftContext } from '../src/features/policy/drafts/draftConcerns';

const root = path.resolve(__dirname, '..', '..');
const option = (name: string, fallback: number): number => {
  const at = process.argv.indexOf(name);
  return at >= 0 ? Math.max(1, Number(process.argv[at + 1]) || fallback) : fallback;
};
const count = option('--drafts', 60);
const rounds = option('--rounds', 2);
const pct = (xs: number[], p: number): number => Math.round([...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]);
const ms = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e6;

function drafts(): { short: string[]; long: string[] } {
  const dir = path.join(root, 'research', 'corpus', 'drafts', 'written');
  const texts = fs.readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort().flatMap((f) => fs.readFileSync(path.join(dir, f), 'utf8').split('\n'))
    .filter((l) => l.trim()).map((l) => (JSON.parse(l) as { draft: string }).draft);
  const short: string[] = [];
  const long: string[] = [];
  for (let i = 0; short.length < count; i++) {
    let s = texts[i % texts.length];
    for (let j = 1; s.length < 280; j++) s = `${s} ${texts[(i + j * 7) % texts.length]}`;
    short.push(s.slice(0, 280));
  }
  for (let i = 0; long.length < count; i++) {
    let s = '';
    for (let j = 0; s.length < 3000; j++) s = `${s} ${texts[(i * 31 + j) % texts.length]}`;
    long.push(s.trim().slice(0, 3000));
  }
  return { short, long };
}

async function main(): Promise<void> {
  const text = fs.readFileSync(path.join(root, 'samples', 'policies', 'liverpool-model.txt'), 'utf8');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-rules-'));
  const db = openSqliteDatabase(path.join(dir, 'b.sqlite'));
  const other = process.argv.indexOf('--model') >= 0 ? path.resolve(process.argv[process.argv.indexOf('--model') + 1]) : undefined;
  const setups: Record<string, Awaited<ReturnType<typeof loadDraftChecker>>> = {
    draftModelAlone: await loadDraftChecker(createPolicyLibrary([parsePolicyText(text, 'liverpool-model.txt')]), { dir: DRAFTS_DIR }),
    shipped: await loadDraftChecker(createPolicyLibrary([parsePolicyText(text, 'liverpool-model.txt')])),
    schoolRules: await loadDraftChecker(createPolicyLibrary([parsePolicyText(text, 'liverpool-model.txt')]), { rules: createSqliteSchoolRuleStore(db) }),
    ...(other ? { otherModel: await loadDraftChecker(createPolicyLibrary([parsePolicyText(text, 'liverpool-model.txt')]), { dir: other }) } : {}),
    // The other model deciding from one read, the shipped one pointing to the evidence (draftChecker.ts, `pointer`).
    ...(other ? { otherDecidesShippedPoints: await loadDraftChecker(createPolicyLibrary([parsePolicyText(text, 'liverpool-model.txt')]), { dir: other, pointerDir: DRAFTS_DIR }) } : {}),
  };
  for (const s of Object.values(setups)) await s.settled();
  const { short, long } = drafts();
  const context: DraftContext = { media: 'none', account: 'personal', audience: 'public' };
  const times: Record<string, Record<'chars280' | 'chars3000', number[]>> = Object.fromEntries(Object.keys(setups).map((k) => [k, { chars280: [], chars3000: [] }]));
  // Warm-up: the first runs compile the graph's kernels.
  for (const s of Object.values(setups)) for (const d of [...short.slice(0, 3), ...long.slice(0, 2)]) await s.check(d, context);
  for (let r = 0; r < rounds; r++) {
    for (const [name, s] of Object.entries(setups)) {
      for (const d of short) { const t = process.hrtime.bigint(); await s.check(d, context); times[name].chars280.push(ms(t)); }
      for (const d of long) { const t = process.hrtime.bigint(); await s.check(d, context); times[name].chars3000.push(ms(t)); }
    }
  }
  const summary = Object.fromEntries(Object.entries(times).map(([name, t]) => [name, Object.fromEntries(Object.entries(t).map(([k, xs]) => [k, { n: xs.length, p50: pct(xs, 0.5), p95: pct(xs, 0.95), max: pct(xs, 1) }]))]));
  console.log(JSON.stringify({ cpus: os.cpus().length, cpu: os.cpus()[0]?.model, ...(other ? { otherModel: other } : {}), ...summary }));
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
