import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// The corpus's label reviews (corpus/reviews/) name questions by their line in corpus/incoming/<base>.jsonl and quote
// the policy sentence each verdict rests on, so that the lines they flag can be dropped or relabelled by script before
// a batch trains. checkReviews.mjs keeps them true to the files they point into.
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
});
