"""Design ST (issue 53, thirteenth pass; research/DECISIONS.md): each concern's logit read again beside the other
concerns' and the card's choices, by a logistic regression per concern, fitted out of fold.

Reads three folds' held-out logits (DIR/fold0.json ... as finetune.py --only-fold K writes them, DK's in
research/training/drafts/held-out/dk-s7/) and writes OUT/fold<K>.json in the same form, each logit replaced by the stacked one:
fold K's drafts are scored by regressions fitted on the other two folds' drafts alone (their policies never K's).
`judge_held_out.py OUT` then judges them as it judges any model's.

ST did not ship (DK two-seed mean 754/859 harmless told fine; ST 603.5).

Usage: python3 research/training/drafts/stack_concerns.py DIR OUT
"""
import json
import os
import sys

import numpy as np
from sklearn.linear_model import LogisticRegression

sys.path.insert(0, os.path.dirname(__file__))
from finetune import CONCERNS, ROOT, folds_by_policy, read_drafts  # noqa: E402
from judge_held_out import placed_held_out  # noqa: E402

CARD = [('media', 'pupils'), ('media', 'colleagues'), ('media', 'none'), ('account', 'personal'), ('account', 'school'),
        ('audience', 'public'), ('audience', 'friends'), ('audience', 'group')]


def features(logits, rows):
    card = np.array([[float(r[k] == v) for k, v in CARD] for r in rows])
    return np.hstack([np.array(logits), card])


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    folder, out = sys.argv[1:]
    rows = read_drafts(os.path.join(ROOT, 'corpus', 'drafts', 'written', '*.jsonl'))
    folds = placed_held_out(folder, rows, folds_by_policy(rows, 3))
    held = [h for h, _ in folds]
    mine = [[rows[i] for i in idx] for _, idx in folds]
    X = [features([h['logits'] for h in held[k]], mine[k]) for k in range(3)]
    Y = [np.array([[c in r['concerns'] for c in CONCERNS] for r in mine[k]]) for k in range(3)]
    os.makedirs(out, exist_ok=True)
    for k in range(3):
        others = [j for j in range(3) if j != k]
        x, y = np.vstack([X[j] for j in others]), np.vstack([Y[j] for j in others])
        stacked = np.column_stack([LogisticRegression(C=1.0, max_iter=2000).fit(x, y[:, c]).decision_function(X[k]) for c in range(len(CONCERNS))])
        json.dump([{**h, 'logits': [round(float(v), 5) for v in stacked[i]]} for i, h in enumerate(held[k])], open(os.path.join(out, f'fold{k}.json'), 'w'))
    print(f'wrote {out}/fold0-2.json')


if __name__ == '__main__':
    main()
