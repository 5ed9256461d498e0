"""Design GA (research/DECISIONS.md, issue 71, 19:31): a logistic gate over the concern heads' margins and the card,
read only when some head fires, saying whether the draft raises anything at all. Fitted out of fold on held-out logits
(finetune.py --only-fold K, DIR/fold<K>.json) with the training scripts' three folds by policy; its threshold is the
highest at which, out of fold over all drafts, the gate silences at most 0.5% of the problem drafts the heads flag and
no concern loses more than 1% of its rightly flagged drafts.

Usage: python3 research/training/drafts/fit_gate.py [DIR] [--heads models/drafts/heads.json] [--write]
  --write puts the gate (refitted on every firing draft, with that threshold) into the heads file as `gate`.
"""
import argparse
import json
import os
import sys

import glob

import numpy as np

# finetune.py's own (copied: importing it needs PyTorch and transformers, this needs neither; judge_held_out.py uses this
# file's placed_held_out).
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
CONCERNS = ['pupils-identified', 'pupil-images', 'contact', 'confidential', 'criticism', 'political', 'offensive',
            'speaking-as-school', 'commercial', 'copyright', 'location-timing']


def read_drafts(pattern):
    rows = []
    for path in sorted(glob.glob(pattern)):
        for n, line in enumerate(open(path, encoding='utf8'), 1):
            if line.strip():
                rows.append({**json.loads(line), 'where': (os.path.basename(path), n)})
    return rows


def folds_by_policy(rows, folds):
    policies = sorted({r['policy'] for r in rows})
    return np.array([policies.index(r['policy']) % folds for r in rows])


def placed_held_out(folder, rows, fold_of):
    """Each fold's held-out logits (DIR/fold<K>.json), each draft placed against the corpus's drafts of that fold in
    order (the rows' indices alongside), after checking that its policy and concerns are that draft's."""
    folds = []
    for k in range(3):
        held = json.load(open(os.path.join(folder, f'fold{k}.json')))
        idx = np.where(fold_of == k)[0]
        if len(held) != len(idx):
            sys.exit(f'fold {k}: {len(held)} held-out drafts, the corpus has {len(idx)} in that fold')
        for h, i in zip(held, idx):
            if h['policy'] != rows[i]['policy'] or sorted(h['concerns']) != sorted(rows[i]['concerns']):
                sys.exit(f'fold {k}: a held-out draft does not match the corpus at {rows[i]["where"]}')
        folds.append((held, idx))
    return folds

SPEAKING = CONCERNS.index('speaking-as-school')
# The column names, in the order draftGate.ts computes them.
COLUMNS = [f'margin:{c}' for c in CONCERNS] + ['largest', 'second', 'fired', 'media:pupils', 'media:colleagues',
                                               'account:school', 'audience:friends', 'audience:group']


def margins_of(logits, thresholds, account):
    """Each head's logit less its threshold; "speaking as the school" is never raised from the school's account."""
    m = np.asarray(logits, dtype=np.float64) - thresholds
    if account == 'school':
        m[SPEAKING] = min(m[SPEAKING], -1.0)
    return m


def columns(m, row):
    """The gate's columns for one draft (draftGate.ts computes the same)."""
    top = np.sort(m)[::-1]
    return np.concatenate([m, [top[0], top[1], float((m >= 0).sum()),
                               row['media'] == 'pupils', row['media'] == 'colleagues', row['account'] == 'school',
                               row['audience'] == 'friends', row['audience'] == 'group']]).astype(np.float64)


def fit(X, y):
    from sklearn.linear_model import LogisticRegression  # here, so judge_held_out.py can import the rest without it
    mean, scale = X.mean(0), X.std(0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=1.0, max_iter=5000).fit((X - mean) / scale, y)
    # Folded back into raw columns: p = sigmoid(bias + w . x).
    w = model.coef_[0] / scale
    b = float(model.intercept_[0] - (model.coef_[0] * mean / scale).sum())
    return w, b


def arguments():
    """The arguments this script and raise_thresholds.py take: the held-out folder, the heads file, --write."""
    ap = argparse.ArgumentParser()
    ap.add_argument('folder', nargs='?', default=os.path.join(os.path.dirname(__file__), 'held-out', 'dk-s7'))
    ap.add_argument('--heads', default=os.path.join(ROOT, '..', 'models', 'drafts', 'heads.json'))
    ap.add_argument('--write', action='store_true')
    return ap.parse_args()


