"""Stage 2 of the disclosure detector's training: fine-tunes the pretrained sentence encoder as a classifier.

Model: all-MiniLM-L6-v2 (its mean-pooled vector, as the product computes it) with one linear head giving the logit
of "this message tells of a child at risk" (binary cross-entropy; the positives weighted so both classes count
equally). The whole encoder is fine-tuned (--freeze trains the head alone on the pretrained vectors, the baseline
this design is judged against). Training is deterministic for a seed on the CPU: one thread, PyTorch's
deterministic algorithms, batches drawn from a seeded generator.

Writes to --out: the fine-tuned encoder (a Hugging Face folder that export_onnx.py reads), head.json (the head's
weights and bias) and record.json (settings, data counts and timing).

Usage: python3 research/training/disclosure/finetune.py --data research/training/data/disclosure.jsonl --base DIR --out DIR
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
from transformers import AutoTokenizer

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'encoder'))
# Classifier, read_jsonl and set_seed are imported from here by evaluate.py, fit_frozen.py and the re-ranker's scripts.
from finetuning import Classifier, read_jsonl, set_seed, warmup_then_decay  # noqa: E402,F401


def score(model, tokenizer, texts, max_len, batch_size=64):
    """The head's logit for each text (eval mode, no dropout)."""
    model.eval()
    out = []
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    with torch.no_grad():
        for s in range(0, len(order), batch_size):
            idx = order[s:s + batch_size]
            batch = tokenizer([texts[i] for i in idx], padding=True, truncation=True, max_length=max_len, return_tensors='pt')
            out.extend(zip(idx, model(dict(batch)).tolist()))
    logits = [0.0] * len(texts)
    for i, v in out:
        logits[i] = v
    return np.array(logits)


def train(args) -> None:
    set_seed(args.seed)
    torch.set_num_threads(args.threads)
    rows = read_jsonl(args.data)
    texts = [r['text'] for r in rows]
    labels = torch.tensor([float(r['label']) for r in rows])
    pos = float(labels.sum())
    tokenizer = AutoTokenizer.from_pretrained(args.base)
    model = Classifier(args.base, args.dropout)
    if args.freeze:
        for p in model.bert.parameters():
            p.requires_grad = False
    params = [p for p in model.parameters() if p.requires_grad]
    optimiser = torch.optim.AdamW(params, lr=args.lr if not args.freeze else args.head_lr, weight_decay=0.01)
    steps = args.epochs * ((len(rows) + args.batch - 1) // args.batch)
    schedule = warmup_then_decay(optimiser, steps)
    loss_fn = torch.nn.BCEWithLogitsLoss(pos_weight=torch.tensor((len(rows) - pos) / pos * args.pos_balance))
    generator = torch.Generator().manual_seed(args.seed)
    started = time.time()
    step = 0
    for epoch in range(args.epochs):
        model.train()
        perm = torch.randperm(len(rows), generator=generator).tolist()
        total = 0.0
        for s in range(0, len(perm), args.batch):
            idx = perm[s:s + args.batch]
            batch = tokenizer([texts[i] for i in idx], padding=True, truncation=True, max_length=args.max_len, return_tensors='pt')
            # Label smoothing keeps the logits off saturation, so the thresholds sit where the classes meet, not in a flat tail.
            target = labels[idx] * (1 - args.label_smoothing) + args.label_smoothing / 2
            loss = loss_fn(model(dict(batch)), target)
            optimiser.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            optimiser.step()
            schedule.step()
            total += float(loss.detach()) * len(idx)
            step += 1
            if step % 50 == 0:
                print(f'epoch {epoch + 1} step {step}/{steps} loss {total / (s + len(idx)):.4f} {time.time() - started:.0f}s', flush=True)
        print(f'epoch {epoch + 1}: mean loss {total / len(rows):.4f}', flush=True)
    os.makedirs(args.out, exist_ok=True)
    model.bert.save_pretrained(args.out)
    tokenizer.save_pretrained(args.out)
    with open(os.path.join(args.out, 'head.json'), 'w') as f:
        json.dump({'weights': model.head.weight.detach()[0].tolist(), 'bias': float(model.head.bias.detach()[0])}, f)
    with open(os.path.join(args.out, 'record.json'), 'w') as f:
        json.dump({'design': 'B: the encoder fine-tuned with a linear head' if not args.freeze else 'the head alone on the frozen encoder',
                   'fineTuned': not args.freeze, 'settings': {k: v for k, v in vars(args).items()}, 'messages': len(rows), 'disclosures': int(pos),
                   'seconds': round(time.time() - started)}, f, indent=2)
    print(f'wrote {args.out} in {time.time() - started:.0f}s')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--data', required=True)
    parser.add_argument('--base', required=True, help='the pretrained model folder (all-MiniLM-L6-v2)')
    parser.add_argument('--out', required=True)
    parser.add_argument('--epochs', type=int, default=3)
    parser.add_argument('--batch', type=int, default=32)
    parser.add_argument('--lr', type=float, default=4e-5)
    parser.add_argument('--head-lr', type=float, default=1e-2)
    parser.add_argument('--dropout', type=float, default=0.1)
    parser.add_argument('--max-len', type=int, default=128)
    parser.add_argument('--pos-balance', type=float, default=1.0, help='1 weighs the two classes equally')
    parser.add_argument('--label-smoothing', type=float, default=0.0, help='targets become e/2 and 1 - e/2')
    parser.add_argument('--freeze', action='store_true', help='train the head alone on the pretrained vectors (the baseline)')
    parser.add_argument('--seed', type=int, default=7)
    parser.add_argument('--threads', type=int, default=2)
    train(parser.parse_args())


if __name__ == '__main__':
    main()
