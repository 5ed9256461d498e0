"""Trains the policy question model from the corpus the team wrote (corpus/), and writes the shipped files.

Five parts, all small enough to run in plain TypeScript at answer time (src/features/policy/answer/learnedModel.ts):
  1. a dual encoder: a question and a passage (or a section heading) each become the weighted mean of their
     word vectors (GloVe 100d plus a learned correction per word and a fastText-style character n-gram part
     for typos and slang), projected by a learned matrix; similarity is the cosine. --members N trains N such
     encoders from different seeds and averages them (`Ensemble`);
  2. the question bank (question_bank.py): every corpus question with the policy text that answers it; a staff
     question's nearest bank questions carry their answers over, passage to passage, to the school's policy;
  3. a re-ranker: a linear score per candidate section over the dual encoder's similarities, the lexical index's
     score and coverage, and the bank's section match (features in `section_features` and the bank's), plus one
     hidden tanh layer over the standardised features (--ranker linear leaves it out);
  4. a decline classifier (one hidden tanh layer; --decline logistic for plain logistic regression) over the best
     candidate's features and the bank's share of near questions that their policies did not cover, trained with
     the corpus's uncovered questions, deciding whether the policy answers the question at all; its threshold is
     the one that gets the most questions right out of fold (the right section first, or a decline when not covered).
     It reads the scores of a linear re-ranker fitted beside the one that orders the sections (--decline-ranker
     same reads the ordering ranker's): whether to answer is judged apart from the order, because the sharper
     hidden-layer scores made the classifier answer more of the uncovered questions (corpus/README.md);
  5. a quote scorer: which passage of the cited section to quote, a listwise linear score over each passage's
     similarity, lexical and bank scores, position, length and the share of the question's words it names
     (QUOTE_FEATURES), trained on the corpus's labelled passages.

The re-ranker and the decline classifier learn from out-of-fold scores: the dual encoder is trained once per fold,
leaving kinds of school out (--folds groups: two kinds at a time; --folds kind: one), and scores the left-out kinds;
a question's bank features leave its own kind out. Fitting the heads once per kind, without that kind, gives the
leave-one-kind-out figures. The shipped dual encoder is then trained on the whole corpus.
With --encoder-cache DIR the encoders (the out-of-fold ones too) are kept, keyed by the data's checksum and the
encoder settings, so a later run on the same corpus computes the features again from them, re-fits only the bank and
the heads, and writes the same vectors. Training runs on one thread, so the same
command on the same data writes the same bytes.

Nothing here reads the five real policies or their questions: they are test data (scripts/evalReport.ts).

Usage: python3 training/train.py --data training/data/corpus.json --glove <wink json> --out models/policy-model
"""
import argparse
import hashlib
import json
import math
import os
import random
import struct
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

import question_bank as QB

DIM = 100
NGRAM_BUCKETS = 20000
NGRAM_MIN, NGRAM_MAX = 3, 4
TOP_GLOVE = 60000
FORMAT_VERSION = 3
# What the encoders are and how the cache keeps them (its key): unchanged by the heads and the question bank.
ENCODER_FORMAT = 3


def fnv1a(text):
    """32-bit FNV-1a over UTF-8 bytes; src/features/policy/answer/learnedModel.ts computes the same."""
    h = 0x811C9DC5
    for b in text.encode('utf-8'):
        h ^= b
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h


def ngrams(word):
    w = '<' + word + '>'
    out = []
    for n in range(NGRAM_MIN, NGRAM_MAX + 1):
        for i in range(0, len(w) - n + 1):
            out.append(fnv1a(w[i:i + n]) % NGRAM_BUCKETS)
    return out


class Vocab:
    """Every word the model may meet: the corpus's words and the most frequent GloVe words."""

    def __init__(self, glove, corpus_words):
        self.words = []
        self.index = {}
        for w in corpus_words:
            self.add(w)
        for w in glove['words'][:TOP_GLOVE]:
            if w.isalnum() and w.lower() == w:
                self.add(w)
        n = len(self.words)
        self.unknown_logrank = math.log(len(glove['words']) + 2)
        self.base = np.zeros((n, DIM), dtype=np.float32)
        self.logrank = np.zeros(n, dtype=np.float32)
        self.known = np.zeros(n, dtype=np.float32)
        vecs = glove['vectors']
        for i, w in enumerate(self.words):
            v = vecs.get(w)
            if v is not None:
                self.base[i] = np.asarray(v[:DIM], dtype=np.float32)
                self.logrank[i] = math.log(v[DIM + 1] + 2)
                self.known[i] = 1
            else:
                self.logrank[i] = self.unknown_logrank
        grams = [ngrams(w) for w in self.words]
        self.max_grams = max(len(g) for g in grams)
        self.grams = np.full((n, self.max_grams), -1, dtype=np.int64)
        for i, g in enumerate(grams):
            self.grams[i, :len(g)] = g

    def add(self, w):
        if w not in self.index:
            self.index[w] = len(self.words)
            self.words.append(w)

    def ids(self, tokens):
        return [self.index[t] for t in tokens if t in self.index]


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


