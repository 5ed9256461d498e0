import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// The corpus's label reviews (research/corpus/reviews/) name questions by their line in research/corpus/incoming/<base>.jsonl or
// research/corpus/questions/<base>.jsonl and quote the policy sentence each verdict rests on, so that the lines they flag can
// be dropped or relabelled by script when a batch lands (landWaiting.mjs). checkReviews.mjs keeps them true to the
// files they point into, and the training questions true to the reviews applied to them.
const root = path.resolve(__dirname, '..', '..');
const checker = path.join(root, 'research', 'corpus', 'tools', 'checkReviews.mjs');
const run = (dir?: string) => spawnSync(process.execPath, dir ? [checker, dir] : [checker], { encoding: 'utf8' });

/** Runs `test` on a throwaway copy of research/corpus/ (tools, reviews and all), removed afterwards. */
function withCorpusCopy(test: (copy: string) => void): void {
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'corpus-'));
  try {
    fs.cpSync(path.join(root, 'research', 'corpus'), copy, { recursive: true });
    test(copy);
  } finally {
    fs.rmSync(copy, { recursive: true, force: true });
  }
}

describe('corpus label reviews', () => {
  it('when the reviews in the repository are checked, then every line names its question and quotes its policy word for word', () => {
    const r = run();
    expect(r.stdout).toMatch(/\nOK\n$/);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/near-miss-second-read\.jsonl: \d+ reviewed/);
  });

  it('when a review names the wrong line, gives an unknown verdict or misquotes its policy, then each is reported and the check fails', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reviews-'));
    try {
      const lines = fs.readFileSync(path.join(root, 'research', 'corpus', 'reviews', 'near-miss-second-read.jsonl'), 'utf8').split('\n').filter((l) => l.trim());
      const bad = lines.slice(0, 3).map((l) => JSON.parse(l) as { line: number; verdict: string; sentence: string | null });
      bad[0].line += 1;
      bad[1].verdict = 'fine';
      bad[2].sentence = 'Staff may post whatever they like at any time.';
      // A review of a training question names its line in research/corpus/questions/ with "in": "questions".
      const base = 'special--oakhurst-bridge-school';
      const first = JSON.parse(fs.readFileSync(path.join(root, 'research', 'corpus', 'questions', base + '.jsonl'), 'utf8').split('\n')[0]) as { q: string };
      const ofQuestions = { base, line: 1, q: first.q, in: 'questions', verdict: 'near-miss', sentence: null };
      const misplaced = { ...ofQuestions, line: 2, in: 'elsewhere' };
      fs.writeFileSync(path.join(dir, 'bad.jsonl'), [...bad.map((b) => JSON.stringify(b)), lines[3], lines[3], JSON.stringify(ofQuestions), JSON.stringify(misplaced)].join('\n') + '\n');
      const r = run(dir);
      expect(r.status).toBe(1);
      expect(r.stdout).toContain('bad.jsonl:1: incoming/');
      expect(r.stdout).toContain('bad.jsonl:2: verdict "fine" is not one of');
      expect(r.stdout).toContain('bad.jsonl:3: sentence not in');
      expect(r.stdout).toContain('bad.jsonl:5: ');
      expect(r.stdout).toContain('reviewed twice');
      expect(r.stdout).not.toContain('bad.jsonl:6: ');
      expect(r.stdout).toContain('bad.jsonl:7: "in" must be one of incoming, questions');
      expect(r.stdout).toContain('5 problem(s)');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('when a landed batch disagrees with its applied reviews (a dropped question still trained on, a relabelling not made), then each is reported', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reviews-'));
    try {
      const base = 'special--oakhurst-bridge-school';
      const questions = fs.readFileSync(path.join(root, 'research', 'corpus', 'questions', base + '.jsonl'), 'utf8').split('\n').filter((l) => l.trim())
        .map((l) => JSON.parse(l) as { q: string; passage: string | null; topic?: string });
      const answerable = questions.findIndex((q) => q.passage);
      const uncovered = questions.findIndex((q) => !q.passage);
      const alsoUncovered = questions.findIndex((q, i) => i > uncovered && !q.passage && q.topic === 'social-media');
      const sentence = questions[answerable].passage;
      const stillThere = { base, in: 'questions', q: questions[answerable].q, verdict: 'borderline', sentence, applied: 'dropped' };
      const notRelabelled = { base, in: 'questions', line: uncovered + 1, q: questions[uncovered].q, verdict: 'answerable', sentence, applied: 'relabelled' };
      const topicKept = { base, in: 'questions', line: alsoUncovered + 1, q: questions[alsoUncovered].q, verdict: 'not-social-media', sentence: null, applied: 'relabelled' };
      const waiting = { base, in: 'questions', line: answerable + 1, q: questions[answerable].q, verdict: 'borderline', sentence };
      fs.writeFileSync(path.join(dir, 'landed.jsonl'), [stillThere, notRelabelled, topicKept].map((r) => JSON.stringify(r)).join('\n') + '\n');
      fs.writeFileSync(path.join(dir, 'waiting.jsonl'), JSON.stringify(waiting) + '\n');
      const r = run(dir);
      expect(r.status).toBe(1);
      expect(r.stdout).toContain(`landed.jsonl:1: dropped, but questions/${base}.jsonl still asks`);
      expect(r.stdout).toContain(`landed.jsonl:2: relabelled, but line ${uncovered + 1} is labelled not covered`);
      expect(r.stdout).toContain(`landed.jsonl:3: relabelled, but line ${alsoUncovered + 1} has topic "social-media"`);
      // A correction not yet applied is no problem: it waits for the next landing.
      expect(r.stdout).not.toContain('waiting.jsonl:1');
      expect(r.stdout).toContain('3 problem(s)');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('when a waiting policy lands (landWaiting.mjs), then it moves with its reviews applied and the reviews still check', () => {
    withCorpusCopy((copy) => {
      // Every policy written so far has landed, so the copy gets a waiting one: Ashby Lane's policy and questions under
      // a new name, with a review of each verdict naming its lines in incoming/.
      const from = 'primary--ashby-lane-primary-school';
      const base = 'primary--ashby-lane-waiting-copy';
      fs.copyFileSync(path.join(copy, 'policies', from + '.txt'), path.join(copy, 'incoming', base + '.txt'));
      fs.copyFileSync(path.join(copy, 'questions', from + '.jsonl'), path.join(copy, 'incoming', base + '.jsonl'));
      type Line = { q: string; passage: string | null; topic?: string };
      const asked = fs.readFileSync(path.join(copy, 'incoming', base + '.jsonl'), 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Line);
      const social = asked.map((q, i) => ({ ...q, line: i + 1 })).filter((q) => q.passage === null && q.topic === 'social-media');
      const sentence = asked.find((q) => q.passage)!.passage;
      const review = (k: number, verdict: string, quoted: string | null) => ({ base, line: social[k].line, q: social[k].q, verdict, sentence: quoted });
      const reviews = [review(0, 'borderline', sentence), review(1, 'not-social-media', null), review(2, 'answerable', sentence), review(3, 'near-miss', null)];
      fs.writeFileSync(path.join(copy, 'reviews', 'waiting-copy-read.jsonl'), reviews.map((r) => JSON.stringify(r)).join('\n') + '\n');
      const land = spawnSync(process.execPath, [path.join(copy, 'tools', 'landWaiting.mjs'), base], { encoding: 'utf8' });
      expect(land.status).toBe(0);
      expect(land.stdout).toContain('moved 1 batches (1 new policies); reviews applied: 1 dropped, 2 relabelled');
      expect(fs.existsSync(path.join(copy, 'policies', base + '.txt'))).toBe(true);
      expect(fs.existsSync(path.join(copy, 'incoming', base + '.jsonl'))).toBe(false);
      const landed = fs.readFileSync(path.join(copy, 'questions', base + '.jsonl'), 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Line);
      expect(landed).toHaveLength(asked.length - 1);
      expect(landed.map((q) => q.q)).not.toContain(social[0].q);
      expect(landed.find((q) => q.q === social[1].q)?.topic).toBe('other');
      expect(landed.find((q) => q.q === social[2].q)?.passage).toBe(sentence);
      expect(landed.find((q) => q.q === social[3].q)).toEqual(asked.find((q) => q.q === social[3].q));
      // Each review now names where its question is and what was done.
      const after = fs.readFileSync(path.join(copy, 'reviews', 'waiting-copy-read.jsonl'), 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as { in: string; applied?: string });
      expect(after.map((r) => [r.in, r.applied])).toEqual([['questions', 'dropped'], ['questions', 'relabelled'], ['questions', 'relabelled'], ['questions', undefined]]);
      const check = spawnSync(process.execPath, [path.join(copy, 'tools', 'checkReviews.mjs')], { encoding: 'utf8' });
      expect(check.stdout).toMatch(/\nOK\n$/);
    });
  });

  it('when a further batch for a policy already trained on lands, then it is appended to its questions with its reviews applied', () => {
    withCorpusCopy((copy) => {
      // Hollins Hill's near-miss batch waits in incoming/, read in near-miss-second-read.jsonl with three verdicts.
      const base = 'independent--hollins-hill-prep';
      const read = (f: string) => fs.readFileSync(f, 'utf8').split('\n').filter((l) => l.trim());
      type Review = { base: string; in?: string; line?: number; q: string; verdict: string; applied?: string };
      const reviewsFile = path.join(copy, 'reviews', 'near-miss-second-read.jsonl');
      const waiting = read(reviewsFile).map((l) => JSON.parse(l) as Review).filter((r) => r.base === base && (r.in ?? 'incoming') === 'incoming');
      const verdicts = new Set(waiting.map((r) => r.verdict));
      expect(verdicts).toEqual(new Set(['near-miss', 'borderline', 'not-social-media']));
      const trained = read(path.join(copy, 'questions', base + '.jsonl'));
      const batch = read(path.join(copy, 'incoming', base + '.jsonl'));
      const dropped = waiting.filter((r) => r.verdict === 'borderline');

      const land = spawnSync(process.execPath, [path.join(copy, 'tools', 'landWaiting.mjs'), base], { encoding: 'utf8' });
      expect(land.status).toBe(0);
      expect(land.stdout).toContain('moved 1 batches (0 new policies)');
      expect(fs.existsSync(path.join(copy, 'incoming', base + '.jsonl'))).toBe(false);
      expect(fs.existsSync(path.join(copy, 'policies', base + '.txt'))).toBe(true);
      const after = read(path.join(copy, 'questions', base + '.jsonl'));
      // The training questions stay as they were, first; the batch follows them, less the borderline lines.
      expect(after.slice(0, trained.length)).toEqual(trained);
      expect(after).toHaveLength(trained.length + batch.length - dropped.length);
      const asked = after.map((l) => JSON.parse(l) as { q: string; topic?: string });
      expect(asked.map((q) => q.q)).not.toContain(dropped[0].q);
      // Each review of the batch now names its line in questions/, after the training questions.
      const landed = read(reviewsFile).map((l) => JSON.parse(l) as Review).filter((r) => r.base === base && waiting.some((w) => w.q === r.q));
      for (const r of landed) {
        expect(r.in).toBe('questions');
        if (r.verdict === 'borderline') expect(r.applied).toBe('dropped');
        else {
          expect(r.line).toBeGreaterThan(trained.length);
          expect(asked[r.line! - 1].q).toBe(r.q);
        }
      }
      const other = landed.find((r) => r.verdict === 'not-social-media')!;
      expect(asked[other.line! - 1].topic).toBe('other');
      const check = spawnSync(process.execPath, [path.join(copy, 'tools', 'checkReviews.mjs')], { encoding: 'utf8' });
      expect(check.stdout).toMatch(/\nOK\n$/);
    });
  });
});
