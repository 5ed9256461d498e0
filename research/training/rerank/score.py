"""Stage 3 of the re-ranker (issue 50): the cross-encoder's score for each candidate passage, cached for screening.

For each question of a set exported by research/scripts/exportRerankData.ts, the stack's top --sections sections and each one's
top --passages passages in the stack's quote order are read with the question by the cross-encoder (float, PyTorch);
the logits are written one question a line to <out>: {"q", "set", "policy", "scores": [[logit per passage] per section]}.
With --folds, each corpus question is scored by the model trained without its policy's fold (--model is then a pattern
with {fold}), which gives out-of-fold scores; --sample N keeps every k-th corpus question (N in all) to save CPU.

Usage: python3 research/training/rerank/score.py --model DIR --set qa-blind [--set ...] --out FILE
       python3 research/training/rerank/score.py --model 'DIR-f{fold}' --folds 2 --set corpus --sample 3000 --out FILE
"""
import argparse
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(__file__))
sys.path.append(os.path.join(os.path.dirname(__file__), '..', 'disclosure'))
from evaluate import load  # noqa: E402
from cross_encoder import held_out_policies, score_pairs  # noqa: E402
from build_pairs import pair_text  # noqa: E402


def candidates(r, sections, passages):
    """(section index, passage index, pair text) for a question's candidates."""
    return [(si, pi, pair_text(s, p)) for si, s in enumerate(r['sections'][:sections]) for pi, p in enumerate(s['passages'][:passages])]


def score_rows(model_dir, rows, sections, passages, max_len, device='cpu'):
    model, tokenizer, _ = load(model_dir)
    model.to(device)
    pairs, where = [], []
    for ri, r in enumerate(rows):
        for si, pi, text in candidates(r, sections, passages):
            pairs.append((r['q'], text))
            where.append((ri, si, pi))
    logits = score_pairs(model, tokenizer, pairs, max_len)
    out = [[[None] * min(passages, len(s['passages'])) for s in r['sections'][:sections]] for r in rows]
    for (ri, si, pi), v in zip(where, logits):
        out[ri][si][pi] = round(float(v), 4)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--model', required=True)
    parser.add_argument('--data', default='research/training/data/rerank')
    parser.add_argument('--set', action='append', required=True)
    parser.add_argument('--out', required=True)
    parser.add_argument('--sections', type=int, default=5)
    parser.add_argument('--passages', type=int, default=4)
    parser.add_argument('--max-len', type=int, default=96)
    parser.add_argument('--folds', type=int, default=0)
    parser.add_argument('--sample', type=int, default=0)
    parser.add_argument('--threads', type=int, default=2)
    parser.add_argument('--device', default='cpu', help='cpu, or cuda on the device machine')
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    with open(args.out, 'w', encoding='utf8') as f:
        for name in args.set:
            rows = [json.loads(l) for l in open(os.path.join(args.data, f'{name}.jsonl'), encoding='utf8')]
            # The folds as training made them: over all the set's policies, before any sample.
            held_of = {fold: held_out_policies(rows, args.folds, fold) for fold in range(args.folds)}
            if args.sample and len(rows) > args.sample:
                step = len(rows) / args.sample
                rows = [rows[int(i * step)] for i in range(args.sample)]
            groups = [(args.model, rows)]
            if args.folds:
                groups = []
                for fold in range(args.folds):
                    groups.append((args.model.format(fold=fold), [r for r in rows if r['policy'] in held_of[fold]]))
            for model_dir, part in groups:
                for r, scores in zip(part, score_rows(model_dir, part, args.sections, args.passages, args.max_len, args.device)):
                    f.write(json.dumps({'set': name, 'policy': r['policy'], 'q': r['q'], 'scores': scores}) + '\n')
                print(f'{name}: {len(part)} questions scored by {model_dir}', flush=True)


if __name__ == '__main__':
    main()
