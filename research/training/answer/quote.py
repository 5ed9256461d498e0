"""Stage 7 of the answering stack's training: the quote scorer, which picks the sentence of the cited section to quote.

A listwise linear score over each passage of the section (softmax over its passages, the labelled one first), trained
on the corpus's labelled passages with out-of-fold encoder similarities. QUOTE_FEATURES, which learnedRanking.ts
computes the same at answer time:
  similarity: the dual encoder's question-passage similarity; lexical: the lexical index's passage score (0..1 within
  the section); bank_share: the question bank's match for the passage over the section's best; first: the section's
  first passage (often an introduction); log_length: log(1 + the passage's words); prefix_overlap: the idf-weighted
  share of the question's words (stop words aside) that share their first QUOTE_PREFIX letters with a word of the
  passage (idf over the policy's passages), so "photos" meets "photographs" and "posting" meets "posts".
The weights are scaled so that similarity weighs 1: scores then read in similarity units, as answerQuestion.ts's
neighbour margin expects. Each kind of school is also left out of a fit in turn, for the record's figures.

Reads <work>/data.pkl, features.pkl and bank.pkl. Writes <work>/quote.pkl: the weights and the training record's
quote figures (out of kind, by kind, the earlier similarity + lexical rule, and probes for the product's test).

Usage: python3 research/training/answer/quote.py [--work DIR]
"""
import math

import numpy as np
import torch

import question_bank as QB
import work
from bank import Scored
from data import load_corpus

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


def quote_rows(ctx, raw_policies):
    """(kind, features, labelled passage) for every answerable question with a labelled passage, out of fold."""
    idfs = {}
    rows = []
    for q, _ in ctx.items:
        sims = ctx.passage_sims.get(id(q))
        if sims is None or q['passage'] is None or q['passage'] < 0 or q['passage'] >= len(sims):
            continue
        p = raw_policies[q['policy']]
        if p['id'] not in idfs:
            idfs[p['id']] = policy_idf(p)
        sec = next(s for s in p['sections'] if s['ordinal'] == q['section'])
        tokens = [pp['tokens'] for pp in sec['passages']]
        bank = ctx.bank_passages.get(id(q), np.zeros(len(tokens)))
        f = quote_features(q['tokens'], sims, lexical_passage_shares(q, len(tokens)), bank, tokens, idfs[p['id']])
        rows.append((p['kind'], f, q['passage']))
    return rows


def fit_quote(rows, l2=1e-3):
    """Listwise linear weights (softmax over a section's passages), scaled so that similarity weighs 1."""
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


def quote_accuracy(ctx, weight):
    """Share of answerable questions whose chosen quote (within the right section) is the labelled passage:
    the model's passage similarity plus `weight` times the lexical passage score (0..1 within the section)."""
    hits = n = 0
    for q, _ in ctx.items:
        sims = ctx.passage_sims.get(id(q))
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


def main():
    ap = work.parser(__doc__)
    args = ap.parse_args()
    clock = work.Clock()
    corpus = load_corpus(args.work)
    ctx = Scored(args.work, corpus)
    quote_options = {w: quote_accuracy(ctx, w) for w in (0.0, 0.1, 0.2, 0.3, 0.5, 1.0)}
    work.log('quote chosen right (out-of-fold similarities) by the earlier rule, similarity + w x lexical, by w: ' + ', '.join(f'{w}: {100 * a:.1f}%' for w, a in quote_options.items()))
    q_rows = quote_rows(ctx, corpus.raw_policies)
    w_quote = fit_quote(q_rows)
    quote_out = {}
    for kind in corpus.kinds:
        test_r = [r for r in q_rows if r[0] == kind]
        if test_r:
            quote_out[kind] = {'questions': len(test_r), 'right': quote_right(test_r, fit_quote([r for r in q_rows if r[0] != kind]))}
    quote_total = sum(v['right'] for v in quote_out.values()) / max(1, sum(v['questions'] for v in quote_out.values()))
    by_kind = ', '.join(f"{k} {100 * v['right'] / v['questions']:.1f}" for k, v in quote_out.items())
    work.log(f'quote chosen right, learnt scorer, each kind left out of its fitting: {100 * quote_total:.1f}% ({by_kind}); '
             f'weights {dict(zip(QUOTE_FEATURES, np.round(w_quote, 3).tolist()))}')
    record = {'features': QUOTE_FEATURES, 'weights': w_quote.tolist(), 'accuracy_out_of_kind': quote_total, 'by_kind': quote_out,
              'earlier_rule_accuracy_by_lexical_weight': quote_options, 'probes': quote_probes(q_rows, w_quote)}
    work.save(args.work, 'quote', {'data_sha256': corpus.data_sha256, 'weights': w_quote, 'record': record, 'seconds': clock.seconds()})
    work.log(f'wrote {work.path(args.work, "quote.pkl")}')


if __name__ == '__main__':
    main()
