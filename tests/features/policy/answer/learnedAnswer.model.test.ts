import fs from 'node:fs';
import path from 'node:path';
import { answerQuestion } from '../../../../src/features/policy/answer/answerQuestion';
import { EvalCase, normaliseForMatch } from '../../../../src/features/policy/answer/evaluateAnswers';
import { loadLearnedModel } from '../../../../src/features/policy/answer/learnedModel';
import { parsePolicyText } from '../../../../src/features/policy/ingest/parsePolicy';
import { createPolicyIndex, PolicyIndex } from '../../../../src/features/policy/answer/policyIndex';
import { createTaughtMatcher } from '../../../../src/features/policy/teaching/teachingLinks';
import { redactNames } from '../../../../src/features/policy/teaching/redactNames';
import { REPO_ROOT } from '../../../support/repoRoot';

const repoRoot = REPO_ROOT;
const policies = fs.readdirSync(path.join(repoRoot, 'samples', 'policies')).filter((f) => f.endsWith('.txt'));
const docs = new Map(policies.map((f) => [f, parsePolicyText(fs.readFileSync(path.join(repoRoot, 'samples', 'policies', f), 'utf8'), f)]));
const indexes = new Map<string, PolicyIndex>();
const indexFor = (policy: string): PolicyIndex => {
  let index = indexes.get(policy);
  if (!index) indexes.set(policy, (index = createPolicyIndex([docs.get(policy)!])));
  return index;
};
const questions = ['qa-staff.jsonl', 'qa-holdout.jsonl'].flatMap((set) => fs.readFileSync(path.join(repoRoot, 'research', 'eval', set), 'utf8')
  .split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as EvalCase));

describe('answers from the learned model', () => {
  it('when a question is answered, then the quote is one passage of the cited section, or two side by side, never pieces stitched with "…"', () => {
    let answered = 0;
    for (const c of questions) {
      const answer = answerQuestion(indexFor(c.policy), c.q);
      if (!answer.answered) continue;
      answered++;
      expect(answer.best.quote).not.toContain('…');
      // Read as the policy reads: every word of the quote, in order, within the cited section.
      const words = normaliseForMatch(answer.best.quote).split(' ');
      const section = normaliseForMatch(answer.best.section.text.replace(/^\s*- /gm, ''));
      let at = 0;
      for (const w of words) {
        at = section.indexOf(w, at);
        expect({ q: c.q, word: w, found: at >= 0 }).toEqual({ q: c.q, word: w, found: true });
      }
    }
    expect(answered).toBeGreaterThan(questions.length / 2);
  });

  it('when a question is a section heading in its own words, then that section ranks first for nearly every heading', () => {
    let headings = 0;
    let first = 0;
    for (const [policy, doc] of docs) {
      for (const s of doc.sections) {
        if (s.title.split(/\s+/).length < 2 || !s.text.trim()) continue;
        headings++;
        if (indexFor(policy).rank(s.title)?.ranked[0]?.section.ordinal === s.ordinal) first++;
      }
    }
    expect(headings).toBeGreaterThan(20);
    expect(first / headings).toBeGreaterThanOrEqual(HEADING_FLOOR);
  });

  it('when an owner has taught a question, then the same question and a close rewording match it, and an unrelated one does not', () => {
    const model = loadLearnedModel();
    const match = createTaughtMatcher(model, [
      { id: 't1', question: 'can I share the school facebook post about the summer fair on my own page', section: 'x#4', taughtBy: 'o', taughtAt: '2026-11-22T09:00:00.000Z' },
    ]);
    expect(match('can I share the school facebook post about the summer fair on my own page')?.link.id).toBe('t1');
    expect(match('can i share the schools fb post about the summer fair on my own page?')?.link.id).toBe('t1');
    expect(match('where do I park on inset days')).toBeNull();
  });

  it('when the question an owner taught was kept with names, places and numbers taken out, then the same question asked again with them matches it', () => {
    const model = loadLearnedModel();
    const asked = 'Can Megan Bowen and I run a Strava club for staff at 14 Hollin Lane and share our running routes? Text me on 07700 900456';
    const kept = redactNames(asked);
    expect(kept).not.toContain('Megan');
    const match = createTaughtMatcher(model, [{ id: 't2', question: kept, section: 'x#4', taughtBy: 'o', taughtAt: '2026-11-22T09:00:00.000Z' }]);
    expect(match(asked)?.link.id).toBe('t2');
    expect(match('Can Priya Shah and I run a Strava club for staff at 3 Mill Road and share our running routes? Ring 07700 900111')?.link.id).toBe('t2');
    expect(match('where do I park on inset days')).toBeNull();
  });
});

/**
 * Share of multi-word section headings, asked as questions, whose section ranks first: 36 of 37. A question in a
 * heading's very words names that section (learnedRanking.ts, headingKey); the one miss is a heading two sections of
 * one policy share ("Guidance and advice"), where the re-ranker picks between them. The model alone ranked 28 of 37
 * first (33 of 37 before the question bank, which reads a heading fragment such as "Managers are responsible for" as
 * a staff question).
 */
const HEADING_FLOOR = 36 / 37;
