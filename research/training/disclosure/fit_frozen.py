"""Design A of issue 48 (the baseline): a logistic-regression head on the frozen pretrained vectors.

Writes the same folder as finetune.py (the encoder, unchanged, and head.json), so evaluate.py and export read it alike.

Usage: python3 research/training/disclosure/fit_frozen.py --data research/training/data/disclosure.jsonl --base DIR --out DIR
"""
import argparse
import json
import os

import numpy as np
import torch
from sklearn.linear_model import LogisticRegression

from finetune import Classifier, read_jsonl, set_seed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--data', required=True)
    parser.add_argument('--base', required=True)
    parser.add_argument('--out', required=True)
    parser.add_argument('--c', type=float, default=1.0, help='inverse regularisation strength')
    parser.add_argument('--seed', type=int, default=7)
    parser.add_argument('--threads', type=int, default=2)
    args = parser.parse_args()
    set_seed(args.seed)
    torch.set_num_threads(args.threads)
    from transformers import AutoTokenizer
    tokenizer = AutoTokenizer.from_pretrained(args.base)
    model = Classifier(args.base, 0.0).eval()
    rows = read_jsonl(args.data)
    vectors = []
    with torch.no_grad():
        for s in range(0, len(rows), 64):
            batch = tokenizer([r['text'] for r in rows[s:s + 64]], padding=True, truncation=True, max_length=128, return_tensors='pt')
            vectors.append(model.pooled(dict(batch)).numpy())
    x = np.concatenate(vectors)
    y = np.array([r['label'] for r in rows])
    lr = LogisticRegression(C=args.c, class_weight='balanced', max_iter=5000).fit(x, y)
    os.makedirs(args.out, exist_ok=True)
    model.bert.save_pretrained(args.out)
    tokenizer.save_pretrained(args.out)
    json.dump({'weights': lr.coef_[0].tolist(), 'bias': float(lr.intercept_[0])}, open(os.path.join(args.out, 'head.json'), 'w'))
    json.dump({'design': 'A: logistic regression on the frozen pretrained vectors', 'fineTuned': False,
               'settings': {k: v for k, v in vars(args).items()}, 'messages': len(rows), 'disclosures': int(y.sum())},
              open(os.path.join(args.out, 'record.json'), 'w'), indent=2)
    print(f'wrote {args.out}: {len(rows)} messages')


if __name__ == '__main__':
    main()
