"""Fits the disclosure head "check my post" reads drafts with (issue 53), on the disclosure encoder's vectors.

The disclosure detector (models/encoder) learnt from messages typed to the bot: questions and disclosures. A draft post
is another kind of text: "so proud of Oliver in 4B, grade 8 distinction!" names a child the way a disclosure does, and
the detector offers Report a concern on about a third of the team's drafts. This head reads the same vector (the
encoder is loaded once) and learns the disclosures against ordinary messages *and* drafts: positives, the disclosures
of research/training/data/disclosure.jsonl (what the encoder learnt from); negatives, its ordinary messages and the drafts of
research/corpus/drafts/written/. The threshold is set out of fold (drafts split by policy, messages at random): the lowest logit
at which at most --false-offers of the held-out drafts are offered. Never reads an evaluation set; the dev disclosures
of research/eval/disclosure-set.jsonl (which no model learnt from) are scored at the end, as the recall to report.

Writes the head into <encoder>/heads.json under "draftDisclosure" with --write, and the folder's SHA256SUMS again.

Usage: python3 research/training/drafts/fit_disclosure_head.py --encoder models/encoder [--write]
"""
import argparse
import glob
import json
import os
import random

import sys

import numpy as np
from sklearn.linear_model import LogisticRegression

from fit_heads import onnx_vectors

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'encoder'))
from finetuning import read_jsonl  # noqa: E402
from model_folder import write_sums  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--encoder', default=os.path.join(ROOT, 'models', 'encoder'))
    parser.add_argument('--messages', default=os.path.join(ROOT, 'research', 'training', 'data', 'disclosure.jsonl'))
    parser.add_argument('--ordinary', type=int, default=3000, help='ordinary messages drawn (seeded) beside every written hard negative')
    parser.add_argument('--false-offers', type=float, default=0.01)
    parser.add_argument('--folds', type=int, default=5)
    parser.add_argument('--write', action='store_true')
    args = parser.parse_args()
    rng = random.Random(7)
    messages = read_jsonl(args.messages)
    positives = [m['text'] for m in messages if m['label'] == 1]
    hard = [m['text'] for m in messages if m['label'] == 0 and m['source'].startswith('written')]
    plain = [m['text'] for m in messages if m['label'] == 0 and not m['source'].startswith('written')]
    ordinary = hard + rng.sample(plain, min(args.ordinary, len(plain)))
    drafts = [r for p in sorted(glob.glob(os.path.join(ROOT, 'research', 'corpus', 'drafts', 'written', '*.jsonl'))) for r in read_jsonl(p)]
    texts = positives + ordinary + [d['draft'] for d in drafts]
    y = np.array([1] * len(positives) + [0] * (len(ordinary) + len(drafts)))
    is_draft = np.array([False] * (len(positives) + len(ordinary)) + [True] * len(drafts))
    policies = sorted({d['policy'] for d in drafts})
    fold_of = np.array([rng.randrange(args.folds) for _ in range(len(positives) + len(ordinary))]
                       + [policies.index(d['policy']) % args.folds for d in drafts])
    print(f'{len(positives)} disclosures, {len(ordinary)} ordinary messages, {len(drafts)} drafts: vectors...', flush=True)
    x = onnx_vectors(args.encoder, texts)
    oof = np.zeros(len(texts))
    for f in range(args.folds):
        train, test = fold_of != f, fold_of == f
        oof[test] = LogisticRegression(C=1.0, class_weight='balanced', max_iter=5000).fit(x[train], y[train]).decision_function(x[test])
    draft_scores = np.sort(oof[is_draft])[::-1]
    threshold = float(draft_scores[int(np.floor(args.false_offers * len(draft_scores)))]) + 1e-6
    offered = oof >= threshold
    print(f'threshold {threshold:+.3f}: out of fold, drafts offered {int(offered[is_draft].sum())}/{int(is_draft.sum())}, '
          f'ordinary messages offered {int(offered[~is_draft & (y == 0)].sum())}/{len(ordinary)}, '
          f'disclosures offered {int(offered[y == 1].sum())}/{len(positives)} (the encoder learnt these: optimistic)')
    head = LogisticRegression(C=1.0, class_weight='balanced', max_iter=5000).fit(x, y)
    dev = [r for r in read_jsonl(os.path.join(ROOT, 'research', 'eval', 'disclosure-set.jsonl')) if r.get('disclosure') is True]
    dev_scores = head.decision_function(onnx_vectors(args.encoder, [r['text'] for r in dev]))
    print(f'dev disclosures (research/eval/disclosure-set.jsonl, learnt by nothing) offered: {int((dev_scores >= threshold).sum())}/{len(dev)}')
    if args.write:
        path = os.path.join(args.encoder, 'heads.json')
        heads = json.load(open(path))
        heads['draftDisclosure'] = {'weights': [round(float(w), 7) for w in head.coef_[0]], 'bias': float(head.intercept_[0]), 'threshold': threshold}
        json.dump(heads, open(path, 'w'))
        write_sums(args.encoder)
        print(f'wrote the draft disclosure head into {path}, and {args.encoder}/SHA256SUMS')


if __name__ == '__main__':
    main()