def soft_match(model, pt, q_ids):
    """Per question and passage: the weighted share of the question's words that some word of the passage means,
    each question word counting its best cosine with a passage word (word vectors as the model learnt them)."""
    p_ids, p_mask = pt.p_ids, pt.p_mask
    uniq, inverse = torch.unique(p_ids, return_inverse=True)
    pv = F.normalize(model.word_vectors(uniq), dim=-1)  # [U, D]
    out, whole = [], []
    for ids in q_ids:
        if not ids:
            out.append(torch.zeros(p_ids.shape[0]))
            whole.append([0.0, 1.0])
            continue
        t = torch.tensor(sorted(set(ids)))
        qv = F.normalize(model.word_vectors(t), dim=-1)
        w = model.word_weights(t)
        sims = qv @ pv.T  # [T, U]
        per_token = sims[:, inverse]  # [T, P, L]
        per_token = per_token.masked_fill(p_mask.unsqueeze(0) == 0, -1.0).amax(-1)  # [T, P]
        out.append((w.unsqueeze(-1) * per_token.clamp(min=0)).sum(0) / w.sum())
        # Over the whole policy: how much of the question some word of the policy means, and how much of it
        # (by weight) no word of the policy comes near: a topic the policy never mentions.
        best = sims.amax(1).clamp(min=0)
        whole.append([float((w * best).sum() / w.sum()), float((w * (best < UNMATCHED_SIMILARITY).float()).sum() / w.sum())])
    return torch.stack(out), np.array(whole, dtype=np.float32)


UNMATCHED_SIMILARITY = 0.5


def section_features(ps, hs, sec, lexical, pt, heading_mix, soft):
    """Features of every candidate section for one question: see FEATURES."""
    n = pt.n_sections
    soft_sec = np.full(n, 0.0, dtype=np.float32)
    np.maximum.at(soft_sec, pt.owner.numpy(), soft)
    lex_score = np.zeros(n, dtype=np.float32)
    lex_cov = np.zeros(n, dtype=np.float32)
    lex_rank = np.zeros(n, dtype=np.float32)
    top_lex = max([m['score'] for m in lexical] + [1e-9])
    for r, m in enumerate(lexical):
        i = pt.section_pos.get(m['section'])
        if i is None:
            continue
        lex_score[i] = m['score'] / top_lex
        lex_cov[i] = m['coverage']
        lex_rank[i] = 1.0 / (r + 1)
    dual = sec + heading_mix * hs
    order = np.argsort(-dual)
    dual_rank = np.zeros(n, dtype=np.float32)
    dual_rank[order] = 1.0 / (np.arange(n) + 1)
    feats = np.stack([dual, sec, hs, dual - dual.max(), dual_rank, lex_score, lex_cov, lex_rank, (lex_score > 0).astype(np.float32), soft_sec, soft_sec - soft_sec.max()], 1)
    return feats


FEATURES = ['dual', 'passage', 'heading', 'dual_gap', 'dual_rank', 'lex_score', 'lex_coverage', 'lex_rank', 'lex_present', 'soft', 'soft_gap'] + QB.FEATURES
# Columns the dual encoder and the lexical index give (section_features); the question bank's follow them.
ENCODER_COLUMNS = 11


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


DECLINE_FEATURES = ['rank_score', 'rank_margin', 'dual', 'passage', 'heading', 'lex_coverage_best', 'lex_coverage_top', 'lex_score_best', 'lex_any', 'soft_best', 'soft_top', 'policy_soft', 'policy_unmatched'] + QB.DECLINE_FEATURES


def score_questions(model, policies, vocab, questions):
    """Dual-encoder similarities for each question against its policy, as numpy arrays."""
    out = []
    with torch.no_grad():
        by_policy = {}
        for q in questions:
            by_policy.setdefault(q['policy'], []).append(q)
        hm = model.heading_mix.item()
        for pid, qs in by_policy.items():
            pt = policies[pid]
            id_lists = [vocab.ids(q['tokens']) for q in qs]
            q_ids, q_mask = pad(id_lists)
            ps, hs, sec = dual_scores(model, pt, q_ids, q_mask)
            soft, whole = soft_match(model, pt, id_lists)
            soft = soft.numpy()
            for i, q in enumerate(qs):
                if q['section'] is not None:
                    owner = pt.owner.numpy()
                    gold_rows = np.nonzero(owner == pt.section_pos[q['section']])[0]
                    PASSAGE_SIMS[id(q)] = ps[i].numpy()[gold_rows]
                WHOLE_POLICY[id(q)] = whole[i]
                out.append((q, section_features(ps[i].numpy(), hs[i].numpy(), sec[i].numpy(), q['lexical'], pt, hm, soft[i])))
    return out


PASSAGE_SIMS = {}
WHOLE_POLICY = {}
BANK_UNCOVERED = {}
BANK_PASSAGES = {}


def build_bank(data, policies):
    """The question bank from every corpus question (question_bank.py): the answer is the section's heading words
    and the labelled passage's (every passage of the section when the label names none)."""
    raw = {p['id']: p for p in data['policies']}
    bank = []
    for q in data['questions']:
        if q['policy'] not in policies:
            continue
        answer = None
        if q['section'] is not None:
            s = next(s for s in raw[q['policy']]['sections'] if s['ordinal'] == q['section'])
            words = s['passages'][q['passage']]['tokens'] if q['passage'] is not None and 0 <= q['passage'] < len(s['passages']) else [t for p in s['passages'] for t in p['tokens']]
            answer = list(s['heading']) + list(words)
        bank.append((q['tokens'], answer, policies[q['policy']].kind, q.get('topic')))
    return QB.QuestionBank(bank)


