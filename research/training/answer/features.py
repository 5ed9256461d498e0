"""Stage 3 of the answering stack's training: what the encoders and the lexical index say of each question's sections.

For every corpus question and every candidate section of its policy, the columns in ENCODER_FEATURES: the dual
encoder's similarities (best passage, heading, their mix, its gap to the best section and its rank), the lexical
index's score, coverage and rank (from the export), and soft match: the weighted share of the question's words that
some word of a passage means, by the encoders' own word vectors. Besides, per question, soft match over the whole
policy (how much of the question its words mean at all, and how much no word of it comes near: a topic the policy
never mentions) for the decline classifier, and the similarities of the labelled section's passages for the quote.

Out of fold: each fold's encoders (encoders.py) score only the kinds of school they were trained without, so the
heads learn from scores like those a new school's policy gets. With --folds none the final encoders score every
question (they were trained on all of them).

Reads <work>/data.pkl and <work>/encoders.pt. Writes <work>/features.pkl: the questions in the order the heads read
them (each by its position in the export), their [sections, ENCODER_FEATURES] arrays, the kind each was left out with,
the labelled section's passage similarities and the whole-policy soft match.
src/features/policy/answer/learnedRanking.ts computes the same features at answer time.

Usage: python3 research/training/answer/features.py [--work DIR]
"""
import numpy as np
import torch
import torch.nn.functional as F

import work
from data import load_corpus
from encoders import dual_scores, load_encoders, pad, policy_tensors

ENCODER_FEATURES = ['dual', 'passage', 'heading', 'dual_gap', 'dual_rank', 'lex_score', 'lex_coverage', 'lex_rank', 'lex_present', 'soft', 'soft_gap']
# Columns the dual encoder and the lexical index give (section_features); the question bank's follow them (bank.py).
ENCODER_COLUMNS = len(ENCODER_FEATURES)
# A question word no word of the policy comes nearer than this is unmatched (model.json's unmatchedSimilarity).
UNMATCHED_SIMILARITY = 0.5


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


def section_features(ps, hs, sec, lexical, pt, heading_mix, soft):
    """Features of every candidate section for one question: see ENCODER_FEATURES."""
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


def score_questions(model, policies, vocab, questions, index_of, out):
    """Adds each question's dual-encoder features to `out` (keyed by the question's position in the export)."""
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
                qi = index_of[id(q)]
                if q['section'] is not None:
                    owner = pt.owner.numpy()
                    gold_rows = np.nonzero(owner == pt.section_pos[q['section']])[0]
                    out['passage_sims'][qi] = ps[i].numpy()[gold_rows]
                out['whole'][qi] = whole[i]
                out['order'].append(qi)
                out['feats'].append(section_features(ps[i].numpy(), hs[i].numpy(), sec[i].numpy(), q['lexical'], pt, hm, soft[i]))


def main():
    ap = work.parser(__doc__)
    args = ap.parse_args()
    clock = work.Clock()
    corpus = load_corpus(args.work)
    encoders = load_encoders(args.work, corpus)
    policies = policy_tensors(corpus)
    index_of = {id(q): i for i, q in enumerate(corpus.questions)}
    out = {'data_sha256': corpus.data_sha256, 'order': [], 'feats': [], 'fold_of': {}, 'passage_sims': {}, 'whole': {}}
    if encoders['folds']:
        for fold, model in encoders['folds']:
            test_q = [q for q in corpus.questions if corpus.kind_of[q['policy']] in fold]
            score_questions(model, policies, corpus.vocab, test_q, index_of, out)
        out['fold_of'] = {qi: corpus.kind_of[corpus.questions[qi]['policy']] for qi in out['order']}
    else:
        score_questions(encoders['final'], policies, corpus.vocab, corpus.questions, index_of, out)
    out['seconds'] = clock.seconds()
    work.save(args.work, 'features', out)
    where = 'out of fold' if out['fold_of'] else "by the final encoders (--folds none)"
    work.log(f'features of {len(out["order"])} questions, {where}: wrote {work.path(args.work, "features.pkl")}')


if __name__ == '__main__':
    main()
