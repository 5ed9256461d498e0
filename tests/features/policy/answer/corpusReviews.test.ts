import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// The corpus's label reviews (corpus/reviews/) name questions by their line in corpus/incoming/<base>.jsonl or
// corpus/questions/<base>.jsonl and quote the policy sentence each verdict rests on, so that the lines they flag can
// be dropped or relabelled by script when a batch lands (landWaiting.mjs). checkReviews.mjs keeps them true to the
// files they point into, and the training questions true to the reviews applied to them.
const root = path.resolve(__dirname, '..', '..', '..', '..');
const checker = path.join(root, 'corpus', 'tools', 'checkReviews.mjs');
const run = (dir?: string) => spawnSync(process.execPath, dir ? [checker, dir] : [checker], { encoding: 'utf8' });

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
      const lines = fs.readFileSync(path.join(root, 'corpus', 'reviews', 'near-miss-second-read.jsonl'), 'utf8').split('\n').filter((l) => l.trim());
      const bad = lines.slice(0, 3).map((l) => JSON.parse(l) as { line: number; verdict: string; sentence: string | null });
      bad[0].line += 1;
      bad[1].verdict = 'fine';
      bad[2].sentence = 'Staff may post whatever they like at any time.';
      // A review of a training question names its line in corpus/questions/ with "in": "questions".
      const base = 'special--oakhurst-bridge-school';
      const first = JSON.parse(fs.readFileSync(path.join(root, 'corpus', 'questions', base + '.jsonl'), 'utf8').split('\n')[0]) as { q: string };
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
      const questions = fs.readFileSync(path.join(root, 'corpus', 'questions', base + '.jsonl'), 'utf8').split('\n').filter((l) => l.trim())
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
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'corpus-'));
    try {
      fs.cpSync(path.join(root, 'corpus'), copy, { recursive: true });
      // Ashby Lane's read has every verdict: near-miss, borderline, not-social-media and answerable.
      const base = 'primary--ashby-lane-primary-school';
      const reviewed = ['long-sections-read-a.jsonl', 'long-sections-read-b.jsonl']
        .flatMap((f) => fs.readFileSync(path.join(copy, 'reviews', f), 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as { base: string; q: string; verdict: string }))
        .filter((r) => r.base === base) as { base: string; q: string; verdict: string; sentence: string | null }[];
      const asked = fs.readFileSync(path.join(copy, 'incoming', base + '.jsonl'), 'utf8').split('\n').filter((l) => l.trim()).length;
      const land = spawnSync(process.execPath, [path.join(copy, 'tools', 'landWaiting.mjs'), base], { encoding: 'utf8' });
      expect(land.status).toBe(0);
      expect(fs.existsSync(path.join(copy, 'policies', base + '.txt'))).toBe(true);
      expect(fs.existsSync(path.join(copy, 'incoming', base + '.jsonl'))).toBe(false);
      const landed = fs.readFileSync(path.join(copy, 'questions', base + '.jsonl'), 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as { q: string; passage: string | null; topic?: string });
      const borderline = reviewed.filter((r) => r.verdict === 'borderline');
      expect(borderline.length).toBeGreaterThan(0);
      expect(landed).toHaveLength(asked - borderline.length);
      expect(landed.map((q) => q.q)).not.toContain(borderline[0].q);
      const other = reviewed.find((r) => r.verdict === 'not-social-media');
      expect(landed.find((q) => q.q === other?.q)?.topic).toBe('other');
      const wrong = reviewed.find((r) => r.verdict === 'answerable');
      expect(landed.find((q) => q.q === wrong?.q)?.passage).toBe(wrong?.sentence);
      const check = spawnSync(process.execPath, [path.join(copy, 'tools', 'checkReviews.mjs')], { encoding: 'utf8' });
      expect(check.stdout).toMatch(/\nOK\n$/);
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }
  });
});