def add_bank_features(bank, scored, raw_policies, exclude_own_kind):
    """Appends the bank's section features to each scored question; a corpus question's bank leaves out its own kind
    of school (out of fold, as a new school's policy meets a bank with none of its questions)."""
    by_policy = {}
    for item in scored:
        by_policy.setdefault(item[0]['policy'], []).append(item)
    out = {}
    for pid, items in by_policy.items():
        p = raw_policies[pid]
        passages = [pp['tokens'] for s in p['sections'] for pp in s['passages']]
        owner = np.array([si for si, s in enumerate(p['sections']) for _ in s['passages']])
        kinds = [p['kind']] * len(items) if exclude_own_kind else None
        per_passage = []
        feats, uncovered = bank.section_features([q['tokens'] for q, _ in items], passages, owner, len(p['sections']), kinds, per_passage)
        for (q, f), b, u, pp in zip(items, feats, uncovered, per_passage):
            out[id(q)] = (q, np.concatenate([f[:, :ENCODER_COLUMNS], b], 1).astype(np.float32))
            BANK_UNCOVERED[id(q)] = (float(u[0]), float(u[1]))
            if q['section'] is not None:
                BANK_PASSAGES[id(q)] = pp[owner == next(si for si, s in enumerate(p['sections']) if s['ordinal'] == q['section'])]
    return [out[id(q)] for q, _ in scored]


# The quote: which passage of the cited section is the one that answers. A listwise linear scorer over these
# features of each passage of the section (learnedRanking.ts computes the same), trained on the corpus's labelled
# passages with out-of-fold dual-encoder similarities:
#   similarity: the dual encoder's question-passage similarity; lexical: the lexical index's passage score (0..1
#   within the section); bank_share: the question bank's match for the passage over the section's best; first: the
#   section's first passage (often an introduction); log_length: log(1 + the passage's words); prefix_overlap: the
#   idf-weighted share of the question's words (stop words aside) that share their first QUOTE_PREFIX letters with a
#   word of the passage (idf over the policy's passages), so "photos" meets "photographs" and "posting" meets "posts".
QUOTE_FEATURES = ['similarity', 'lexical', 'bank_share', 'first', 'log_length', 'prefix_overlap']
QUOTE_PREFIX = 5


def policy_idf(policy):
    """Smooth idf of each word over a policy's passages, and the idf of a word no passage uses."""
    docs = [set(pp['tokens']) for s in policy['sections'] for pp in s['passages']]
    df = {}
    for d in docs:
        for t in d:
            df[t] = df.get(t, 0) + 1
    return {t: math.log((1 + len(docs)) / (1 + c)) + 1 for t, c in df.items()}, math.log(1 + len(docs)) + 1


def quote_features(q_tokens, sims, lex, bank, passage_tokens, idf):
    """[passages, QUOTE_FEATURES] for one question and one section's passages."""
    n = len(passage_tokens)
    words, unknown = idf
    asked = {t: words.get(t, unknown) for t in set(q_tokens) if t not in QB._STOP}
    total = sum(asked.values())
    prefix = np.zeros(n, dtype=np.float32)
    if total > 0:
        for k, toks in enumerate(passage_tokens):
            heads = {t[:QUOTE_PREFIX] for t in toks}
            prefix[k] = sum(w for t, w in asked.items() if t[:QUOTE_PREFIX] in heads) / total
    top_bank = float(np.max(bank)) if n else 0.0
    share = bank / top_bank if top_bank > 0 else np.zeros(n)
    return np.stack([np.asarray(sims, dtype=np.float32), lex, share.astype(np.float32), (np.arange(n) == 0).astype(np.float32),
                     np.log1p(np.array([len(t) for t in passage_tokens], dtype=np.float32)), prefix], 1).astype(np.float32)


def lexical_passage_shares(q, n):
    """The lexical index's passage scores in the labelled section, each over the section's best (0 when not a candidate)."""
    lex = np.zeros(n, dtype=np.float32)
    for m in q['lexical']:
        if m['section'] == q['section']:
            top = max([sc for _, sc in m['passages']] + [1e-9])
            for pos, sc in m['passages']:
                if pos < n:
                    lex[pos] = sc / top
    return lex


def quote_rows(scored, raw_policies):
    """(kind, features, labelled passage) for every answerable question with a labelled passage, out of fold."""
    idfs = {}
    rows = []
    for q, _ in scored:
        sims = PASSAGE_SIMS.get(id(q))
        if sims is None or q['passage'] is None or q['passage'] < 0 or q['passage'] >= len(sims):
            continue
        p = raw_policies[q['policy']]
        if p['id'] not in idfs:
            idfs[p['id']] = policy_idf(p)
        sec = next(s for s in p['sections'] if s['ordinal'] == q['section'])
        tokens = [pp['tokens'] for pp in sec['passages']]
        bank = BANK_PASSAGES.get(id(q), np.zeros(len(tokens)))
        f = quote_features(q['tokens'], sims, lexical_passage_shares(q, len(tokens)), bank, tokens, idfs[p['id']])
        rows.append((p['kind'], f, q['passage']))
    return rows


