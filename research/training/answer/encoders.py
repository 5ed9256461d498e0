"""Stage 2 of the answering stack's training: the dual encoders, out of fold and on the whole corpus.

A dual encoder turns a question and a passage (or a section heading) each into the weighted mean of their word
vectors (GloVe 100d plus a learned correction per corpus word and a fastText-style character n-gram part for typos and
slang), projected by a learned matrix; similarity is the cosine. It is trained to put each corpus question's section
and passage first among its policy's (cross-entropy, with a learnt "not covered" score for the uncovered questions),
with word dropout and words read as never seen, as staff leave words out and misspell them. --members N trains N such
encoders from seeds seed, seed + 1, ... and averages them (`Ensemble`), so one seed's luck moves the scores less.

The re-ranker and the decline classifier must learn from scores the encoders give questions they were not trained on:
so the encoders are also trained once per fold of kinds of school (--folds groups: two kinds left out at a time; kind:
one; none: no folds, the final encoders score the questions they learnt), and each fold's encoders score the kinds
they left out (features.py). The shipped encoders are then trained on the whole corpus.

Reads <work>/data.pkl. Writes <work>/encoders.pt: every encoder's learnt weights (tensors only, no pickled classes:
the rest is the vocabulary's, rebuilt from data.pkl), which kinds each fold left out, the similarities of pairs of
questions of one policy that each fold's encoders did not see (write_model.py sets the rewording threshold from
them), and the key the encoders were trained under (the export's checksum and the settings). --reuse keeps an
encoders.pt trained under the same key instead of training again: the encoders are most of a training's time.

Usage: python3 research/training/answer/encoders.py [--work DIR] [--epochs 12] [--seed 9] [--members 2] [--folds groups]
       [--reuse]
"""
import math
import os
import pickle
import random

import numpy as np
import torch
import torch.nn.functional as F

import work
from data import DIM, NGRAM_BUCKETS, load_corpus

# What the encoders are and how encoders.pt keeps them (its key): unchanged by the heads and the question bank.
# 4: the learnt weights as tensors (research/training/train.py before the split pickled the classes themselves: format 3).
ENCODER_FORMAT = 4

# --folds groups: the encoders leave out two kinds of school at a time (a third of the training of one kind at a
# time, which on 2 cores took over an hour with the whole corpus); the heads still leave out one kind each.
KIND_GROUPS = [['secondary', 'independent'], ['primary', 'special'], ['local-authority', 'trust']]


