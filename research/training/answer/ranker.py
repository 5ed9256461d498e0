"""Stage 5 of the answering stack's training: the re-rankers, which order a question's candidate sections.

A re-ranker scores each candidate section from its FEATURES (bank.py: the encoders', the lexical index's and the
question bank's columns), trained as a softmax over the sections of each answerable corpus question (the right one
first). --ranker mlp (the default) is the linear score plus one hidden tanh layer of 16 units over the standardised
features; --ranker linear leaves the layer out. Whether to answer at all is judged from a second, linear re-ranker's
scores (--decline-ranker linear, the default): the hidden layer ranked better, but its sharper scores made the decline
classifier answer more of the questions it should decline (research/corpus/README.md, "Model history"). --decline-ranker same
has the decline classifier read the ordering ranker's scores.

Both are fitted on every question, and again once per kind of school without that kind's questions, for the
leave-one-kind-out figures (decline.py) and the threshold, which is chosen out of fold.

Reads <work>/data.pkl, features.pkl and bank.pkl. Writes <work>/ranker.pkl: the rankers' weights (arrays), on all
questions and per kind left out, and the settings. learnedRanking.ts scores candidates with them at answer time.

Usage: python3 research/training/answer/ranker.py [--work DIR] [--ranker mlp|linear] [--decline-ranker linear|same]
"""
import numpy as np
import torch
import torch.nn.functional as F

import work
from bank import FEATURES, Scored
from data import load_corpus

RANKER_HIDDEN = 16


def ranker_batch(scored, corpus):
    """The answerable questions' candidate features padded to one tensor, which candidates are real, and the right one."""
    rows = [(f, corpus.section_pos[q['policy']][q['section']]) for q, f in scored if q['section'] is not None]
    width = max(f.shape[0] for f, _ in rows)
    feats = torch.zeros((len(rows), width, len(FEATURES)))
    valid = torch.zeros((len(rows), width), dtype=torch.bool)
    for i, (f, _) in enumerate(rows):
        feats[i, :f.shape[0]] = torch.from_numpy(f)
        valid[i, :f.shape[0]] = True
    return feats, valid, torch.tensor([t for _, t in rows])


def fit_ranker(scored, corpus, kind, epochs=300, l2=1e-3):
    """Softmax re-ranker over candidate sections (answerable questions only), fitted on all at once: linear, or with
    kind 'mlp' fit_ranker_mlp."""
    if kind == 'mlp':
        return fit_ranker_mlp(scored, corpus)
    return fit_ranker_linear(scored, corpus, epochs, l2)


def fit_ranker_linear(scored, corpus, epochs=300, l2=1e-3):
    feats, valid, targets = ranker_batch(scored, corpus)
    w = torch.zeros(len(FEATURES), requires_grad=True)
    with torch.no_grad():
        w[0] = 5.0
    opt = torch.optim.Adam([w], lr=0.05)
    for _ in range(epochs):
        logits = (feats @ w).masked_fill(~valid, -1e9)
        loss = F.cross_entropy(logits, targets) + l2 * w.pow(2).sum()
        opt.zero_grad()
        loss.backward()
        opt.step()
    return w.detach().numpy()


class MlpRanker:
    """A candidate's score: the linear score plus one hidden tanh layer over the standardised features."""
    __array_ufunc__ = None

    def __init__(self, w, mean, std, w1, b1, w2):
        self.w, self.mean, self.std, self.w1, self.b1, self.w2 = w, mean, std, w1, b1, w2

    def __rmatmul__(self, f):
        return f @ self.w + np.tanh(((f - self.mean) / self.std) @ self.w1.T + self.b1) @ self.w2


def fit_ranker_mlp(scored, corpus, epochs=600, l2=1e-3):
    """The linear score plus a hidden tanh layer (RANKER_HIDDEN units) over features standardised over all candidates;
    the layer's output weights start at zero, so fitting starts from the linear ranker's shape."""
    feats, valid, targets = ranker_batch(scored, corpus)
    flat = feats[valid]
    mean, std = flat.mean(0), flat.std(0) + 1e-6
    # The hidden layer runs over the real candidates only (on the corpus, 27 sections a question on average, padded
    # to 91) and standardises them once, not every epoch: the same sums (weights within 1e-6 after 30 epochs), and a
    # fit of 600 epochs over six kinds' questions takes 29 s, where it took about 11 minutes.
    z = (flat - mean) / std
    where = valid.nonzero(as_tuple=True)
    torch.manual_seed(13)
    w = torch.zeros(len(FEATURES), requires_grad=True)
    with torch.no_grad():
        w[0] = 5.0
    w1 = torch.nn.Parameter(0.3 * torch.randn(RANKER_HIDDEN, len(FEATURES)))
    b1 = torch.nn.Parameter(torch.zeros(RANKER_HIDDEN))
    w2 = torch.nn.Parameter(torch.zeros(RANKER_HIDDEN))
    opt = torch.optim.Adam([w, w1, b1, w2], lr=0.03)
    for _ in range(epochs):
        scores = flat @ w + torch.tanh(z @ w1.T + b1) @ w2
        logits = torch.full(valid.shape, -1e9).index_put(where, scores)
        loss = F.cross_entropy(logits, targets) + l2 * (w.pow(2).sum() + w1.pow(2).sum() + w2.pow(2).sum())
        opt.zero_grad()
        loss.backward()
        opt.step()
    d = lambda t: t.detach().numpy()
    return MlpRanker(d(w), d(mean), d(std), d(w1), d(b1), d(w2))