def fit_quote(rows, l2=1e-3):
    """Listwise linear weights (softmax over a section's passages), scaled so that similarity weighs 1: scores then read
    in similarity units, as answerQuestion.ts's neighbour margin expects."""
    many = [(torch.tensor(f), t) for _, f, t in rows if len(f) > 1]
    w = torch.zeros(len(QUOTE_FEATURES), requires_grad=True)
    opt = torch.optim.LBFGS([w], lr=0.5, max_iter=300)

    def closure():
        opt.zero_grad()
        loss = sum(-torch.log_softmax(x @ w, 0)[t] for x, t in many) / max(1, len(many)) + l2 * (w ** 2).sum()
        loss.backward()
        return loss

    opt.step(closure)
    w = w.detach().numpy().astype(np.float64)
    assert w[0] > 0, 'the quote scorer must weigh similarity positively'
    return w / w[0]


def quote_probes(rows, w, count=4):
    """A few sections' passage features with the scores training gives them, for the product's test to compute again."""
    picked = [r for r in rows if len(r[1]) > 2][:count]
    return [{'features': f.tolist(), 'scores': (f @ w).tolist()} for _, f, _ in picked]


def quote_right(rows, w):
    return sum(1 for _, f, t in rows if int(np.argmax(f @ w)) == t)


def quote_accuracy(scored, weight):
    """Share of answerable questions whose chosen quote (within the right section) is the labelled passage:
    the model's passage similarity plus `weight` times the lexical passage score (0..1 within the section)."""
    hits = n = 0
    for q, _ in scored:
        sims = PASSAGE_SIMS.get(id(q))
        if sims is None or q['passage'] is None or q['passage'] < 0:
            continue
        lex = np.zeros(len(sims), dtype=np.float32)
        for m in q['lexical']:
            if m['section'] == q['section']:
                top = max([sc for _, sc in m['passages']] + [1e-9])
                for pos, sc in m['passages']:
                    if pos < len(lex):
                        lex[pos] = sc / top
        n += 1
        hits += 1 if int(np.argmax(sims + weight * lex)) == q['passage'] else 0
    return hits / max(1, n)


RANKER_KIND = 'linear'
RANKER_HIDDEN = 16


def ranker_batch(scored, policies):
    """The answerable questions' candidate features padded to one tensor, which candidates are real, and the right one."""
    rows = [(f, policies[q['policy']].section_pos[q['section']]) for q, f in scored if q['section'] is not None]
    width = max(f.shape[0] for f, _ in rows)
    feats = torch.zeros((len(rows), width, len(FEATURES)))
    valid = torch.zeros((len(rows), width), dtype=torch.bool)
    for i, (f, _) in enumerate(rows):
        feats[i, :f.shape[0]] = torch.from_numpy(f)
        valid[i, :f.shape[0]] = True
    return feats, valid, torch.tensor([t for _, t in rows])


def fit_ranker(scored, policies, epochs=300, l2=1e-3):
    """Softmax re-ranker over candidate sections (answerable questions only), fitted on all at once: linear, or with
    --ranker mlp fit_ranker_mlp."""
    if RANKER_KIND == 'mlp':
        return fit_ranker_mlp(scored, policies)
    return fit_ranker_linear(scored, policies, epochs, l2)


def fit_ranker_linear(scored, policies, epochs=300, l2=1e-3):
    feats, valid, targets = ranker_batch(scored, policies)
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


def fit_ranker_mlp(scored, policies, epochs=600, l2=1e-3):
    """The linear score plus a hidden tanh layer (RANKER_HIDDEN units) over features standardised over all candidates;
    the layer's output weights start at zero, so fitting starts from the linear ranker's shape."""
    feats, valid, targets = ranker_batch(scored, policies)
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


def decline_features(q, f, scores):
    """question_features for a scored question, with what the encoders and the bank recorded for it."""
    return question_features(f, scores, q['lexical'], WHOLE_POLICY[id(q)], BANK_UNCOVERED[id(q)])


DECLINE_KIND = 'logistic'
DECLINE_HIDDEN = 16


def fit_decline(scored, w_rank):
    """Whether the policy answers the question: logistic regression, or with --decline mlp one hidden tanh layer;
    both weigh the two classes equally (the corpus has about four answerable questions to one uncovered)."""
    x, y = [], []
    for q, f in scored:
        x.append(decline_features(q, f, f @ w_rank))
        y.append(0 if q['section'] is None else 1)
    x = np.array(x)
    mean, std = x.mean(0), x.std(0) + 1e-6
    if DECLINE_KIND == 'logistic':
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


def evaluate(scored, policies, w_rank, decline, threshold, w_decline):
    """Right section first / in the top three (answerable), declined (uncovered), as the product would do it: the
    sections in w_rank's order, whether to answer from the decline classifier over w_decline's scores (w_rank itself
    with --decline-ranker same)."""
    r = {'answerable': 0, 'top1': 0, 'top3': 0, 'uncovered': 0, 'declined': 0, 'answered_wrongly_declined': 0}
    for q, f in scored:
        s = f @ w_rank
        order = list(np.argsort(-s))
        answered = decline_probability(decline, decline_features(q, f, f @ w_decline)) >= threshold
        pt = policies[q['policy']]
        if q['section'] is None:
            r['uncovered'] += 1
            r['declined'] += 0 if answered else 1
            continue
        r['answerable'] += 1
        gold = pt.section_pos[q['section']]
        if not answered:
            r['answered_wrongly_declined'] += 1
            continue
        r['top1'] += 1 if order[0] == gold else 0
        r['top3'] += 1 if gold in order[:3] else 0
    return r


THRESHOLDS = (0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7)