class Encoder(torch.nn.Module):
    def __init__(self, vocab, trainable_words):
        super().__init__()
        n = len(vocab.words)
        self.base = torch.nn.Parameter(torch.from_numpy(vocab.base), requires_grad=False)
        self.logrank = torch.nn.Parameter(torch.from_numpy(vocab.logrank), requires_grad=False)
        self.known = torch.nn.Parameter(torch.from_numpy(vocab.known), requires_grad=False)
        grams = torch.from_numpy(vocab.grams)
        self.gram_mask = torch.nn.Parameter((grams >= 0).float(), requires_grad=False)
        self.grams = torch.nn.Parameter(grams.clamp(min=0), requires_grad=False)
        # Corrections are learnt only for the corpus's words: row t of delta belongs to the t-th of them, and
        # every other word points at the last row, which is kept at zero.
        t = len(trainable_words)
        slot = torch.full((n,), t, dtype=torch.long)
        slot[trainable_words] = torch.arange(t)
        self.slot = torch.nn.Parameter(slot, requires_grad=False)
        self.delta = torch.nn.Parameter(torch.zeros(t + 1, DIM))
        self.delta_weight = torch.nn.Parameter(torch.zeros(t + 1))
        keep = torch.ones(t + 1)
        keep[t] = 0
        self.keep = torch.nn.Parameter(keep, requires_grad=False)
        self.gram_table = torch.nn.Parameter(torch.zeros(NGRAM_BUCKETS, DIM))
        self.weight_coef = torch.nn.Parameter(torch.tensor([0.0, 0.3, -0.5]))  # bias, log rank, unknown to GloVe
        self.wq = torch.nn.Parameter(torch.eye(DIM) + 0.01 * torch.randn(DIM, DIM))
        self.wp = torch.nn.Parameter(torch.eye(DIM) + 0.01 * torch.randn(DIM, DIM))
        self.unknown_logrank = vocab.unknown_logrank
        self.heading_mix = torch.nn.Parameter(torch.tensor(0.5))
        self.scale = torch.nn.Parameter(torch.tensor(10.0))
        self.null = torch.nn.Parameter(torch.tensor(0.5))

    def gram_part(self, ids):
        g = self.gram_table[self.grams[ids]]  # [..., G, D]
        m = self.gram_mask[ids].unsqueeze(-1)
        return (g * m).sum(-2) / m.sum(-2).clamp(min=1)

    def word_vectors(self, ids):
        slot = self.slot[ids]
        return self.base[ids] + (self.keep[slot].unsqueeze(-1) * self.delta[slot]) + self.gram_part(ids)

    def unseen_weight(self):
        c = self.weight_coef
        return F.softplus(c[0] + c[1] * self.unknown_logrank + c[2])

    def word_weights(self, ids):
        c = self.weight_coef
        slot = self.slot[ids]
        a = c[0] + c[1] * self.logrank[ids] + c[2] * (1 - self.known[ids]) + self.keep[slot] * self.delta_weight[slot]
        return F.softplus(a)

    def embed_q(self, ids, mask, unseen=None):
        return self.embed(ids, mask, self.wq, unseen)

    def embed_p(self, ids, mask):
        return self.embed(ids, mask, self.wp)

    def embed(self, ids, mask, proj, unseen=None):
        """Weighted mean of word vectors, projected and normalised. Each distinct word is computed once;
        where `unseen` is 1, a word reads as one the model never met: its character n-grams only."""
        uniq, inverse = torch.unique(ids, return_inverse=True)
        v = self.word_vectors(uniq)[inverse]
        w = self.word_weights(uniq)[inverse]
        if unseen is not None:
            u = unseen.unsqueeze(-1)
            v = (1 - u) * v + u * self.gram_part(uniq)[inverse]
            w = (1 - unseen) * w + unseen * self.unseen_weight()
        w = w * mask
        x = (v * w.unsqueeze(-1)).sum(-2) / w.sum(-1, keepdim=True).clamp(min=1e-6)
        return F.normalize(x @ proj.T, dim=-1)


def pad(seqs, min_len=1):
    length = max(min_len, max((len(s) for s in seqs), default=1))
    ids = torch.zeros((len(seqs), length), dtype=torch.long)
    mask = torch.zeros((len(seqs), length))
    for i, s in enumerate(seqs):
        if s:
            ids[i, :len(s)] = torch.tensor(s)
            mask[i, :len(s)] = 1
    return ids, mask


class Ensemble:
    """Several dual encoders trained alike from different seeds, read as one: a text's vector is the members' unit
    vectors side by side, each scaled by 1/sqrt(K), so a cosine is the mean of the members' cosines. One training
    run's luck (its seed) then moves the scores far less. learnedModel.ts reads the members the same way."""

    def __init__(self, members):
        self.members = members
        self.k = len(members)
        self.heading_mix = torch.stack([m.heading_mix.detach() for m in members]).mean()

    def _cat(self, parts):
        return torch.cat(parts, -1) / math.sqrt(self.k)

    def embed_q(self, ids, mask, unseen=None):
        return self._cat([m.embed_q(ids, mask, unseen) for m in self.members])

    def embed_p(self, ids, mask):
        return self._cat([m.embed_p(ids, mask) for m in self.members])

    def word_vectors(self, ids):
        return self._cat([F.normalize(m.word_vectors(ids), dim=-1) for m in self.members])

    def word_weights(self, ids):
        return torch.stack([m.word_weights(ids) for m in self.members]).mean(0)


