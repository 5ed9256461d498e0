"""Stage 6 of the answering stack's training: the decline classifier, which decides whether the policy answers at all.

It reads DECLINE_FEATURES of a question: the decline ranker's best score and its margin over the runner-up, the best
candidate's encoder and lexical columns, soft match over the whole policy (features.py) and the question bank's best
match and near questions' uncovered shares (bank.py). --decline mlp (the default) is one hidden tanh layer of 16 units;
--decline logistic is plain logistic regression. Both weigh the two classes equally: the corpus has about four
answerable questions to one uncovered, and a decline is as much an answer as a section.

The answer threshold is the one that gets the most corpus questions right out of fold (the right section first for
a covered question, a decline for an uncovered one), the rankers and the classifier each fitted without the question's
kind of school; of equals, the one nearest 0.5. With those per-kind fits this stage also gives the leave-one-kind-out
figures in the training record. The shipped classifier is then fitted on every question.

Reads <work>/data.pkl, features.pkl, bank.pkl and ranker.pkl. Writes <work>/decline.pkl: the classifier (arrays),
the threshold and the count handled right at each threshold tried, and the leave-one-kind-out figures.

Usage: python3 research/training/answer/decline.py [--work DIR] [--decline mlp|logistic]
"""
import math

import numpy as np
import torch
import torch.nn.functional as F

import question_bank as QB
import work
from bank import Scored
from data import load_corpus
from features import ENCODER_COLUMNS
from ranker import load_rankers

DECLINE_FEATURES = ['rank_score', 'rank_margin', 'dual', 'passage', 'heading', 'lex_coverage_best', 'lex_coverage_top', 'lex_score_best', 'lex_any', 'soft_best', 'soft_top', 'policy_soft', 'policy_unmatched'] + QB.DECLINE_FEATURES
DECLINE_HIDDEN = 16
THRESHOLDS = (0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7)


def question_features(feats, scores, lexical, whole, uncovered):
    """Features deciding whether the policy answers at all, from the best candidate and the runner-up, from
    how much of the question the policy's words mean at all (`whole`: soft coverage, unmatched share), and from the
    question bank: its best section match, its match for the chosen section, the near questions' uncovered share,
    and the share of them uncovered as no social media matter at all."""
    order = np.argsort(-scores)
    best, second = order[0], order[1] if len(order) > 1 else order[0]
    top_cov = max([m['coverage'] for m in lexical] + [0.0])
    return np.array([
        scores[best], scores[best] - scores[second], feats[best, 0], feats[best, 1], feats[best, 2],
        feats[best, 6], top_cov, feats[best, 5], 1.0 if lexical else 0.0, feats[best, 9], feats[:, 9].max(),
        whole[0], whole[1],
        feats[:, ENCODER_COLUMNS].max(), feats[best, ENCODER_COLUMNS], uncovered[0], uncovered[1],
    ], dtype=np.float32)


def decline_features(ctx, q, f, scores):
    """question_features for a scored question, with what features.py and bank.py recorded for it (`ctx`: Scored)."""
    return question_features(f, scores, q['lexical'], ctx.whole[id(q)], ctx.uncovered[id(q)])


def fit_decline(ctx, scored, w_rank, kind):
    """Whether the policy answers the question: logistic regression, or with kind 'mlp' one hidden tanh layer;
    both weigh the two classes equally."""
    x, y = [], []
    for q, f in scored:
        x.append(decline_features(ctx, q, f, f @ w_rank))
        y.append(0 if q['section'] is None else 1)
    x = np.array(x)
    mean, std = x.mean(0), x.std(0) + 1e-6
    if kind == 'logistic':
        from sklearn.linear_model import LogisticRegression
        clf = LogisticRegression(C=1.0, max_iter=2000, class_weight='balanced').fit((x - mean) / std, y)
        return {'mean': mean, 'std': std, 'coef': clf.coef_[0], 'bias': float(clf.intercept_[0]), 'hidden': None}
    torch.manual_seed(11)
    xt = torch.from_numpy(((x - mean) / std).astype(np.float32))
    yt = torch.tensor(y, dtype=torch.float32)
    pos = yt.mean()
    sample_w = torch.where(yt > 0, 0.5 / pos, 0.5 / (1 - pos))
    w1 = torch.nn.Parameter(0.3 * torch.randn(DECLINE_HIDDEN, x.shape[1]))
    b1 = torch.nn.Parameter(torch.zeros(DECLINE_HIDDEN))
    w2 = torch.nn.Parameter(0.3 * torch.randn(DECLINE_HIDDEN))
    b2 = torch.nn.Parameter(torch.zeros(()))
    opt = torch.optim.Adam([w1, b1, w2, b2], lr=0.02, weight_decay=1e-3)
    for _ in range(600):
        z = torch.tanh(xt @ w1.T + b1) @ w2 + b2
        loss = (F.binary_cross_entropy_with_logits(z, yt, reduction='none') * sample_w).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
    return {'mean': mean, 'std': std, 'coef': w2.detach().numpy(), 'bias': float(b2.item()),
            'hidden': {'weights': w1.detach().numpy(), 'bias': b1.detach().numpy()}}


