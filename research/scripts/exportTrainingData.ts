import fs from 'node:fs';
import path from 'node:path';
import { parsePolicyText } from '../../src/features/policy/ingest/parsePolicy';
import { createPolicyIndex, frontPageSection, splitPassages } from '../../src/features/policy/answer/policyIndex';
import { PolicyDocument } from '../../src/features/policy/policyDocument';
import { modelTokens } from '../../src/features/policy/answer/modelText';
import { LEXICAL_CANDIDATES, passageText, rankableSections, sectionHeadingText } from '../../src/features/policy/answer/learnedRanking';
import { normaliseForMatch } from '../../src/features/policy/answer/evaluateAnswers';
import { corpusFingerprint } from '../../src/features/policy/answer/modelFormat';

/**
 * Writes what the answering stack's training (`research/training/answer/`) learns from: the corpus policies as the product parses them (sections,
 * passages, heading chains, all as model tokens), each corpus question with the section and passage that
 * answer it (or none), and the lexical index's candidates and scores for it. With --eval it also writes the
 * evaluation sets over the five real policies, used only to report figures, never to train.
 * Usage: node dist/research/scripts/exportTrainingData.js <out-dir> [--eval] [--corpus <dir>]
 */
const root = path.resolve(__dirname, '..', '..', '..');
const outDir = path.resolve(process.argv[2] ?? path.join(root, 'research', 'training', 'data'));
const withEval = process.argv.includes('--eval');

interface ExportSection { ordinal: number; heading: string[]; headingText: string; passages: { tokens: string[]; text: string }[]; frontPage: boolean }

function exportPolicy(doc: PolicyDocument): ExportSection[] {
  return rankableSections(doc).map((section) => ({
    ordinal: section.ordinal,
    frontPage: section.ordinal === 0,
    heading: modelTokens(sectionHeadingText(doc, section)),
    headingText: sectionHeadingText(doc, section),
    passages: splitPassages(section.text).map((p) => {
      const text = passageText(p);
      return { text, tokens: modelTokens(text) };
    }),
  }));
}

/** The section (and passage within it) whose text holds the expected passage, or null. */
function locate(sections: ExportSection[], docSections: Map<number, string>, expect: string[]): { section: number; passage: number } | null {
  const wanted = expect.map(normaliseForMatch);
  for (const s of sections) {
    const text = normaliseForMatch(docSections.get(s.ordinal) ?? '');
    if (!wanted.some((w) => text.includes(w))) continue;
    const best = s.passages.findIndex((p) => wanted.some((w) => normaliseForMatch(p.text).includes(w) || w.includes(normaliseForMatch(p.text))));
    return { section: s.ordinal, passage: best };
  }
  return null;
}

function exportSet(name: string, fingerprint: string | null, policies: { id: string; kind: string; text: string; source: string }[], questionsOf: (id: string) => { q: string; expect: string[] | null; voice?: string; topic?: string }[]): void {
  const outPolicies: unknown[] = [];
  const outQuestions: unknown[] = [];
  let unlocated = 0;
  for (const p of policies) {
    const doc = parsePolicyText(p.text, p.source);
    const index = createPolicyIndex([doc], { model: null });
    const sections = exportPolicy(doc);
    const docSections = new Map<number, string>([...doc.sections, frontPageSection(doc)].map((s) => [s.ordinal, s.text]));
    outPolicies.push({ id: p.id, kind: p.kind, title: doc.title, sections });
    for (const q of questionsOf(p.id)) {
      const gold = q.expect === null ? null : locate(sections, docSections, q.expect);
      if (q.expect !== null && gold === null) {
        unlocated++;
        if (process.argv.includes('--verbose')) console.error(`unlocated: ${p.id}: ${q.expect[0]}`);
        continue;
      }
      const { matches } = index.search(q.q, LEXICAL_CANDIDATES);
      outQuestions.push({
        policy: p.id, q: q.q, tokens: modelTokens(q.q), voice: q.voice ?? null, topic: q.topic ?? null,
        section: gold?.section ?? null, passage: gold?.passage ?? null,
        lexical: matches.map((m) => ({ section: m.section.ordinal, score: m.score, coverage: m.coverage, passages: m.passages.map((x) => [x.passage.position, x.score]) })),
      });
    }
  }
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, `${name}.json`), JSON.stringify({ corpusSha256: fingerprint, policies: outPolicies, questions: outQuestions }));
  console.log(JSON.stringify({ set: name, policies: policies.length, questions: outQuestions.length, unlocated }));
}

// The corpus the team wrote: research/corpus/policies/<kind>--<name>.txt with research/corpus/questions/<same>.jsonl.
const corpusArg = process.argv.indexOf('--corpus');
const corpusDir = corpusArg > 0 ? path.resolve(process.argv[corpusArg + 1]) : path.join(root, 'research', 'corpus');
const corpusPolicies = fs.readdirSync(path.join(corpusDir, 'policies')).filter((f) => f.endsWith('.txt')).sort().map((f) => {
  const id = f.replace(/\.txt$/, '');
  return { id, kind: id.split('--')[0], source: f, text: fs.readFileSync(path.join(corpusDir, 'policies', f), 'utf8') };
});
exportSet('corpus', corpusFingerprint(corpusDir), corpusPolicies, (id) => {
  const file = path.join(corpusDir, 'questions', `${id}.jsonl`);
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => {
    const o = JSON.parse(l) as { q: string; passage: string | null; voice?: string; topic?: string };
    return { q: o.q, expect: o.passage === null ? null : [o.passage], voice: o.voice, topic: o.topic };
  });
});

if (withEval) {
  const real = fs.readdirSync(path.join(root, 'samples', 'policies')).filter((f) => f.endsWith('.txt')).sort().map((f) => ({ id: f, kind: 'real', source: f, text: fs.readFileSync(path.join(root, 'samples', 'policies', f), 'utf8') }));
  for (const set of ['qa-sample', 'qa-staff', 'qa-holdout', 'qa-blind', 'qa-fresh']) {
    const cases = fs.readFileSync(path.join(root, 'research', 'eval', `${set}.jsonl`), 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as { policy: string; q: string; expect: string[] | null });
    exportSet(set, null, real, (id) => cases.filter((c) => c.policy === id));
  }
}