class PolicyTensors:
    """One policy's passages and headings as padded id tensors, and which section each passage is in."""

    def __init__(self, policy, vocab):
        self.id = policy['id']
        self.kind = policy['kind']
        self.sections = [s['ordinal'] for s in policy['sections']]
        self.section_pos = {o: i for i, o in enumerate(self.sections)}
        passages, owner, first = [], [], {}
        for si, s in enumerate(policy['sections']):
            for pi, p in enumerate(s['passages']):
                first.setdefault((s['ordinal'], pi), len(passages))
                passages.append(vocab.ids(p['tokens']))
                owner.append(si)
        self.passage_index = first
        self.p_ids, self.p_mask = pad(passages)
        self.h_ids, self.h_mask = pad([vocab.ids(s['heading']) for s in policy['sections']])
        self.owner = torch.tensor(owner)
        self.n_sections = len(self.sections)


def policy_tensors(corpus):
    return {p['id']: PolicyTensors(p, corpus.vocab) for p in corpus.data['policies']}


def encode_policy(model, pt):
    p = model.embed_p(pt.p_ids, pt.p_mask)
    h = model.embed_p(pt.h_ids, pt.h_mask)
    return p, h


def dual_scores(model, pt, q_ids, q_mask, q_unseen=None):
    """Per question: passage similarities [Q, P], heading similarities [Q, S], and section scores [Q, S]."""
    p, h = encode_policy(model, pt)
    q = model.embed_q(q_ids, q_mask, q_unseen)
    ps = q @ p.T
    hs = q @ h.T
    sec = torch.full((q.shape[0], pt.n_sections), -2.0)
    sec = sec.scatter_reduce(1, pt.owner.unsqueeze(0).expand_as(ps), ps, reduce='amax', include_self=True)
    return ps, hs, sec


def train_dual(policies, questions, vocab, trainable, epochs, seed, log=None):
    torch.manual_seed(seed)
    random.seed(seed)
    model = Encoder(vocab, trainable)
    opt = torch.optim.Adam([
        {'params': [model.delta, model.gram_table], 'lr': 0.01},
        {'params': [model.delta_weight, model.weight_coef], 'lr': 0.02},
        {'params': [model.wq, model.wp, model.heading_mix, model.scale, model.null], 'lr': 0.005},
    ])
    by_policy = {}
    for q in questions:
        by_policy.setdefault(q['policy'], []).append(q)
    batches = []
    for pid, qs in by_policy.items():
        for i in range(0, len(qs), 64):
            batches.append((pid, qs[i:i + 64]))
    for epoch in range(epochs):
        random.shuffle(batches)
        total = 0.0
        for pid, qs in batches:
            pt = policies[pid]
            q_tokens = []
            for q in qs:
                ids = vocab.ids(q['tokens'])
                # word dropout: staff leave words out, and it keeps the model from leaning on any one word
                kept = [i for i in ids if random.random() > 0.1] or ids
                q_tokens.append(kept)
            q_ids, q_mask = pad(q_tokens)
            # some words read as never seen, so the n-grams learn to stand for words on their own (typos)
            unseen = (torch.rand(q_ids.shape) < 0.15).float()
            ps, hs, sec = dual_scores(model, pt, q_ids, q_mask, unseen)
            scale = model.scale
            null = model.null * scale
            sec_logits = scale * (sec + model.heading_mix * hs)
            pas_logits = scale * (ps + model.heading_mix * hs[:, pt.owner])
            sec_logits = torch.cat([sec_logits, null.expand(len(qs), 1)], 1)
            pas_logits = torch.cat([pas_logits, null.expand(len(qs), 1)], 1)
            sec_target = torch.tensor([pt.section_pos[q['section']] if q['section'] is not None else pt.n_sections for q in qs])
            pas_target = torch.tensor([pt.passage_index.get((q['section'], max(q['passage'], 0)), -100) if q['section'] is not None else ps.shape[1] for q in qs])
            loss = F.cross_entropy(sec_logits, sec_target) + 0.5 * F.cross_entropy(pas_logits, pas_target, ignore_index=-100)
            reg = 1e-4 * (model.delta.pow(2).sum() / max(1, len(trainable))) + 1e-5 * model.gram_table.pow(2).sum() / 100
            opt.zero_grad()
            (loss + reg).backward()
            opt.step()
            total += loss.item() * len(qs)
        if log:
            log(f'  epoch {epoch + 1}: loss {total / max(1, len(questions)):.3f}')
    return model


