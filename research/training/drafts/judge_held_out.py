"""Judges three folds' held-out logits as the draft model's rules in research/DECISIONS.md do (issue 53): the thresholds
`choose_thresholds.py` chooses by halves of the policies, on the drafts of batches 1-5 (the figures every design since
the ninth pass is compared on, M7's two-seed mean among them) and on all drafts.

Each fold's held-out.json (finetune.py --only-fold K) holds its drafts in corpus order without their file and line;
they are placed again from folds_by_policy's order, and each is checked against the corpus (policy and concerns).

Usage: python3 research/training/drafts/judge_held_out.py DIR   (DIR/fold0.json, fold1.json, fold2.json)
"""
import json
import os
import subprocess
import sys
import tempfile


sys.path.insert(0, os.path.dirname(__file__))
from finetune import ROOT, folds_by_policy, read_drafts  # noqa: E402
from fit_gate import placed_held_out  # noqa: E402


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    folder = sys.argv[1]
    rows = read_drafts(os.path.join(ROOT, 'research', 'corpus', 'drafts', 'written', '*.jsonl'))
    early = [h for held, idx in placed_held_out(folder, rows, folds_by_policy(rows, 3)) for h, i in zip(held, idx)
             if int(rows[i]['where'][0].split('-')[1].split('.')[0]) <= 5]
    chooser = os.path.join(os.path.dirname(__file__), 'choose_thresholds.py')
    with tempfile.TemporaryDirectory() as tmp:
        json.dump(early, open(os.path.join(tmp, 'batches-1-5.json'), 'w'))
        for name, files in [('batches 1-5', [os.path.join(tmp, 'batches-1-5.json')]),
                            ('all drafts', [os.path.join(folder, f'fold{k}.json') for k in range(3)])]:
            out = subprocess.run([sys.executable, chooser, '--held-out', *files], capture_output=True, text=True, check=True).stdout
            print(f'==== {name}\n{out}')


if __name__ == '__main__':
    main()
