"""Design GB (research/DECISIONS.md, issue 71): each concern's threshold raised, only for the concerns that fire on
harmless drafts out of fold, by the most that (b) loses at most 1% of that concern's rightly flagged drafts; then all
raises scaled back together until (a) the raises silence at most 0.5% of the problem drafts the heads flag. Out of
fold on held-out logits (DIR/fold<K>.json, the training scripts' three folds by policy); printed also with the raises
chosen on two folds and judged on the third.

Usage: python3 research/training/drafts/raise_thresholds.py [DIR] [--heads models/drafts/heads.json] [--write]
"""
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from fit_gate import CONCERNS, arguments, held_out_margins  # noqa: E402


def choose(margins, labels, harmless):
    """The raise of each concern's threshold (0 for those that fire on no harmless draft)."""
    raised, tp = margins >= 0, (margins >= 0) & labels
    flagged = raised.any(1) & ~harmless
    raises = np.zeros(len(CONCERNS))
    for j in range(len(CONCERNS)):
        if not (raised[:, j] & harmless).any():
            continue
        allowed = int(np.floor(0.01 * tp[:, j].sum()))
        right = np.sort(margins[tp[:, j], j])  # the rightly flagged drafts' margins, lowest first
        # The most it may rise: just under the (allowed + 1)-th lowest right margin.
        raises[j] = max(0.0, right[allowed] - 1e-3) if allowed < len(right) else 0.0

    def silenced(scale):
        still = (margins - scale * raises >= 0).any(1)
        return (flagged & ~still).sum()
    scale = 1.0
    while scale > 0 and silenced(scale) > 0.005 * flagged.sum():
        scale -= 0.01
    return np.maximum(scale, 0) * raises


def judge(margins, labels, harmless, raises, name):
    raised = margins - raises >= 0
    fine = ~raised.any(1)
    tp = raised & labels
    print(f'{name}: harmless told fine {(harmless & fine).sum()}/{harmless.sum()} ({100 * (harmless & fine).sum() / harmless.sum():.1f}%), '
          f'problems not fine {(~harmless & ~fine).sum()}/{(~harmless).sum()}, recall {tp.sum()}/{labels.sum()}; per concern '
          + ', '.join(f'{c} {tp[:, j].sum()}' for j, c in enumerate(CONCERNS)))


def main() -> None:
    args = arguments()
    heads, rows, fold_of, margins = held_out_margins(args)
    labels = np.array([[c in r['concerns'] for c in CONCERNS] for r in rows])
    harmless = ~labels.any(1)
    judge(margins, labels, harmless, np.zeros(len(CONCERNS)), 'heads alone')
    raises = choose(margins, labels, harmless)
    print('raises: ' + ', '.join(f'{c} +{r:.3f}' for c, r in zip(CONCERNS, raises)))
    judge(margins, labels, harmless, raises, 'raised (chosen on all held-out logits)')
    for k in range(3):
        r = choose(margins[fold_of != k], labels[fold_of != k], harmless[fold_of != k])
        at = fold_of == k
        judge(margins[at], labels[at], harmless[at], np.zeros(len(CONCERNS)), f'fold {k} heads alone')
        judge(margins[at], labels[at], harmless[at], r, f'fold {k} raised on the other two')
    if args.write:
        for c, r in zip(CONCERNS, raises):
            heads['drafts'][c]['threshold'] = round(heads['drafts'][c]['threshold'] + float(r), 5)
        json.dump(heads, open(args.heads, 'w'))
        print(f'wrote the thresholds into {args.heads}')


if __name__ == '__main__':
    main()