def held_out_margins(args):
    """The heads file, the corpus's drafts, their folds, and each draft's out-of-fold margins over the heads' thresholds."""
    heads = json.load(open(args.heads))
    thresholds = np.array([heads['drafts'][c]['threshold'] for c in CONCERNS], dtype=np.float64)
    rows = read_drafts(os.path.join(ROOT, 'corpus', 'drafts', 'written', '*.jsonl'))
    fold_of = folds_by_policy(rows, 3)
    margins = np.zeros((len(rows), len(CONCERNS)))
    for held, idx in placed_held_out(args.folder, rows, fold_of):
        for h, i in zip(held, idx):
            margins[i] = margins_of(h['logits'], thresholds, rows[i]['account'])
    return heads, rows, fold_of, margins


def main() -> None:
    args = arguments()
    heads, rows, fold_of, margins = held_out_margins(args)
    n = len(rows)
    X = np.stack([columns(margins[i], rows[i]) for i in range(n)])
    labels = np.array([[c in r['concerns'] for c in CONCERNS] for r in rows])
    problem = labels.any(1)
    raised = margins >= 0
    fires = raised.any(1)
    p = np.ones(n)  # a draft no head fires on is fine whatever the gate says
    for k in range(3):
        learn = fires & (fold_of != k)
        w, b = fit(X[learn], problem[learn])
        at = fires & (fold_of == k)
        p[at] = 1 / (1 + np.exp(-(X[at] @ w + b)))
    flagged = fires & problem
    tp = raised & labels
    harmless = ~problem
    print(f'out of fold, {n} drafts ({harmless.sum()} harmless): heads alone tell {(harmless & ~fires).sum()} harmless fine, '
          f'{flagged.sum()}/{problem.sum()} problems not fine, recall {tp.sum()}/{labels.sum()}')
    best = None
    for t in np.unique(p[fires]):
        kept = p >= t
        lost_problems = (flagged & ~kept).sum()
        lost_tp = (tp & ~kept[:, None]).sum(0)
        ok = lost_problems <= 0.005 * flagged.sum() and all(lost_tp[j] <= 0.01 * tp[:, j].sum() for j in range(len(CONCERNS)))
        if ok:
            best = t
        else:
            break
    # The gate's threshold sits midway between the chosen draft's probability and the next lower one, so no corpus
    # draft is within a rounding of it.
    lower = p[fires & (p < best)]
    t = float((best + lower.max()) / 2) if len(lower) else float(best)
    kept = ~fires | (p >= t)
    fine = ~(fires & kept)
    print(f'gate threshold {t:.6f}: harmless told fine {(harmless & fine).sum()}/{harmless.sum()} '
          f'({100 * (harmless & fine).sum() / harmless.sum():.1f}%), problems not fine {(problem & ~fine).sum()}/{problem.sum()}, '
          f'recall {(tp & kept[:, None]).sum()}/{labels.sum()}')
    for j, c in enumerate(CONCERNS):
        print(f'  {c:20s} rightly flagged {tp[:, j].sum()} -> {(tp[:, j] & kept).sum()}; harmless it fires on silenced '
              f'{(harmless & raised[:, j] & ~kept).sum()}/{(harmless & raised[:, j]).sum()}')
    early = np.array([int(r['where'][0].split('-')[1].split('.')[0]) <= 5 for r in rows])
    print(f'batches 1-5: harmless told fine {(harmless & fine & early).sum()}/{(harmless & early).sum()} '
          f'(heads alone {(harmless & ~fires & early).sum()}), problems not fine {(problem & ~fine & early).sum()}/{(problem & early).sum()}')
    if args.write:
        w, b = fit(X[fires], problem[fires])
        heads['gate'] = {'columns': COLUMNS, 'weights': [round(float(x), 6) for x in w], 'bias': round(b, 6),
                         'threshold': round(t, 6)}
        json.dump(heads, open(args.heads, 'w'))
        print(f'wrote the gate into {args.heads}')


if __name__ == '__main__':
    main()
