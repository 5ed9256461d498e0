"""Stage 4 of the re-ranker (issue 50): screening of designs on cached cross-encoder scores (research/DECISIONS.md).

Reads the exported candidates (research/scripts/exportRerankData.ts --eval) and score.py's caches: --scores for the evaluation
sets, --oof for corpus questions scored out of fold. For each set and the sets together: right section first, in the
top three, quoted (the answer's first passage holds an expected quote) and uncovered questions declined, for
  D0: the present stack as exported (its order, its quote, its decline);
  D1: the stack's top K sections ordered by the cross-encoder's best passage among each one's top M, the quote that
      passage;
  D2: reciprocal-rank fusion of the stack's order and D1's (nothing fitted), the quote D1's passage in the section.
Declining (+CE): the stack's, or the cross-encoder's best probability under t, t fitted out of fold on the corpus.
Sure: a logistic regression over the top logit and the margin to the next section, fitted out of fold on the corpus;
the share sure, right when sure, and the right section shown in the first reply (first when sure, top three if not).
Nothing here is fitted on an evaluation set.

Usage: python3 research/training/rerank/screen.py --scores FILE --oof FILE [--sections 4 --passages 4] [--write-calibration F]
"""
import argparse
import json
import math
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from build_pairs import passage_key  # noqa: E402

SETS = ['qa-sample', 'qa-staff', 'qa-holdout', 'qa-blind', 'qa-fresh']


def sigmoid(x):
    return 1 / (1 + math.exp(-x))


def section_best(scores, k, m):
    """Per section of the top k: (best logit among its top m passages, that passage's index)."""
    out = []
    for s in scores[:k]:
        vals = [(v, i) for i, v in enumerate(s[:m]) if v is not None]
        out.append(max(vals) if vals else (-1e9, 0))
    return out


def right_section(r, i):
    return r['expect'] is not None and any(e in r['sections'][i]['text'] for e in r['expect'])


def ce_features(best):
    """What "sure" reads: the top logit and its margin over the next section's best."""
    logits = sorted((b[0] for b in best), reverse=True)
    return [logits[0], logits[0] - (logits[1] if len(logits) > 1 else logits[0] - 10)]


def fit_logistic(x, y, l2=1e-2, steps=3000, lr=0.1):
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    mu, sd = x.mean(0), x.std(0) + 1e-9
    z = (x - mu) / sd
    w = np.zeros(z.shape[1])
    b = 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(z @ w + b)))
        g = p - y
        w -= lr * (z.T @ g / len(y) + l2 * w)
        b -= lr * g.mean()
    # Back to raw feature units: logit = x . (w / sd) + (b - mu . w / sd).
    return (w / sd).tolist(), float(b - (mu * w / sd).sum())


def calibrate(oof_rows, k, m, precision=0.97, decline_loss=0.02):
    """t (declining) and the sure model with its threshold, from corpus questions scored out of fold."""
    covered = [r for r in oof_rows if r['expect'] is not None]
    tops = np.array([max(b[0] for b in section_best(r['_scores'], k, m)) for r in covered])
    t = float(np.quantile(tops, decline_loss))
    x, y = [], []
    for r in covered:
        best = section_best(r['_scores'], k, m)
        order = sorted(range(len(best)), key=lambda i: -best[i][0])
        x.append(ce_features(best))
        y.append(1 if right_section(r, order[0]) else 0)
    w, b = fit_logistic(x, y)
    probs = 1 / (1 + np.exp(-(np.asarray(x) @ np.asarray(w) + b)))
    ys = np.asarray(y)
    threshold = 1.0
    for cut in sorted(set(np.round(probs, 4))):
        chosen = probs >= cut
        if chosen.sum() and ys[chosen].mean() >= precision:
            threshold = float(cut)
            break
    uncovered = [r for r in oof_rows if r['expect'] is None]
    un_top = [max(b[0] for b in section_best(r['_scores'], k, m)) for r in uncovered]
    print(f'calibration (corpus out of fold, {len(covered)} covered, {len(uncovered)} uncovered): t={t:.3f} '
          f'(declines {sum(v < t for v in un_top)}/{len(uncovered)} uncovered); CE first right {ys.mean():.3f}; '
          f'sure w={np.round(w, 3).tolist()} b={b:.3f} threshold {threshold:.3f}, sure on {(probs >= threshold).mean():.3f}')
    return {'declineBelow': t, 'sure': {'weights': w, 'bias': b, 'threshold': threshold}}