def answer_decisions(scored, policies, w_rank, decline, w_decline):
    """Per question: the probability that the policy answers it (from w_decline's scores), whether it is answerable,
    and whether the re-ranker (w_rank) puts the right section first."""
    out = []
    for q, f in scored:
        s = f @ w_rank
        p = decline_probability(decline, decline_features(q, f, f @ w_decline))
        right = q['section'] is not None and int(np.argmax(s)) == policies[q['policy']].section_pos[q['section']]
        out.append((p, q['section'] is not None, right))
    return out


def handled_right(decisions, threshold):
    """Questions a user gets right at this threshold: answered with the right section first, or declined when not covered."""
    return sum(1 for p, answerable, right in decisions if (p >= threshold and right) or (p < threshold and not answerable))


def unit(i):
    w = np.zeros(len(FEATURES), dtype=np.float32)
    w[i] = 1
    return w


def ranking_top1(scored, policies, w):
    """Share of answerable questions whose section ranks first, with no declining: how each design ranks."""
    hits = n = 0
    for q, f in scored:
        if q['section'] is None:
            continue
        n += 1
        hits += 1 if int(np.argmax(f @ w)) == policies[q['policy']].section_pos[q['section']] else 0
    return f'{100 * hits / max(1, n):.1f}%'


def fmt(r):
    a, u = max(1, r['answerable']), max(1, r['uncovered'])
    return f"top1 {100 * r['top1'] / a:.1f}% top3 {100 * r['top3'] / a:.1f}% declined {r['declined']}/{r['uncovered']} ({100 * r['declined'] / u:.1f}%) covered-but-declined {r['answered_wrongly_declined']}"


def quantise(matrix):
    """Row-wise int8: each row's largest magnitude maps to 127; the scale is kept per row."""
    scale = np.abs(matrix).max(1) / 127.0
    scale[scale == 0] = 1.0
    q = np.clip(np.round(matrix / scale[:, None]), -127, 127).astype(np.int8)
    return q, scale.astype(np.float32)


PROBES = ['can i add a parent on facebook', 'Staff must not accept friend requests from pupils.', 'phtoes of the kidz on insta??']


def probe_vectors(ensemble, vocab, text, which, tokens_of):
    """What the trained model makes of a text, for tests/features/policy/answer/learnedModel.test.ts to compare with
    the shipped files: each member's vector worked out word by word as learnedModel.ts does, side by side."""
    tokens = tokens_of(text)
    ids = [vocab.index.get(t, -1) for t in tokens]
    parts = []
    with torch.no_grad():
        for model in ensemble.members:
            vecs, weights = [], []
            for t, i in zip(tokens, ids):
                if i >= 0:
                    vecs.append(model.word_vectors(torch.tensor([i]))[0])
                    weights.append(model.word_weights(torch.tensor([i]))[0])
                else:
                    grams = torch.tensor(ngrams(t))
                    vecs.append(model.gram_table[grams].mean(0))
                    weights.append(model.unseen_weight())
            w = torch.stack(weights)
            x = (torch.stack(vecs) * w.unsqueeze(-1)).sum(0) / w.sum()
            proj = model.wq if which == 'question' else model.wp
            parts.append(F.normalize(x @ proj.T, dim=-1))
    return (torch.cat(parts) / math.sqrt(len(parts))).numpy().round(5).tolist()


BANK_PROBE_POLICY = [
    ['Staff must not accept friend requests from pupils or their parents on personal accounts.', 'Any contact from a pupil online is reported to the designated safeguarding lead.'],
    ['Photographs of pupils are taken only on school devices and only with consent.'],
    ['Staff set their personal profiles to private and think before they post.'],
]
BANK_PROBES = ['can i add a parent on facebook', 'phtoes of the kidz on insta??', 'where do i park on inset day']


def bank_probes(bank):
    """What the bank makes of a few questions against a small policy, for tests/features/policy/answer/questionBank.test.ts."""
    passages = [model_tokens(t) for s in BANK_PROBE_POLICY for t in s]
    owner = np.array([si for si, s in enumerate(BANK_PROBE_POLICY) for _ in s])
    out = []
    for text in BANK_PROBES:
        per_passage = []
        feats, uncovered = bank.section_features([model_tokens(text)], passages, owner, len(BANK_PROBE_POLICY), None, per_passage)
        out.append({'text': text, 'sections': [round(float(x), 6) for x in feats[0, :, 0]], 'passages': [round(float(x), 6) for x in per_passage[0]],
                    'uncovered': round(float(uncovered[0, 0]), 6), 'other': round(float(uncovered[0, 1]), 6)})
    return {'policy': BANK_PROBE_POLICY, 'probes': out}


def model_tokens(text):
    """training's copy of src/features/policy/answer/modelText.ts, used only for the probes (the export tokenises everything else)."""
    import re
    t = text.lower().replace('\u2018', "'").replace('\u2019', "'")
    t = re.sub(r"'s\b", '', t).replace("'", '')
    return re.findall(r'[a-z0-9]+', t)


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


def rewording_similarity(same, other, false_share=0.005):
    """The similarity above which at most `false_share` of pairs answered by different sections fall (measured
    out of fold): an owner's taught question then catches its rewordings without catching other questions."""
    t = float(np.quantile(other, 1 - false_share))
    return t, float((same >= t).mean())


