"""Stage 8 of the answering stack's training: when an answer is sure of its section (issue 50, research/DECISIONS.md).

An answer is sure when the second section's share of the first's probability (exp(second score - first score), the
ordering ranker's scores, as the product's "close second" reads them) is under s. s is the highest value whose
precision on the covered corpus questions, out of fold, is at least --precision: each question ranked from features
computed by encoders trained without its kind of school (features.py) and by the ranker fitted without its kind
(ranker.py's by_kind), the standard the decline threshold is chosen by. A section named by its heading's very words
is always sure, as in the product.

Reads <work>/data.pkl, features.pkl, bank.pkl and ranker.pkl. Writes <work>/sure.pkl: the cut-off, the target and the
out-of-fold figures, which write_model.py writes into the model folder as sure.json.

Usage: python3 research/training/answer/sure.py [--work DIR] [--precision 0.97]
"""
import numpy as np

import work
from bank import Scored
from data import load_corpus
from ranker import load_rankers


def oof_margins(scored, s, corpus, rankers):
    """Per covered corpus question: the second section's share, and whether the first section is the right one."""
    out = []
    for q, f in scored:
        if q['section'] is None:
            continue
        w_rank = rankers['by_kind'][s.fold_of[id(q)]][0]
        scores = np.asarray(f @ w_rank).reshape(-1)
        order = np.argsort(-scores)
        share = float(np.exp(scores[order[1]] - scores[order[0]])) if len(order) > 1 else 0.0
        out.append((share, int(order[0]) == corpus.section_pos[q['policy']][q['section']]))
    return out


def choose(margins, precision):
    """The highest cut-off s with precision >= the target among questions whose share is under s."""
    margins = sorted(margins)
    best, right = 0.0, 0
    for i, (share, ok) in enumerate(margins):
        right += ok
        if right / (i + 1) >= precision:
            nxt = margins[i + 1][0] if i + 1 < len(margins) else 1.0
            best = (share + nxt) / 2
    return best


def main():
    ap = work.parser(__doc__)
    ap.add_argument('--precision', type=float, default=0.97)
    args = ap.parse_args()
    corpus = load_corpus(args.work)
    s = Scored(args.work, corpus)
    if not s.fold_of:
        raise SystemExit('sure.py needs out-of-fold features: run features.py with folds')
    rankers = load_rankers(args.work, corpus)
    margins = oof_margins(s.items, s, corpus, rankers)
    cut = choose(margins, args.precision)
    sure = [(sh, ok) for sh, ok in margins if sh < cut]
    figures = {'covered': len(margins), 'firstRight': sum(ok for _, ok in margins), 'sure': len(sure), 'sureRight': sum(ok for _, ok in sure)}
    record = {'secondShareBelow': round(cut, 6), 'precisionTarget': args.precision, 'outOfFold': figures}
    work.save(args.work, 'sure', {'data_sha256': corpus.data_sha256, 'record': record})
    work.log(f"sure when the second section's share is under {cut:.4f}: out of fold sure on {figures['sure']}/{figures['covered']} "
             f"covered questions, right when sure {figures['sureRight']}/{figures['sure']}, first right overall {figures['firstRight']}")


if __name__ == '__main__':
    main()
