"""Scores the sentences of every corpus draft with a fold's fine-tuned model: a teacher for a smaller model (issue 53,
eleventh pass, research/DECISIONS.md).

A fold's model (finetune.py --only-fold K --save-fold-model; the larger base, L) learnt whole drafts, never their
sentences. Here it reads each sentence of each draft of two or more sentences, framed with the draft's card line as the
product frames it (finetune.framed), and writes its logit per concern. finetune.py --transfer then teaches the smaller
model those logits, as targets, beside the drafts' own labels. Which drafts' sentences a student may learn from is
finetune.py's to decide (only those of the drafts its fold's teacher learnt from); this file holds every draft's, each
named by its file and line, so the three folds' files are written once.

With --drafts it reads each whole draft instead (framed, as the product reads it): the targets of finetune.py
--draft-teacher (twelfth pass), where the fold's teacher scores the drafts it learnt from.

Usage: python3 research/training/drafts/teacher_scores.py --model FOLD_OUT/model --out sentences.json [--drafts] [--threads 2]
"""
import argparse
import json
import os
import sys

import torch
from transformers import AutoTokenizer

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'encoder'))
from finetune import CONCERNS, ROOT, framed, read_drafts, score, sentences_of  # noqa: E402
from finetuning import Classifier  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--model', required=True, help='a fold model folder finetune.py --save-fold-model wrote (with head.pt)')
    parser.add_argument('--out', required=True)
    parser.add_argument('--data', default=os.path.join(ROOT, 'corpus', 'drafts', 'written', '*.jsonl'))
    parser.add_argument('--max-len', type=int, default=128)
    parser.add_argument('--threads', type=int, default=2)
    parser.add_argument('--drafts', action='store_true', help='score each whole draft rather than its sentences')
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    tokenizer = AutoTokenizer.from_pretrained(args.model)
    model = Classifier(args.model, 0.0, len(CONCERNS))
    model.head.load_state_dict(torch.load(os.path.join(args.model, 'head.pt')))
    rows = []
    for row in read_drafts(args.data):
        for sentence in [row['draft']] if args.drafts else sentences_of(row['draft']):
            rows.append({'where': list(row['where']), 'text': framed({**row, 'draft': sentence})})
    logits = score(model, tokenizer, [r['text'] for r in rows], args.max_len)
    json.dump([{**r, 'logits': [round(float(x), 5) for x in logits[i]]} for i, r in enumerate(rows)], open(args.out, 'w'))
    print(f'wrote {args.out}: {len(rows)} {"drafts" if args.drafts else "sentences"}')


if __name__ == '__main__':
    main()
