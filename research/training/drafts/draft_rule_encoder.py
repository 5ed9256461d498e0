"""Design DR (issue 53, thirteenth pass; research/DECISIONS.md): all-MiniLM-L6-v2 fine-tuned as a bi-encoder so that a
draft, framed with its card line as the draft model reads it, lies near the sentence a headteacher would quote for it.

Learns from the labellers' placed pairs (research/corpus/drafts/draft-rules/labeller-*.jsonl, exported with the reader's
candidates by `node dist/research/scripts/exportDraftRuleData.js OUT --text --most 400 --margin 1000 ...`): the labeller's sentence
is the positive; up to NEGATIVES of the reader's first 20 candidates for that concern whose sections do not hold it are
the negatives, with the batch's other positives; softmax over cosines x SCALE.

--write-oof OUT: four folds of three policies (sorted by name, in threes); each fold's encoder never sees the policies
it scores. OUT is the export with each candidate's third column (the reader encoder's cosine to the draft) replaced by
DR's cosine, so `fit_draft_rules.py --data OUT` judges DR as it judged PD.

DR did not ship: +0.3 points out of fold where its bar was 5 (about 39 minutes for --write-oof on two cores).

Usage: python3 research/training/drafts/draft_rule_encoder.py --data EXPORT.jsonl --labels A.jsonl B.jsonl --write-oof OUT
"""
import argparse
import json
import os
import random
import sys
import time

import torch
from transformers import AutoTokenizer

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'encoder'))
from finetune import framed  # noqa: E402
from finetuning import Classifier, read_jsonl, set_seed, warmup_then_decay  # noqa: E402
from model_folder import verified_base  # noqa: E402

NEGATIVES = 7
FIRST = 20
SCALE = 20.0
FOLDS = 4


def with_cards(pairs, label_files):
    """Each exported pair gains `query`: its draft framed with the card line of the labelled row it came from."""
    card = {}
    for path in label_files:
        for row in read_jsonl(path):
            card[(os.path.basename(path), row['policy'], row['draft'])] = framed(row)
    for p in pairs:
        p['query'] = card[(p['file'], p['policy'], p['draft'])]
    return pairs


def examples(pairs, rng):
    """(query, positive, negatives) for every pair with a labelled sentence placed in its policy's text."""
    out = []
    for p in pairs:
        if not p['expected']:
            continue
        wrong = [c[4] for c in p['candidates'][:FIRST] if c[0] not in p['expected']]
        rng.shuffle(wrong)
        out.append((p['query'], p['sentence'], wrong[:NEGATIVES]))
    return out


def encode(model, tokenizer, texts, max_len=128, batch=64):
    """Unit vectors for texts (mean pooled, as the product's ONNX graph pools)."""
    model.eval()
    out = []
    with torch.no_grad():
        for i in range(0, len(texts), batch):
            enc = tokenizer(texts[i:i + batch], padding=True, truncation=True, max_length=max_len, return_tensors='pt')
            out.append(torch.nn.functional.normalize(model.pooled(enc), dim=-1))
    return torch.cat(out) if out else torch.zeros(0)


def fit(args, train_pairs, tokenizer):
    set_seed(args.seed)
    rng = random.Random(args.seed)
    model = Classifier(args.base, 0.0)
    data = examples(train_pairs, rng)
    steps = args.epochs * ((len(data) + args.batch - 1) // args.batch)
    optimiser = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    schedule = warmup_then_decay(optimiser, steps)
    for epoch in range(args.epochs):
        model.train()
        rng.shuffle(data)
        total = 0.0
        for i in range(0, len(data), args.batch):
            chunk = data[i:i + args.batch]
            queries = [q for q, _, _ in chunk]
            passages = [pos for _, pos, _ in chunk]
            owner = []  # for each negative, the query it belongs to (its hard negatives score against it alone)
            for k, (_, _, negs) in enumerate(chunk):
                passages += negs
                owner += [k] * len(negs)
            tq = tokenizer(queries, padding=True, truncation=True, max_length=128, return_tensors='pt')
            tp = tokenizer(passages, padding=True, truncation=True, max_length=128, return_tensors='pt')
            q = torch.nn.functional.normalize(model.pooled(tq), dim=-1)
            p = torch.nn.functional.normalize(model.pooled(tp), dim=-1)
            scores = SCALE * q @ p.T  # [queries, positives + negatives]
            n = len(chunk)
            # A query's hard negatives count only against it; another query's hard negatives are masked out.
            mask = torch.zeros_like(scores, dtype=torch.bool)
            for j, k in enumerate(owner):
                mask[:, n + j] = True
                mask[k, n + j] = False
            scores = scores.masked_fill(mask, -1e4)
            loss = torch.nn.functional.cross_entropy(scores, torch.arange(n))
            loss.backward()
            optimiser.step()
            schedule.step()
            optimiser.zero_grad()
            total += loss.item() * n
        print(f'  epoch {epoch + 1}: mean loss {total / len(data):.4f}', flush=True)
    return model


def cosines(model, tokenizer, pairs):
    """Replaces each candidate's third column with DR's cosine between the pair's framed draft and the candidate."""
    texts = sorted({c[4] for p in pairs for c in p['candidates']})
    vectors = encode(model, tokenizer, texts)
    at = {t: i for i, t in enumerate(texts)}
    queries = sorted({p['query'] for p in pairs})
    qv = encode(model, tokenizer, queries)
    qat = {t: i for i, t in enumerate(queries)}
    for p in pairs:
        q = qv[qat[p['query']]]
        for c in p['candidates']:
            c[2] = round(float(q @ vectors[at[c[4]]]), 4)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--data', required=True)
    parser.add_argument('--labels', required=True, nargs='+')
    parser.add_argument('--write-oof', required=True)
    parser.add_argument('--epochs', type=int, default=4)
    parser.add_argument('--lr', type=float, default=3e-5)
    parser.add_argument('--batch', type=int, default=16)
    parser.add_argument('--seed', type=int, default=7)
    parser.add_argument('--threads', type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    args.base = verified_base()
    tokenizer = AutoTokenizer.from_pretrained(args.base)
    pairs = with_cards(read_jsonl(args.data), args.labels)
    start = time.time()
    policies = sorted({p['policy'] for p in pairs})
    fold_of = {name: i * FOLDS // len(policies) for i, name in enumerate(policies)}
    for k in range(FOLDS):
        held = [p for p in pairs if fold_of[p['policy']] == k]
        print(f'fold {k + 1}/{FOLDS}: holds out {sorted({p["policy"] for p in held})} ({time.time() - start:.0f}s)', flush=True)
        model = fit(args, [p for p in pairs if fold_of[p['policy']] != k], tokenizer)
        cosines(model, tokenizer, held)
    with open(args.write_oof, 'w', encoding='utf8') as f:
        for p in pairs:
            p = dict(p)
            del p['query']
            f.write(json.dumps(p) + '\n')
    print(f'wrote {args.write_oof} in {time.time() - start:.0f}s')


if __name__ == '__main__':
    main()