def to_dict(w_rank):
    """A ranker as ranker.pkl keeps it (arrays, no class)."""
    if isinstance(w_rank, MlpRanker):
        return {'kind': 'mlp', 'w': w_rank.w, 'mean': w_rank.mean, 'std': w_rank.std, 'w1': w_rank.w1, 'b1': w_rank.b1, 'w2': w_rank.w2}
    return {'kind': 'linear', 'w': w_rank}


def from_dict(d):
    if d['kind'] == 'mlp':
        return MlpRanker(d['w'], d['mean'], d['std'], d['w1'], d['b1'], d['w2'])
    return d['w']


def _pair(saved):
    w = from_dict(saved['rank'])
    return w, (w if saved['decline'] is None else from_dict(saved['decline']))


def load_rankers(work_dir, corpus):
    """ranker.pkl as the later stages use it: (ordering ranker, decline ranker) on all questions and per kind left out;
    with --decline-ranker same the decline ranker is the ordering one itself."""
    saved = work.load(work_dir, 'ranker', corpus.data_sha256)
    return {'settings': saved['settings'], 'all': _pair(saved['all']), 'by_kind': {k: _pair(p) for k, p in saved['by_kind'].items()},
            'seconds': saved['seconds']}


def ranker_json(w_rank):
    """model.json's ranker: the linear weights and, for --ranker mlp, the hidden layer over standardised features."""
    out = {'features': FEATURES, 'weights': [float(x) for x in getattr(w_rank, 'w', w_rank)], 'hidden': None}
    if isinstance(w_rank, MlpRanker):
        out['hidden'] = {'mean': w_rank.mean.tolist(), 'std': w_rank.std.tolist(), 'weights': w_rank.w1.tolist(), 'bias': w_rank.b1.tolist(), 'out': w_rank.w2.tolist()}
    return out


def ranker_probes(scored, w_rank, count=6):
    """A few candidates' features with the score training gives them, for the product's test to compute again."""
    step = max(1, len(scored) // count)
    rows = [scored[i][1][0] for i in range(0, step * count, step) if i < len(scored)]
    return [{'features': [float(x) for x in f], 'score': float(np.asarray(f[None, :] @ w_rank).reshape(-1)[0])} for f in rows]


def unit(i):
    w = np.zeros(len(FEATURES), dtype=np.float32)
    w[i] = 1
    return w


def ranking_top1(scored, corpus, w):
    """Share of answerable questions whose section ranks first, with no declining: how each design ranks."""
    hits = n = 0
    for q, f in scored:
        if q['section'] is None:
            continue
        n += 1
        hits += 1 if int(np.argmax(f @ w)) == corpus.section_pos[q['policy']][q['section']] else 0
    return f'{100 * hits / max(1, n):.1f}%'


def main():
    ap = work.parser(__doc__)
    ap.add_argument('--ranker', default='mlp', choices=['linear', 'mlp'])
    ap.add_argument('--decline-ranker', default='linear', choices=['same', 'linear'],
                    help='linear: whether to answer is decided from a linear re-ranker\'s scores while --ranker orders the sections')
    args = ap.parse_args()
    clock = work.Clock()
    corpus = load_corpus(args.work)
    s = Scored(args.work, corpus)
    scored = s.items

    def fit(items):
        w = fit_ranker(items, corpus, args.ranker)
        wd = fit_ranker_linear(items, corpus) if args.decline_ranker == 'linear' else None
        return {'rank': to_dict(w), 'decline': None if wd is None else to_dict(wd)}, w

    by_kind = {}
    if s.fold_of:
        for kind in corpus.kinds:
            train_s = [x for x in scored if s.fold_of[id(x[0])] != kind]
            test_s = [x for x in scored if s.fold_of[id(x[0])] == kind]
            by_kind[kind], w = fit(train_s)
            work.log(f'    left out {kind}, ranking only (no declining): model {ranking_top1(test_s, corpus, w)}, dual encoder alone {ranking_top1(test_s, corpus, unit(0))}, '
                     f'lexical alone {ranking_top1(test_s, corpus, unit(5))}, soft match alone {ranking_top1(test_s, corpus, unit(9))}')
    every, w_rank = fit(scored)
    work.log(f'ranker weights {dict(zip(FEATURES, np.round(getattr(w_rank, "w", w_rank), 3).tolist()))}')
    work.save(args.work, 'ranker', {'data_sha256': corpus.data_sha256, 'settings': {'ranker': args.ranker, 'decline_ranker': args.decline_ranker},
                                    'all': every, 'by_kind': by_kind, 'seconds': clock.seconds()})
    work.log(f'wrote {work.path(args.work, "ranker.pkl")}')


if __name__ == '__main__':
    main()