def write_model(out_dir, ensemble, vocab, w_rank, decline, threshold, record, rewording, w_quote, bank, w_decline=None):
    """model.json (settings, vocabulary, each member's projections) and vectors.bin (each member's int8 word and
    n-gram vectors with their scales, and its word weights, member after member)."""
    os.makedirs(out_dir, exist_ok=True)
    record['probes'] = [{'text': t, 'question': probe_vectors(ensemble, vocab, t, 'question', model_tokens), 'policy': probe_vectors(ensemble, vocab, t, 'policy', model_tokens)} for t in PROBES]
    blob_path = os.path.join(out_dir, 'vectors.bin')
    members = []
    with open(blob_path, 'wb') as f:
        for model in ensemble.members:
            with torch.no_grad():
                ids = torch.arange(len(vocab.words))
                vectors = torch.cat([model.word_vectors(ids[i:i + 4096]) for i in range(0, len(ids), 4096)]).numpy()
                weights = model.word_weights(ids).numpy()
                grams = model.gram_table.numpy()
            qv, sv = quantise(vectors)
            qg, sg = quantise(grams)
            f.write(qv.tobytes())
            f.write(sv.tobytes())
            f.write(qg.tobytes())
            f.write(sg.tobytes())
            f.write(weights.astype(np.float32).tobytes())
            members.append({
                'oovWeight': float(model.unseen_weight().item()),
                'wq': model.wq.detach().numpy().round(6).tolist(),
                'wp': model.wp.detach().numpy().round(6).tolist(),
            })
    with open(blob_path, 'rb') as f:
        blob_sha = hashlib.sha256(f.read()).hexdigest()
    bank_bytes = json.dumps(bank.to_json(), separators=(',', ':')).encode('utf-8')
    with open(os.path.join(out_dir, 'bank.json'), 'wb') as f:
        f.write(bank_bytes)
    record['bank_probes'] = bank_probes(bank)
    meta = {
        'format': FORMAT_VERSION,
        'dim': DIM,
        'ngram': {'buckets': NGRAM_BUCKETS, 'min': NGRAM_MIN, 'max': NGRAM_MAX},
        'words': vocab.words,
        'members': members,
        'headingMix': float(ensemble.heading_mix.item()),
        'rewordingSimilarity': rewording,
        'quote': {'features': QUOTE_FEATURES, 'weights': [float(x) for x in w_quote], 'prefix': QUOTE_PREFIX},
        'ranker': ranker_json(w_rank),
        # --decline-ranker linear: the decline classifier reads this linear ranker's scores, not the ranker's above.
        'declineRanker': None if w_decline is None else ranker_json(w_decline),
        'decline': {'features': DECLINE_FEATURES, 'mean': decline['mean'].tolist(), 'std': decline['std'].tolist(), 'coef': decline['coef'].tolist(), 'bias': decline['bias'], 'threshold': threshold,
                    'hidden': None if decline['hidden'] is None else {'weights': decline['hidden']['weights'].tolist(), 'bias': decline['hidden']['bias'].tolist()}},
        'unmatchedSimilarity': UNMATCHED_SIMILARITY,
        'vectorsSha256': blob_sha,
        'bankSha256': hashlib.sha256(bank_bytes).hexdigest(),
    }
    with open(os.path.join(out_dir, 'model.json'), 'w') as f:
        json.dump(meta, f)
    with open(os.path.join(out_dir, 'training-record.json'), 'w') as f:
        json.dump(record, f, indent=2)


# --folds groups: the encoders leave out two kinds of school at a time (a third of the training of one kind at a
# time, which on 2 cores took over an hour with the whole corpus); the heads still leave out one kind each.
KIND_GROUPS = [['secondary', 'independent'], ['primary', 'special'], ['local-authority', 'trust']]


def train_encoders(args, policies, questions, vocab, trainable, kinds, log):
    """Out-of-fold dual-encoder scores (one kind of school left out each time) and the shipped encoder on the whole corpus."""
    # Out-of-fold dual-encoder scores, leaving one kind of school out each time.
    fold_of = {}
    fold_models = []
    pairs_same, pairs_other = [], []
    if args.folds in ('kind', 'groups') and len(kinds) > 1:
        if args.folds == 'kind':
            folds = [[k] for k in kinds]
        else:
            folds = [[k for k in g if k in kinds] for g in KIND_GROUPS]
            folds = [f for f in folds if f] + [[k] for k in kinds if not any(k in g for g in KIND_GROUPS)]
        for fold in folds:
            train_q = [q for q in questions if policies[q['policy']].kind not in fold]
            test_q = [q for q in questions if policies[q['policy']].kind in fold]
            log(f'fold: leave out {" and ".join(fold)} ({len(test_q)} questions)')
            m = train_ensemble(policies, train_q, vocab, trainable, args.epochs, args.seed, args.members, log)
            fold_models.append((fold, m))
            same, other = question_pairs(m, vocab, test_q)
            pairs_same.append(same)
            pairs_other.append(other)
        scored, fold_of = rescore(fold_models, policies, vocab, questions)
    else:
        m = train_ensemble(policies, questions, vocab, trainable, args.epochs, args.seed, args.members, log)
        scored = score_questions(m, policies, vocab, questions)
        same, other = question_pairs(m, vocab, questions)
        pairs_same.append(same)
        pairs_other.append(other)

    log('final dual encoder on the whole corpus')
    final = train_ensemble(policies, questions, vocab, trainable, args.epochs, args.seed, args.members, log)
    return scored, fold_of, pairs_same, pairs_other, final, fold_models


