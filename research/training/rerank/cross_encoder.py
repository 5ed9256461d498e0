"""Stage 2 of the re-ranker's training (issue 50): fine-tunes the pretrained encoder as a cross-encoder.

The question and a passage with its heading are read together ([CLS] question [SEP] heading : passage [SEP], the
second segment's token type 1), mean-pooled as the product's ONNX graph pools, and a linear head gives the logit of
"this passage answers this question". Pointwise binary cross-entropy over build_pairs.py's pairs, the positives
weighted so both classes count equally, targets smoothed (--label-smoothing) so the scores stay comparable across
questions. Deterministic for a seed on the CPU (one code path, PyTorch's deterministic algorithms, seeded batches).

Writes to --out the fine-tuned encoder (a Hugging Face folder for export_onnx.py), head.json and record.json.

Usage: python3 research/training/rerank/cross_encoder.py --pairs research/training/data/rerank/pairs.jsonl --base DIR --out DIR
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
from transformers import AutoTokenizer

sys.path.append(os.path.join(os.path.dirname(__file__), '..', 'encoder'))
# The same encoder + mean pooling + linear head, seeding, schedule and reading as the other fine-tuning scripts.
from finetuning import Classifier, on_device, read_jsonl, set_seed, warmup_then_decay  # noqa: E402


def score_pairs(model, tokenizer, pairs, max_len, batch_size=64):
    """The head's logit for each (question, passage) pair, in order (eval mode)."""
    model.eval()
    device = next(model.parameters()).device
    out = np.zeros(len(pairs), dtype=np.float32)
    order = sorted(range(len(pairs)), key=lambda i: len(pairs[i][0]) + len(pairs[i][1]))
    with torch.no_grad():
        for s in range(0, len(order), batch_size):
            idx = order[s:s + batch_size]
            batch = tokenizer([pairs[i][0] for i in idx], [pairs[i][1] for i in idx], padding=True, truncation='only_second',
                              max_length=max_len, return_tensors='pt')
            out[idx] = model(on_device(batch, device)).float().cpu().numpy()
    return out


def held_out_policies(rows, folds: int, leave_out: int) -> set:
    """The policies of one fold: sorted policy ids, every folds-th from leave_out (so each kind of school is spread)."""
    ids = sorted({r['policy'] for r in rows})
    return {p for i, p in enumerate(ids) if i % folds == leave_out}


def enumerate_batches(rows, batch: int, generator):
    """Seeded batches of pairs of like length (less padding on the CPU): shuffled, sorted by length within windows of
    50 batches, and the batches shuffled again. Yields (pairs seen before this batch, indices)."""
    perm = torch.randperm(len(rows), generator=generator).tolist()
    window = batch * 50
    batches = []
    for w in range(0, len(perm), window):
        chunk = sorted(perm[w:w + window], key=lambda i: len(rows[i]['q']) + len(rows[i]['p']))
        batches.extend(chunk[b:b + batch] for b in range(0, len(chunk), batch))
    seen = 0
    for k in torch.randperm(len(batches), generator=generator).tolist():
        yield seen, batches[k]
        seen += len(batches[k])


def train(args) -> None:
    set_seed(args.seed)
    torch.set_num_threads(args.threads)
    rows = read_jsonl(args.pairs)
    if args.folds:
        held = held_out_policies(rows, args.folds, args.leave_out)
        rows = [r for r in rows if r['policy'] not in held]
        print(f'fold {args.leave_out} of {args.folds} left out: {len(held)} policies ({", ".join(sorted(held))})', flush=True)
    if args.limit:
        rows = rows[:args.limit]
    # The device machine's GPU with --device cuda (research/training/device/README.md); the CPU path is unchanged.
    device = torch.device(args.device)
    labels = torch.tensor([float(r['label']) for r in rows])
    pos = float(labels.sum())
    tokenizer = AutoTokenizer.from_pretrained(args.base)
    model = Classifier(args.base, args.dropout).to(device)
    optimiser = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    steps = args.epochs * ((len(rows) + args.batch - 1) // args.batch)
    schedule = warmup_then_decay(optimiser, steps)
    loss_fn = torch.nn.BCEWithLogitsLoss(pos_weight=torch.tensor((len(rows) - pos) / pos, device=device))
    generator = torch.Generator().manual_seed(args.seed)
    started = time.time()
    step = 0
    for epoch in range(args.epochs):
        model.train()
        total = 0.0
        for s, idx in enumerate_batches(rows, args.batch, generator):
            batch = tokenizer([rows[i]['q'] for i in idx], [rows[i]['p'] for i in idx], padding=True, truncation='only_second',
                              max_length=args.max_len, return_tensors='pt')
            target = (labels[idx] * (1 - args.label_smoothing) + args.label_smoothing / 2).to(device)
            # bfloat16 autocast where asked (the weights, the optimiser and the loss stay float32).
            with torch.autocast(device_type=device.type, dtype=torch.bfloat16, enabled=args.bf16):
                logits = model(on_device(batch, device))
            loss = loss_fn(logits.float(), target)
            optimiser.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimiser.step()
            schedule.step()
            total += float(loss.detach()) * len(idx)
            step += 1
            if step % 100 == 0:
                print(f'epoch {epoch + 1} step {step}/{steps} loss {total / (s + len(idx)):.4f} {time.time() - started:.0f}s', flush=True)
        print(f'epoch {epoch + 1}: mean loss {total / len(rows):.4f}', flush=True)
    os.makedirs(args.out, exist_ok=True)
    model.bert.save_pretrained(args.out)
    tokenizer.save_pretrained(args.out)
    json.dump({'weights': model.head.weight.detach()[0].cpu().tolist(), 'bias': float(model.head.bias.detach()[0])}, open(os.path.join(args.out, 'head.json'), 'w'))
    json.dump({'design': 'cross-encoder: the encoder fine-tuned on question-passage pairs with a linear head', 'fineTuned': True,
               'settings': {k: v for k, v in vars(args).items()}, 'pairs': len(rows), 'positives': int(pos),
               'seconds': round(time.time() - started)}, open(os.path.join(args.out, 'record.json'), 'w'), indent=2)
    print(f'wrote {args.out} in {time.time() - started:.0f}s')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--pairs', required=True)
    parser.add_argument('--base', required=True)
    parser.add_argument('--out', required=True)
    parser.add_argument('--epochs', type=int, default=1)
    parser.add_argument('--batch', type=int, default=32)
    parser.add_argument('--lr', type=float, default=3e-5)
    parser.add_argument('--dropout', type=float, default=0.1)
    parser.add_argument('--max-len', type=int, default=96)
    parser.add_argument('--label-smoothing', type=float, default=0.1)
    parser.add_argument('--limit', type=int, default=0, help='train on the first N pairs only (a quick check)')
    parser.add_argument('--folds', type=int, default=0, help='with --leave-out: train without one fold of the policies')
    parser.add_argument('--leave-out', type=int, default=0)
    parser.add_argument('--seed', type=int, default=7)
    parser.add_argument('--threads', type=int, default=2)
    parser.add_argument('--device', default='cpu', help='cpu, or cuda on the device machine (then CUBLAS_WORKSPACE_CONFIG=:4096:8)')
    parser.add_argument('--bf16', action='store_true', help='train in bfloat16 autocast')
    train(parser.parse_args())


if __name__ == '__main__':
    main()
