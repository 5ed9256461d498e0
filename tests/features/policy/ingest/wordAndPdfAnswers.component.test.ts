import fs from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { answerQuestion, DEFAULT_THRESHOLDS } from '../../../../src/features/policy/answer/answerQuestion';
import { createPolicyIndex } from '../../../../src/features/policy/answer/policyIndex';
import { loadPolicyFile } from '../../../../src/features/policy/ingest/loadPolicyFile';
import { formatSectionLabel, PolicyDocument } from '../../../../src/features/policy/policyDocument';
import { REPO_ROOT } from '../../../support/repoRoot';

/**
 * The five sample policies as a school office holds them (Word, and LibreOffice's PDF of it, in tests/fixtures/documents)
 * answer every evaluation question as their text exports do: the same section and the same quote. wordAndPdf.test.ts
 * checks that their sections, front page and text are the .txt's; this asks about 750 questions of each, so it runs in
 * `npm test` only (jest.unit.config.js leaves *.component.test.ts out).
 */
const FIXTURES = path.join(REPO_ROOT, 'tests', 'fixtures', 'documents');
const SAMPLES = path.join(REPO_ROOT, 'samples', 'policies');
const POLICIES = fs.readdirSync(SAMPLES).filter((f) => f.endsWith('.txt')).map((f) => f.replace(/\.txt$/, '')).sort();
const TODAY = new Date('2026-01-15T12:00:00Z');

function evalQuestions(policy: string): string[] {
  return fs.readdirSync(path.join(REPO_ROOT, 'research', 'eval')).filter((f) => f.endsWith('.jsonl')).flatMap((f) => fs.readFileSync(path.join(REPO_ROOT, 'research', 'eval', f), 'utf8')
    .split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as { policy: string; q?: unknown })
    // Question sets only: the draft posts' blind sets name their policy too, but hold drafts, not questions.
    .filter((c): c is { policy: string; q: string } => c.policy === `${policy}.txt` && typeof c.q === 'string').map((c) => c.q));
}

function answersOf(doc: PolicyDocument, questions: string[]): string[] {
  const index = createPolicyIndex([doc]);
  return questions.map((q) => {
    const a = answerQuestion(index, q, DEFAULT_THRESHOLDS);
    return a.answered ? `${formatSectionLabel(a.best.section)} | ${a.best.quote}` : 'not covered';
  });
}

/** The document as answering reads it: all of it but the name of the file it came from and the reader's warnings. */
const asAnswered = ({ source: _source, warnings: _warnings, ...read }: PolicyDocument) => read;

describe.each(POLICIES)('%s as Word and as PDF, asked every evaluation question', (policy) => {
  const questions = evalQuestions(policy);
  /** One question in five: what a document the .txt's in all that answering reads is asked on both. */
  const sample = questions.filter((_, i) => i % 5 === 0);
  let text: PolicyDocument;
  /** The .txt's answers, each set worked out once for both the .docx and the .pdf. */
  const textAnswers = new Map<string[], string[]>();
  const textAnswersTo = (asked: string[]): string[] => {
    if (!textAnswers.has(asked)) textAnswers.set(asked, answersOf(text, asked));
    return textAnswers.get(asked)!;
  };
  beforeAll(async () => {
    text = await loadPolicyFile(path.join(SAMPLES, `${policy}.txt`), TODAY);
  });

  it.each(['docx', 'pdf'])('when the .%s is loaded and asked them, then every answer is the .txt\'s: the same section and quote', async (ext) => {
    expect(questions.length).toBeGreaterThan(5);
    const doc = await loadPolicyFile(path.join(FIXTURES, `${policy}.${ext}`), TODAY);
    // Answering is deterministic, so a document that is the .txt's in all it reads answers every question as the .txt
    // does; asking them all of both (2,250 answers, 12 s) only repeated that. Such a document is asked the sample, which
    // would show answering come to read the file's name or the warnings; one that differs at all is asked every question.
    const same = isDeepStrictEqual(asAnswered(doc), asAnswered(text));
    const asked = same ? sample : questions;
    const expected = textAnswersTo(asked);
    // Not all declined: the comparison is of answers.
    expect(expected.filter((a) => a !== 'not covered').length).toBeGreaterThan(asked.length / 2);
    expect(answersOf(doc, asked)).toEqual(expected);
  });
});