def rescore(fold_models, policies, vocab, questions):
    """The out-of-fold features from the fold encoders, each scoring the kinds it was trained without: after training
    them, and again from the cache, so a change to the features computed from the encoders needs no encoder training."""
    scored, fold_of = [], {}
    for fold, m in fold_models:
        test_q = [q for q in questions if policies[q['policy']].kind in fold]
        for item in score_questions(m, policies, vocab, test_q):
            scored.append(item)
            fold_of[id(item[0])] = policies[item[0]['policy']].kind
    return scored, fold_of


def save_encoders(folder, key, pairs_same, pairs_other, final, fold_models):
    """Keeps the encoders (the out-of-fold ones too), so heads, and features computed from the encoders, can be
    re-fitted without training them again; the scores are computed again from them (features_from_encoders)."""
    os.makedirs(folder, exist_ok=True)
    torch.save({'key': key, 'pairs_same': pairs_same, 'pairs_other': pairs_other, 'final': final, 'fold_models': fold_models},
               os.path.join(folder, 'encoders.pt'))


def load_encoders(folder, key):
    path = os.path.join(folder, 'encoders.pt')
    if not os.path.exists(path):
        return None
    state = torch.load(path, weights_only=False)
    if state['key'] != key:
        return None
    return state['pairs_same'], state['pairs_other'], state['final'], state['fold_models']


