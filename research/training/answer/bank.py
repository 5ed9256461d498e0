"""Stage 4 of the answering stack's training: the question bank and the features it adds to each question.

The bank (question_bank.py says how it matches) is every corpus question with the policy words that answer it: its
section's heading and its labelled passage (every passage of the section when the label names none), or nothing when
its policy does not cover it. A staff question's nearest bank questions carry their answers over, passage to passage,
to the school's policy. Staff put things more like other staff than like a policy, which the encoders alone miss.

Each corpus question gets the bank's columns (question_bank.FEATURES) beside the encoders' (features.py), its near
questions' uncovered shares for the decline classifier, and the bank's score of each passage of its labelled section
for the quote. Out of kind: a question's bank leaves out its own kind of school, as a new school's policy meets a bank
with none of its questions.

Reads <work>/data.pkl and <work>/features.pkl. Writes <work>/bank.pkl: every question's [sections, FEATURES] array
(in features.pkl's order), the uncovered shares and the passage scores. write_model.py builds the same bank again to
write bank.json, which src/features/policy/answer/questionBank.ts reads.

Usage: python3 research/training/answer/bank.py [--work DIR]
"""
import numpy as np

import question_bank as QB
import work
from data import load_corpus
from features import ENCODER_COLUMNS, ENCODER_FEATURES

# The re-ranker's columns, in model.json's order (learnedModel.ts RANKER_FEATURES checks it).
FEATURES = ENCODER_FEATURES + QB.FEATURES


def build_bank(corpus):
    """The question bank from every corpus question: the answer is the section's heading words and the labelled
    passage's (every passage of the section when the label names none)."""
    raw = corpus.raw_policies
    bank = []
    for q in corpus.questions:
        answer = None
        if q['section'] is not None:
            s = next(s for s in raw[q['policy']]['sections'] if s['ordinal'] == q['section'])
            words = s['passages'][q['passage']]['tokens'] if q['passage'] is not None and 0 <= q['passage'] < len(s['passages']) else [t for p in s['passages'] for t in p['tokens']]
            answer = list(s['heading']) + list(words)
        bank.append((q['tokens'], answer, corpus.kind_of[q['policy']], q.get('topic')))
    return QB.QuestionBank(bank)


def add_bank_features(bank, corpus, order, feats):
    """The bank's section features beside each question's encoder features (same order), its uncovered shares and,
    for an answerable question, its labelled section's passage scores; each question's bank leaves out its own kind."""
    by_policy = {}
    for qi, f in zip(order, feats):
        by_policy.setdefault(corpus.questions[qi]['policy'], []).append((qi, f))
    full, uncovered, passages = {}, {}, {}
    for pid, items in by_policy.items():
        p = corpus.raw_policies[pid]
        texts = [pp['tokens'] for s in p['sections'] for pp in s['passages']]
        owner = np.array([si for si, s in enumerate(p['sections']) for _ in s['passages']])
        kinds = [p['kind']] * len(items)
        per_passage = []
        b_feats, b_uncovered = bank.section_features([corpus.questions[qi]['tokens'] for qi, _ in items], texts, owner, len(p['sections']), kinds, per_passage)
        for (qi, f), b, u, pp in zip(items, b_feats, b_uncovered, per_passage):
            q = corpus.questions[qi]
            full[qi] = np.concatenate([f[:, :ENCODER_COLUMNS], b], 1).astype(np.float32)
            uncovered[qi] = (float(u[0]), float(u[1]))
            if q['section'] is not None:
                passages[qi] = pp[owner == next(si for si, s in enumerate(p['sections']) if s['ordinal'] == q['section'])]
    return [full[qi] for qi in order], uncovered, passages


class Scored:
    """What the heads learn from (features.pkl and bank.pkl read together): `items`, each question with its
    [sections, FEATURES] array, in order; and per question (by id of its dict, as the heads look them up) the kind it
    was left out with (empty with --folds none), the whole-policy soft match, the labelled section's passage
    similarities, the bank's uncovered shares and its passage scores."""

    def __init__(self, work_dir, corpus):
        features = work.load(work_dir, 'features', corpus.data_sha256)
        bank = work.load(work_dir, 'bank', corpus.data_sha256)
        q = corpus.questions
        self.items = [(q[qi], f) for qi, f in zip(features['order'], bank['feats'])]
        by_id = lambda d: {id(q[qi]): v for qi, v in d.items()}
        self.fold_of = by_id(features['fold_of'])
        self.whole = by_id(features['whole'])
        self.passage_sims = by_id(features['passage_sims'])
        self.uncovered = by_id(bank['uncovered'])
        self.bank_passages = by_id(bank['passages'])


def main():
    ap = work.parser(__doc__)
    args = ap.parse_args()
    clock = work.Clock()
    corpus = load_corpus(args.work)
    features = work.load(args.work, 'features', corpus.data_sha256)
    bank = build_bank(corpus)
    feats, uncovered, passages = add_bank_features(bank, corpus, features['order'], features['feats'])
    work.save(args.work, 'bank', {'data_sha256': corpus.data_sha256, 'feats': feats, 'uncovered': uncovered, 'passages': passages,
                                  'seconds': clock.seconds()})
    work.log(f'question bank: {len(bank.questions)} questions, {len(bank.answer_texts)} distinct answers; features added out of kind')


if __name__ == '__main__':
    main()