def is_sure(cal, best):
    w, b = cal['sure']['weights'], cal['sure']['bias']
    return sigmoid(sum(a * c for a, c in zip(w, ce_features(best))) + b) >= cal['sure']['threshold']


def evaluate(rows, design, k, m, cal):
    f = {k2: 0 for k2 in ('covered', 'first', 'top3', 'quoted', 'uncovered', 'declined', 'sure', 'sureRight', 'shown')}
    for r in rows:
        best = section_best(r['_scores'], k, m)
        ce_order = sorted(range(len(best)), key=lambda i: -best[i][0])
        answered = r['answered']
        if design != 'D0' and cal['declineBelow'] is not None and answered and best and max(b[0] for b in best) < cal['declineBelow']:
            answered = False if design.endswith('+') else answered
        if r['expect'] is None:
            f['uncovered'] += 1
            f['declined'] += 0 if answered else 1
            continue
        f['covered'] += 1
        if not answered:
            continue
        n = len(r['sections'])
        if design == 'D0':
            order, quote = list(range(n)), lambda i: r['sections'][i]['passages'][0]['text']
        else:
            if design.startswith('D1'):
                head = ce_order
            else:
                rank = {i: 1 / (61 + i) for i in range(len(best))}
                for pos, i in enumerate(ce_order):
                    rank[i] += 1 / (61 + pos)
                head = sorted(rank, key=lambda i: -rank[i])
            order = head + list(range(len(best), n))
            quote = lambda i: r['sections'][i]['passages'][best[i][1] if i < len(best) else 0]['text']
        hits = [right_section(r, i) for i in order]
        f['first'] += hits[0]
        f['top3'] += any(hits[:3])
        q = passage_key(quote(order[0]))
        f['quoted'] += any(e in q or q in e for e in r['expect'])
        sure = design == 'D0' or is_sure(cal, best)
        f['sure'] += sure
        f['sureRight'] += sure and hits[0]
        f['shown'] += hits[0] if sure else any(hits[:3])
    return f


def attach(rows, cache):
    by_q = {(c['set'], c['policy'], c['q']): c['scores'] for c in cache}
    kept = []
    for r in rows:
        key = (r.get('set', 'corpus'), r['policy'], r['q'])
        if key in by_q:
            r['_scores'] = by_q[key]
            kept.append(r)
    return kept


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--scores', required=True)
    parser.add_argument('--oof', required=True)
    parser.add_argument('--data', default='research/training/data/rerank')
    parser.add_argument('--sections', type=int, default=4)
    parser.add_argument('--passages', type=int, default=4)
    parser.add_argument('--write-calibration')
    args = parser.parse_args()
    read = lambda p: [json.loads(l) for l in open(p, encoding='utf8')]
    cache = read(args.scores)
    oof_cache = read(args.oof)
    corpus = read(os.path.join(args.data, 'corpus.jsonl'))
    for r in corpus:
        r['set'] = 'corpus'
    cal = calibrate(attach(corpus, oof_cache), args.sections, args.passages)
    if args.write_calibration:
        json.dump({'sections': args.sections, 'passages': args.passages, **cal}, open(args.write_calibration, 'w'), indent=2)
    totals = {}
    for name in SETS:
        rows = attach(read(os.path.join(args.data, f'{name}.jsonl')), cache)
        for design in ('D0', 'D1', 'D1+', 'D2', 'D2+'):
            f = evaluate(rows, design, args.sections, args.passages, cal)
            t = totals.setdefault(design, {k: 0 for k in f})
            for k in f:
                t[k] += f[k]
            print(f"{name:11s} {design:3s}: first {f['first']}/{f['covered']} top3 {f['top3']} quoted {f['quoted']} "
                  f"declined {f['declined']}/{f['uncovered']} sure {f['sure']} (right {f['sureRight']}) shown {f['shown']}")
    for design, t in totals.items():
        print(f"together {design:3s}: first {t['first']} top3 {t['top3']} quoted {t['quoted']} of {t['covered']}; "
              f"declined {t['declined']} of {t['uncovered']}; sure {t['sure']} right {t['sureRight']}; shown {t['shown']}")


if __name__ == '__main__':
    main()
