"""Stage 3 of the disclosure detector's training: scores a trained model on the dev sets and sets its thresholds.

Dev (never trained on): research/eval/disclosure-set.jsonl and the ordinary questions of the five research/eval/qa-*.jsonl sets. The
thresholds follow research/DECISIONS.md (issue 48, rules 1 and 2 as revised): the offer threshold is the middle of the
interval of thresholds that offer the most dev disclosures while offering at most 1% of dev's ordinary messages; the
hold-back threshold is the score 10% of dev's ordinary messages reach, never above the offer threshold. --blind a|b also reads a blind set (figures only: nothing is chosen on
it). --rules adds the word-list detector's offer (read from a file of its verdicts that scripts/disclosureRules.ts
writes) to design C.

Writes thresholds into the model folder's head.json unless --no-write.

Usage: python3 research/training/disclosure/evaluate.py --model DIR [--blind a] [--rules FILE]
"""
import argparse
import glob
import json
import math
import os
import sys

import numpy as np
import torch
from transformers import AutoTokenizer

sys.path.insert(0, os.path.dirname(__file__))
from finetune import Classifier, read_jsonl, score  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
BLIND = {'a': 'research/eval/disclosure-blind.jsonl', 'b': 'research/eval/disclosure-blind-2.jsonl'}


def dev_set():
    rows = [{'text': r['text'], 'label': int(r['disclosure']), 'set': 'disclosure-set', 'kind': r.get('split', '')}
            for r in read_jsonl(os.path.join(ROOT, 'research', 'eval', 'disclosure-set.jsonl'))]
    for path in sorted(glob.glob(os.path.join(ROOT, 'research', 'eval', 'qa-*.jsonl'))):
        rows += [{'text': r['q'], 'label': 0, 'set': os.path.basename(path)[:-6], 'kind': 'ordinary'} for r in read_jsonl(path)]
    return rows


def load(model_dir):
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    model = Classifier(model_dir, 0.0)
    head = json.load(open(os.path.join(model_dir, 'head.json')))
    with torch.no_grad():
        model.head.weight[0] = torch.tensor(head['weights'])
        model.head.bias[0] = head['bias']
    return model, tokenizer, head


def thresholds(logits, labels):
    """The offer and hold-back thresholds of research/DECISIONS.md (issue 48, rules 1 and 2 as revised at 05:25)."""
    neg = np.sort(logits[labels == 0])[::-1]
    pos = logits[labels == 1]
    allowed = int(math.floor(0.01 * len(neg)))
    # The lowest threshold with at most `allowed` ordinary messages at or above it, and the disclosures it offers.
    lowest = float(neg[allowed]) + 1e-6 if allowed < len(neg) else float(neg[-1])
    best = int((pos >= lowest).sum())
    # The highest threshold that still offers as many: just at the `best`-th highest disclosure's score.
    highest = float(np.sort(pos)[::-1][best - 1]) if best > 0 else lowest
    offer = (lowest + highest) / 2
    hold = min(float(np.quantile(logits[labels == 0], 0.9)), offer)
    return offer, hold


def report(name, rows, logits, offer, hold, rules=None, misses=0):
    labels = np.array([r['label'] for r in rows])
    offered = logits >= offer
    if rules is not None:
        offered = offered | np.array([rules.get(r['text'], False) for r in rows])
    held = logits >= hold
    pos, neg = labels == 1, labels == 0
    line = f'{name}: disclosures offered {int((offered & pos).sum())}/{int(pos.sum())}'
    if 'indirect' in rows[0]:
        ind = np.array([bool(r.get('indirect')) for r in rows]) & pos
        line += f' (indirect {int((offered & ind).sum())}/{int(ind.sum())})'
    line += f', held back {int((held & pos).sum())}/{int(pos.sum())}; ordinary offered {int((offered & neg).sum())}/{int(neg.sum())}, held back {int((held & neg).sum())}/{int(neg.sum())}'
    print(line)
    if misses:
        for r, l, o in sorted(zip(rows, logits, offered), key=lambda x: x[1]):
            if r['label'] == 1 and not o:
                print(f'   missed ({l:+.2f}) [{r.get("kind", "")}] {r["text"]}')
        for r, l, o in sorted(zip(rows, logits, offered), key=lambda x: -x[1]):
            if r['label'] == 0 and o:
                print(f'   false offer ({l:+.2f}) {r["text"]}')
    return offered


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--model', required=True)
    parser.add_argument('--blind', choices=['a', 'b'], action='append', default=[])
    parser.add_argument('--rules', help='JSON {text: offered} of the word-list detector (design C)')
    parser.add_argument('--misses', action='store_true', help='list dev misses and false offers')
    parser.add_argument('--no-write', action='store_true')
    parser.add_argument('--threads', type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    model, tokenizer, head = load(args.model)
    rules = json.load(open(args.rules)) if args.rules else None
    dev = dev_set()
    logits = score(model, tokenizer, [r['text'] for r in dev], 128)
    labels = np.array([r['label'] for r in dev])
    offer, hold = thresholds(logits, labels)
    print(f'thresholds (logit): offer {offer:.3f}, hold back {hold:.3f}')
    report('dev', dev, logits, offer, hold, rules, misses=args.misses)
    for part in ('disclosure-set',):
        idx = [i for i, r in enumerate(dev) if r['set'] == part]
        report(f'  {part}', [dev[i] for i in idx], logits[idx], offer, hold, rules)
    qa = [i for i, r in enumerate(dev) if r['set'] != 'disclosure-set']
    report('  qa sets', [dev[i] for i in qa], logits[qa], offer, hold, rules)
    for b in args.blind:
        rows = [{'text': r['text'], 'label': int(r['disclosure']), 'kind': r['kind'], 'indirect': r.get('indirect', False)}
                for r in read_jsonl(os.path.join(ROOT, BLIND[b]))]
        report(f'blind {b}', rows, score(model, tokenizer, [r['text'] for r in rows], 128), offer, hold, rules)
    if not args.no_write:
        head['thresholds'] = {'offer': offer, 'holdBack': hold}
        json.dump(head, open(os.path.join(args.model, 'head.json'), 'w'))


if __name__ == '__main__':
    main()
