"""The answering stack read beside all-mpnet-base-v2 (issue 70): the mix of their scores and the "sure" cut-off, out of fold.

Reads the stack's work folder (research/training/answer/train.py --work DIR: data.pkl, features.pkl, bank.pkl, ranker.pkl;
each corpus question ranked from features of encoders trained without its kind of school and by the ranker fitted
without its kind, as sure.py reads them), the corpus export, and the encoder's unit vectors of the corpus passages
("heading : passage", corpus export order) and of a sample of corpus questions (encode_corpus.py). Per covered question,
the stack's first --sections sections are candidates, each with the columns src/features/policy/answer/passageRerank.ts
passageMixFeatures writes (the stack's margin and rank, the best passage's cosine, its margin and rank). A logistic
regression (scikit-learn, L2, C = 1) learns which candidate is the right section, leaving one kind of school out at a
time: each question is scored by a mix that never saw its kind. "Sure": the first candidate's softmax share of the
mix's logits at least t, t the lowest value whose out-of-fold precision on covered questions is >= --precision. The
same is measured for the candidates ordered by reciprocal ranks (the stack's and the cosine's), sure by the same mix.
The final mix is fitted on every kind; out of fold figures and settings go to --out (heads.json's `mix`).

Usage: python3 research/training/answer_encoder/fit_mix.py --work DIR --data corpus.json --vectors DIR --out mix.json
"""
import argparse
import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'answer'))


def features(stack_scores, cosines, k):
    """As passageMixFeatures: stack scores in the stack's order, cosines of the same sections."""
    order = sorted(range(len(cosines)), key=lambda i: (-cosines[i], i))
    rank = [0] * len(cosines)
    for r, i in enumerate(order):
        rank[i] = r
    best = cosines[order[0]]
    return [[stack_scores[i] - stack_scores[0], 1 / (1 + i), cosines[i], cosines[i] - best, 1 / (1 + rank[i])] for i in range(min(k, len(stack_scores)))]


def fused_order(rows):
    by_cos = sorted(range(len(rows)), key=lambda i: (-rows[i][2], i))
    f = [1 / (61 + i) for i in range(len(rows))]
    for r, i in enumerate(by_cos):
        f[i] += 1 / (61 + r)
    return sorted(range(len(rows)), key=lambda i: (-f[i], i))


def choose_share(pairs, precision):
    """Lowest share t with precision >= target among questions whose share >= t (pairs: (share, right))."""
    pairs = sorted(pairs, key=lambda p: -p[0])
    best, right = 1.01, 0
    for i, (share, ok) in enumerate(pairs):
        right += ok
        if right / (i + 1) >= precision:
            nxt = pairs[i + 1][0] if i + 1 < len(pairs) else 0.0
            best = (share + nxt) / 2
    return best


def corpus_items(args):
    """(kind, stack scores over sections in the stack's order, cosines in that order, index of the right one or -1)."""
    import work
    from bank import Scored
    from data import load_corpus
    from ranker import load_rankers
    corpus = load_corpus(args.work)
    s = Scored(args.work, corpus)
    rankers = load_rankers(args.work, corpus)
    data = json.load(open(args.data, encoding='utf8'))
    P = np.load(os.path.join(args.vectors, 'corpus_passages.npy'))
    Qv = np.load(os.path.join(args.vectors, 'corpus_questions.npy'))
    qi = json.load(open(os.path.join(args.vectors, 'corpus_qi.json')))
    row_of = {data['questions'][i]['q'] + '\0' + data['questions'][i]['policy']: r for r, i in enumerate(qi)}
    spans, k = {}, 0
    for pol in data['policies']:
        spans[pol['id']] = []
        for sec in pol['sections']:
            n = len(sec['passages'])
            spans[pol['id']].append((k, k + n))
            k += n
    kind_of = {pol['id']: pol['kind'] for pol in data['policies']}
    out = []
    for q, f in s.items:
        if q['section'] is None:
            continue
        r = row_of.get(q['q'] + '\0' + q['policy'])
        if r is None:
            continue
        w = rankers['by_kind'][s.fold_of[id(q)]][0]
        scores = np.asarray(f @ w).reshape(-1)
        order = np.argsort(-scores, kind='stable')
        cos_all = [float((P[a:b] @ Qv[r]).max()) if b > a else -1.0 for a, b in spans[q['policy']]]
        right = corpus.section_pos[q['policy']][q['section']]
        out.append((kind_of[q['policy']], [float(scores[i]) for i in order], [cos_all[i] for i in order],
                    int(np.where(order == right)[0][0])))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--work', required=True)
    ap.add_argument('--data', required=True)
    ap.add_argument('--vectors', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--sections', type=int, default=8)
    ap.add_argument('--precision', type=float, default=0.97)
    args = ap.parse_args()
    from sklearn.linear_model import LogisticRegression
    items = corpus_items(args)
    kinds = sorted({it[0] for it in items})
    built = [(kind, features(s, c, args.sections), right) for kind, s, c, right in items]

    def fit(rows):
        X = np.array([x for _, feats, _ in rows for x in feats])
        y = np.array([int(j == right) for _, feats, right in rows for j in range(len(feats))])
        m = LogisticRegression(C=1.0, max_iter=2000).fit(X, y)
        return m.coef_[0], float(m.intercept_[0])

    oof = {'stack': [], 'mix': [], 'fused': [], 'cosine': []}
    shares = []
    for kind in kinds:
        w, b = fit([r for r in built if r[0] != kind])
        for k2, feats, right in built:
            if k2 != kind:
                continue
            logits = np.array(feats) @ w + b
            order = sorted(range(len(feats)), key=lambda i: (-logits[i], i))
            share = float(np.exp(logits[order[0]] - logits.max()) / np.exp(logits - logits.max()).sum())
            oof['stack'].append(right == 0)
            oof['mix'].append(right == order[0])
            oof['fused'].append(right == fused_order(feats)[0])
            oof['cosine'].append(right == max(range(len(feats)), key=lambda i: feats[i][2]))
            shares.append((share, right == order[0]))
    t = choose_share(shares, args.precision)
    sure = [ok for sh, ok in shares if sh >= t]
    w, b = fit(built)
    n = len(built)
    record = {'questions': n, 'firstRight': {k: int(sum(v)) for k, v in oof.items()},
              'sure': len(sure), 'sureRight': int(sum(sure)), 'sureShare': round(t, 6),
              'rightAmongCandidates': sum(1 for *_, r in built if 0 <= r < args.sections)}
    print(json.dumps(record))
    json.dump({'mix': {'sections': args.sections, 'order': 'mix', 'weights': [round(float(x), 6) for x in w], 'bias': round(b, 6),
                       'sureShare': round(t, 6)}, 'outOfFold': record}, open(args.out, 'w'), indent=1)


if __name__ == '__main__':
    main()