def train_ensemble(policies, questions, vocab, trainable, epochs, seed, members, log=None):
    """`members` dual encoders, seeds seed, seed + 1, ...; one member is the single encoder of before."""
    models = []
    for k in range(members):
        models.append(train_dual(policies, questions, vocab, trainable, epochs, seed + k))
        if log:
            log(f'  member {k + 1} of {members} trained')
    return Ensemble(models)


def question_pairs(model, vocab, questions):
    """Similarities of pairs of questions of one policy: those answered by the same section, and the others."""
    with torch.no_grad():
        by_policy = {}
        for q in questions:
            if q['section'] is not None:
                by_policy.setdefault(q['policy'], []).append(q)
        same, other = [], []
        for qs in by_policy.values():
            ids, mask = pad([vocab.ids(q['tokens']) for q in qs])
            v = model.embed_q(ids, mask)
            sims = (v @ v.T).numpy()
            sec = np.array([q['section'] for q in qs])
            iu = np.triu_indices(len(qs), 1)
            match = sec[iu[0]] == sec[iu[1]]
            same.append(sims[iu][match])
            other.append(sims[iu][~match])
        return np.concatenate(same), np.concatenate(other)


def folds_of(setting, kinds):
    """The kinds each fold's encoders leave out: none for --folds none, or when the corpus has a single kind."""
    if setting not in ('kind', 'groups') or len(kinds) <= 1:
        return []
    if setting == 'kind':
        return [[k] for k in kinds]
    folds = [[k for k in g if k in kinds] for g in KIND_GROUPS]
    return [f for f in folds if f] + [[k] for k in kinds if not any(k in g for g in KIND_GROUPS)]


def train_encoders(args, corpus, log):
    """The fold encoders with the similarities of their left-out questions' pairs, then the encoders on the whole corpus."""
    policies = policy_tensors(corpus)
    vocab, questions = corpus.vocab, corpus.questions
    trainable = torch.tensor([vocab.index[w] for w in corpus.corpus_words])
    fold_models, pairs_same, pairs_other = [], [], []
    folds = folds_of(args.folds, corpus.kinds)
    for fold in folds:
        train_q = [q for q in questions if corpus.kind_of[q['policy']] not in fold]
        test_q = [q for q in questions if corpus.kind_of[q['policy']] in fold]
        log(f'fold: leave out {" and ".join(fold)} ({len(test_q)} questions)')
        m = train_ensemble(policies, train_q, vocab, trainable, args.epochs, args.seed, args.members, log)
        fold_models.append((fold, m))
        same, other = question_pairs(m, vocab, test_q)
        pairs_same.append(same)
        pairs_other.append(other)
    if not folds:
        m = train_ensemble(policies, questions, vocab, trainable, args.epochs, args.seed, args.members, log)
        same, other = question_pairs(m, vocab, questions)
        pairs_same.append(same)
        pairs_other.append(other)
    log('final dual encoder on the whole corpus')
    final = train_ensemble(policies, questions, vocab, trainable, args.epochs, args.seed, args.members, log)
    return final, fold_models, pairs_same, pairs_other


def _states(ensemble):
    """Each member's learnt weights; the rest (GloVe vectors, ranks, n-gram ids) is the vocabulary's, rebuilt from data.pkl."""
    return [{k: v.detach().clone() for k, v in m.named_parameters() if v.requires_grad} for m in ensemble.members]