def features_from_encoders(fold_models, final, policies, vocab, questions):
    """The features the heads learn from: out of fold where the encoders were trained in folds, otherwise the final
    encoder's (--folds none, which trains it on every question)."""
    if fold_models:
        return rescore(fold_models, policies, vocab, questions)
    return score_questions(final, policies, vocab, questions), {}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', required=True)
    ap.add_argument('--glove', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--epochs', type=int, default=12)
    ap.add_argument('--seed', type=int, default=9)
    ap.add_argument('--members', type=int, default=2, help='dual encoders trained from seeds seed, seed + 1, ... and averaged')
    ap.add_argument('--folds', default='groups', choices=['groups', 'kind', 'none'])
    ap.add_argument('--decline', default='mlp', choices=['logistic', 'mlp'])
    ap.add_argument('--ranker', default='mlp', choices=['linear', 'mlp'])
    ap.add_argument('--decline-ranker', default='linear', choices=['same', 'linear'],
                    help='linear: whether to answer is decided from a linear re-ranker\'s scores while --ranker orders the sections')
    ap.add_argument('--encoder-cache', help='folder keeping the trained dual encoders and their out-of-fold scores, keyed by the data and '
                    'the encoder settings: a second run with the same data and settings re-fits only the re-ranker and the decline classifier')
    args = ap.parse_args()
    global DECLINE_KIND, RANKER_KIND
    DECLINE_KIND = args.decline
    RANKER_KIND = args.ranker
    # One thread: the same command on the same data then writes the same bytes. With two threads the order of
    # floating-point sums in the encoders' training varies from run to run (two trainings of the shipped settings
    # differed by 6 questions of 11,045 out of fold); on two cores one thread was also faster (97 s against 134 s
    # for a one-epoch training).
    torch.set_num_threads(1)
    t0 = time.time()
    log = lambda m: print(m, flush=True)

    with open(args.data) as f:
        data = json.load(f)
    with open(args.glove) as f:
        glove = json.load(f)
    corpus_words = sorted({t for p in data['policies'] for s in p['sections'] for x in [s['heading']] + [pp['tokens'] for pp in s['passages']] for t in x}
                          | {t for q in data['questions'] for t in q['tokens']})
    vocab = Vocab(glove, corpus_words)
    del glove
    trainable = torch.tensor([vocab.index[w] for w in corpus_words])
    policies = {p['id']: PolicyTensors(p, vocab) for p in data['policies']}
    questions = [q for q in data['questions'] if q['policy'] in policies]
    kinds = sorted({p.kind for p in policies.values()})
    log(f'vocabulary {len(vocab.words)} words ({len(corpus_words)} from the corpus); {len(policies)} policies of {len(kinds)} kinds; {len(questions)} questions')

    with open(args.data, 'rb') as f:
        data_sha = hashlib.sha256(f.read()).hexdigest()
    cache_key = {'data_sha256': data_sha, 'epochs': args.epochs, 'seed': args.seed, 'members': args.members, 'folds': args.folds, 'format': ENCODER_FORMAT}
    cached = load_encoders(args.encoder_cache, cache_key) if args.encoder_cache else None
    if cached:
        pairs_same, pairs_other, final, fold_models = cached
        scored, fold_of = features_from_encoders(fold_models, final, policies, vocab, questions)
        log(f'dual encoders read from {args.encoder_cache} (same data and settings); their features computed again')
    else:
        scored, fold_of, pairs_same, pairs_other, final, fold_models = train_encoders(args, policies, questions, vocab, trainable, kinds, log)
        if args.encoder_cache:
            save_encoders(args.encoder_cache, cache_key, pairs_same, pairs_other, final, fold_models)
    bank = build_bank(data, policies)
    scored = add_bank_features(bank, scored, {p['id']: p for p in data['policies']}, exclude_own_kind=True)
    log(f'question bank: {len(bank.questions)} questions, {len(bank.answer_texts)} distinct answers; features added out of kind')

    # Leave-one-kind-out heads: re-ranker and decline fitted without that kind (figures below, at the chosen threshold).
    folds_out = []
    decisions = []
    if fold_of:
        for kind in kinds:
            train_s = [s for s in scored if fold_of[id(s[0])] != kind]
            test_s = [s for s in scored if fold_of[id(s[0])] == kind]
            w = fit_ranker(train_s, policies)
            wd = fit_ranker_linear(train_s, policies) if args.decline_ranker == 'linear' else w
            d = fit_decline(train_s, wd)
            folds_out.append((kind, test_s, w, d, wd))
            decisions += answer_decisions(test_s, policies, w, d, wd)
            log(f'    left out {kind}, ranking only (no declining): model {ranking_top1(test_s, policies, w)}, dual encoder alone {ranking_top1(test_s, policies, unit(0))}, lexical alone {ranking_top1(test_s, policies, unit(5))}, soft match alone {ranking_top1(test_s, policies, unit(9))}')

    w_rank = fit_ranker(scored, policies)
    w_decline = fit_ranker_linear(scored, policies) if args.decline_ranker == 'linear' else w_rank
    decline = fit_decline(scored, w_decline)
    quote_options = {w: quote_accuracy(scored, w) for w in (0.0, 0.1, 0.2, 0.3, 0.5, 1.0)}
    log('quote chosen right (out-of-fold similarities) by the earlier rule, similarity + w x lexical, by w: ' + ', '.join(f'{w}: {100 * a:.1f}%' for w, a in quote_options.items()))
    q_rows = quote_rows(scored, {p['id']: p for p in data['policies']})
    w_quote = fit_quote(q_rows)
    quote_out = {}
    for kind in kinds:
        test_r = [r for r in q_rows if r[0] == kind]
        if test_r:
            quote_out[kind] = {'questions': len(test_r), 'right': quote_right(test_r, fit_quote([r for r in q_rows if r[0] != kind]))}
    quote_total = sum(v['right'] for v in quote_out.values()) / max(1, sum(v['questions'] for v in quote_out.values()))
    by_kind = ', '.join(f"{k} {100 * v['right'] / v['questions']:.1f}" for k, v in quote_out.items())
    log(f'quote chosen right, learnt scorer, each kind left out of its fitting: {100 * quote_total:.1f}% ({by_kind}); '
        f'weights {dict(zip(QUOTE_FEATURES, np.round(w_quote, 3).tolist()))}')
    # The answer threshold: the one that gets the most questions right out of fold (the right section first for a
    # covered question, a decline for an uncovered one); of equals, the one nearest 0.5.
    threshold = 0.5
    by_threshold = {}
    if decisions:
        by_threshold = {t: handled_right(decisions, t) for t in THRESHOLDS}
        threshold = max(THRESHOLDS, key=lambda t: (by_threshold[t], -abs(t - 0.5)))
        log('questions handled right out of fold (right section first, or declined when not covered), by threshold: '
            + ', '.join(f'{t}: {n}' for t, n in by_threshold.items()) + f'; chosen {threshold}')
    loko = {}
    for kind, test_s, w, d, wd in folds_out:
        loko[kind] = {'pipeline': evaluate(test_s, policies, w, d, threshold, wd)}
        log(f'left out {kind}: {fmt(loko[kind]["pipeline"])}')
    log(f'ranker weights {dict(zip(FEATURES, np.round(getattr(w_rank, "w", w_rank), 3).tolist()))}')
    log(f'in-sample (out-of-fold dual scores): {fmt(evaluate(scored, policies, w_rank, decline, threshold, w_decline))}')

    record = {
        'command': 'npm run train',
        'data': {'file': os.path.basename(args.data), 'sha256': data_sha, 'corpus_sha256': data.get('corpusSha256'), 'policies': len(policies), 'questions': len(questions),
                 'answerable': sum(1 for q in questions if q['section'] is not None), 'uncovered': sum(1 for q in questions if q['section'] is None)},
        'settings': {'ranker': args.ranker, 'decline_ranker': args.decline_ranker, 'decline': args.decline, 'epochs': args.epochs, 'seed': args.seed, 'members': args.members, 'folds': args.folds, 'bank_k': QB.K, 'bank_power': QB.POWER, 'dim': DIM, 'ngram_buckets': NGRAM_BUCKETS, 'top_glove_words': TOP_GLOVE, 'word_dropout': 0.1, 'torch_threads': 1},
        'leave_one_kind_out': {k: v['pipeline'] for k, v in loko.items()},
        'answer_threshold': {'chosen': threshold, 'handled_right_by_threshold': {str(t): n for t, n in by_threshold.items()}},
        'seconds': round(time.time() - t0, 1),
    }
    rewording, caught = rewording_similarity(np.concatenate(pairs_same), np.concatenate(pairs_other))
    record['ranker_probes'] = ranker_probes(scored, w_rank)
    record['quote'] = {'features': QUOTE_FEATURES, 'weights': w_quote.tolist(), 'accuracy_out_of_kind': quote_total, 'by_kind': quote_out,
                       'earlier_rule_accuracy_by_lexical_weight': quote_options, 'probes': quote_probes(q_rows, w_quote)}
    record['rewording'] = {'similarity': rewording, 'same_section_pairs_caught': caught}
    log(f'rewording similarity {rewording:.3f}: catches {100 * caught:.1f}% of pairs answered by the same section')
    separate = w_decline is not w_rank
    if separate:
        record['decline_ranker_probes'] = ranker_probes(scored, w_decline)
    write_model(args.out, final, vocab, w_rank, decline, threshold, record, rewording, w_quote, bank, w_decline if separate else None)
    log(f'wrote {args.out} in {time.time() - t0:.0f} s')


if __name__ == '__main__':
    main()