def decline_probability(d, x):
    v = (x - d['mean']) / d['std']
    if d['hidden'] is not None:
        v = np.tanh(d['hidden']['weights'] @ v + d['hidden']['bias'])
    z = float(v @ d['coef'] + d['bias'])
    return 1 / (1 + math.exp(-z))


def evaluate(ctx, scored, corpus, w_rank, decline, threshold, w_decline):
    """Right section first / in the top three (answerable), declined (uncovered), as the product would do it: the
    sections in w_rank's order, whether to answer from the decline classifier over w_decline's scores (w_rank itself
    with --decline-ranker same)."""
    r = {'answerable': 0, 'top1': 0, 'top3': 0, 'uncovered': 0, 'declined': 0, 'answered_wrongly_declined': 0}
    for q, f in scored:
        s = f @ w_rank
        order = list(np.argsort(-s))
        answered = decline_probability(decline, decline_features(ctx, q, f, f @ w_decline)) >= threshold
        if q['section'] is None:
            r['uncovered'] += 1
            r['declined'] += 0 if answered else 1
            continue
        r['answerable'] += 1
        gold = corpus.section_pos[q['policy']][q['section']]
        if not answered:
            r['answered_wrongly_declined'] += 1
            continue
        r['top1'] += 1 if order[0] == gold else 0
        r['top3'] += 1 if gold in order[:3] else 0
    return r


def answer_decisions(ctx, scored, corpus, w_rank, decline, w_decline):
    """Per question: the probability that the policy answers it (from w_decline's scores), whether it is answerable,
    and whether the re-ranker (w_rank) puts the right section first."""
    out = []
    for q, f in scored:
        s = f @ w_rank
        p = decline_probability(decline, decline_features(ctx, q, f, f @ w_decline))
        right = q['section'] is not None and int(np.argmax(s)) == corpus.section_pos[q['policy']][q['section']]
        out.append((p, q['section'] is not None, right))
    return out


def handled_right(decisions, threshold):
    """Questions a user gets right at this threshold: answered with the right section first, or declined when not covered."""
    return sum(1 for p, answerable, right in decisions if (p >= threshold and right) or (p < threshold and not answerable))


def fmt(r):
    a, u = max(1, r['answerable']), max(1, r['uncovered'])
    return f"top1 {100 * r['top1'] / a:.1f}% top3 {100 * r['top3'] / a:.1f}% declined {r['declined']}/{r['uncovered']} ({100 * r['declined'] / u:.1f}%) covered-but-declined {r['answered_wrongly_declined']}"


def main():
    ap = work.parser(__doc__)
    ap.add_argument('--decline', default='mlp', choices=['logistic', 'mlp'])
    args = ap.parse_args()
    clock = work.Clock()
    corpus = load_corpus(args.work)
    ctx = Scored(args.work, corpus)
    scored = ctx.items
    rankers = load_rankers(args.work, corpus)
    # Leave one kind out: the classifier fitted without that kind, over the rankers fitted without it.
    folds_out, decisions = [], []
    if ctx.fold_of:
        for kind in corpus.kinds:
            train_s = [s for s in scored if ctx.fold_of[id(s[0])] != kind]
            test_s = [s for s in scored if ctx.fold_of[id(s[0])] == kind]
            w, wd = rankers['by_kind'][kind]
            d = fit_decline(ctx, train_s, wd, args.decline)
            folds_out.append((kind, test_s, w, d, wd))
            decisions += answer_decisions(ctx, test_s, corpus, w, d, wd)
    w_rank, w_decline = rankers['all']
    decline = fit_decline(ctx, scored, w_decline, args.decline)
    threshold = 0.5
    by_threshold = {}
    if decisions:
        by_threshold = {t: handled_right(decisions, t) for t in THRESHOLDS}
        threshold = max(THRESHOLDS, key=lambda t: (by_threshold[t], -abs(t - 0.5)))
        work.log('questions handled right out of fold (right section first, or declined when not covered), by threshold: '
                 + ', '.join(f'{t}: {n}' for t, n in by_threshold.items()) + f'; chosen {threshold}')
    loko = {}
    for kind, test_s, w, d, wd in folds_out:
        loko[kind] = evaluate(ctx, test_s, corpus, w, d, threshold, wd)
        work.log(f'left out {kind}: {fmt(loko[kind])}')
    work.log(f'in-sample (out-of-fold dual scores): {fmt(evaluate(ctx, scored, corpus, w_rank, decline, threshold, w_decline))}')
    work.save(args.work, 'decline', {'data_sha256': corpus.data_sha256, 'settings': {'decline': args.decline}, 'decline': decline,
                                     'threshold': threshold, 'by_threshold': by_threshold, 'leave_one_kind_out': loko, 'seconds': clock.seconds()})
    work.log(f'wrote {work.path(args.work, "decline.pkl")}')


if __name__ == '__main__':
    main()