def _ensemble(corpus, states):
    trainable = torch.tensor([corpus.vocab.index[w] for w in corpus.corpus_words])
    members = []
    for state in states:
        m = Encoder(corpus.vocab, trainable)
        missing, unexpected = m.load_state_dict(state, strict=False)
        frozen = {k for k, v in m.named_parameters() if not v.requires_grad}
        if unexpected or set(missing) != frozen:
            raise SystemExit(f'encoders.pt does not fit this encoder (missing {missing}, unexpected {unexpected}): run encoders.py again')
        members.append(m)
    return Ensemble(members)


def save_encoders(file, key, final, fold_models, pairs_same, pairs_other, seconds):
    torch.save({'key': key, 'final': _states(final), 'folds': [{'kinds': fold, 'members': _states(m)} for fold, m in fold_models],
                'pairs_same': [torch.from_numpy(a) for a in pairs_same], 'pairs_other': [torch.from_numpy(a) for a in pairs_other],
                # A tensor: PyTorch 1.13's weights-only reader (Debian's) reads no plain floats.
                'seconds': torch.tensor(seconds, dtype=torch.float64)}, file)


def read_state(file):
    """encoders.pt's contents, or None when there is none or it is not this format (an older train.py's, say)."""
    if not os.path.exists(file):
        return None
    try:
        return torch.load(file, weights_only=True)
    except (pickle.UnpicklingError, RuntimeError, AttributeError):
        return None


def load_encoders(work_dir, corpus):
    """The encoders as features.py and write_model.py use them: the final ensemble, [(kinds left out, ensemble)],
    the left-out pairs' similarities (same section, other sections) and the key they were trained under."""
    file = work.path(work_dir, 'encoders.pt')
    state = read_state(file)
    if state is None:
        raise SystemExit(f'{file} is missing or unreadable: run research/training/answer/encoders.py first')
    if state['key']['data_sha256'] != corpus.data_sha256:
        raise SystemExit(f'{file} was trained on another corpus export than data.pkl: run research/training/answer/encoders.py again')
    final = _ensemble(corpus, state['final'])
    folds = [(f['kinds'], _ensemble(corpus, f['members'])) for f in state['folds']]
    return {'final': final, 'folds': folds, 'pairs_same': [t.numpy() for t in state['pairs_same']],
            'pairs_other': [t.numpy() for t in state['pairs_other']], 'key': state['key'], 'seconds': float(state['seconds'])}


def main():
    ap = work.parser(__doc__)
    ap.add_argument('--epochs', type=int, default=12)
    ap.add_argument('--seed', type=int, default=9)
    ap.add_argument('--members', type=int, default=2, help='dual encoders trained from seeds seed, seed + 1, ... and averaged')
    ap.add_argument('--folds', default='groups', choices=['groups', 'kind', 'none'])
    ap.add_argument('--reuse', action='store_true', help='keep <work>/encoders.pt if it was trained on the same export with the same settings')
    args = ap.parse_args()
    clock = work.Clock()
    corpus = load_corpus(args.work)
    file = work.path(args.work, 'encoders.pt')
    key = {'data_sha256': corpus.data_sha256, 'epochs': args.epochs, 'seed': args.seed, 'members': args.members, 'folds': args.folds, 'format': ENCODER_FORMAT}
    if args.reuse:
        state = read_state(file)
        if state is not None and state['key'] == key:
            work.log(f'dual encoders kept from {file} (same export and settings)')
            return
        work.log(f'{file} was not trained on this export with these settings: training')
    final, fold_models, pairs_same, pairs_other = train_encoders(args, corpus, work.log)
    save_encoders(file, key, final, fold_models, pairs_same, pairs_other, clock.seconds())
    work.log(f'wrote {file} in {clock.seconds():.0f} s')


if __name__ == '__main__':
    main()
