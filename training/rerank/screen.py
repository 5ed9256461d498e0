"""Screening of re-ranker designs (issue 50, training/DECISIONS.md rule 1), in Python on the exported candidates.

For each evaluation set (scripts/exportRerankData.ts --eval), and the sets together: right section first, in the top
three, quoted (the answer's passage holds an expected quote), and uncovered questions declined, for
  D0: the present stack as exported (its order, its quote, its decline);
  D1: the stack's top 5 sections ordered by the cross-encoder's best passage, the quote that passage;
  D2: reciprocal-rank fusion of the stack's order and D1's (no fitted weight), the quote D1's best passage in the
      section chosen.
Declining is the stack's in each (the cross-encoder reads only what the stack answers). Figures only: nothing here
is fitted on an evaluation set.

Usage: python3 training/rerank/screen.py --model DIR [--data training/data/rerank]
"""
import argparse
import json
import os
import sys

import numpy as np
import torch
from transformers import AutoTokenizer

sys.path.insert(0, os.path.dirname(__file__))
sys.path.append(os.path.join(os.path.dirname(__file__), '..', 'disclosure'))
from evaluate import load  # noqa: E402
from cross_encoder import score_pairs  # noqa: E402
from build_pairs import pair_text, passage_key  # noqa: E402

SETS = ['qa-sample', 'qa-staff', 'qa-holdout', 'qa-blind', 'qa-fresh']
TOP = 5


def evaluate(rows, order_of, quote_of):
    """Counts for one design: order_of(r) -> section indices in order; quote_of(r, section index) -> passage text."""
    f = {'covered': 0, 'first': 0, 'top3': 0, 'quoted': 0, 'uncovered': 0, 'declined': 0}
    for r in rows:
        if r['expect'] is None:
            f['uncovered'] += 1
            f['declined'] += 0 if r['answered'] else 1
            continue
        f['covered'] += 1
        if not r['answered']:
            continue
        order = order_of(r)
        hits = [any(e in r['sections'][i]['text'] for e in r['expect']) for i in order]
        f['first'] += hits[0] if hits else 0
        f['top3'] += any(hits[:3])
        if order:
            quote = passage_key(quote_of(r, order[0]))
            f['quoted'] += any(e in quote or quote in e for e in r['expect'])
    return f


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--model', required=True)
    parser.add_argument('--data', default='training/data/rerank')
    parser.add_argument('--threads', type=int, default=2)
    parser.add_argument('--sets', default=','.join(SETS))
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    model, tokenizer, _ = load(args.model)
    totals = {}
    for name in args.sets.split(','):
        rows = [json.loads(l) for l in open(os.path.join(args.data, f'{name}.jsonl'), encoding='utf8')]
        pairs, where = [], []
        for ri, r in enumerate(rows):
            for si, s in enumerate(r['sections'][:TOP]):
                for pi, p in enumerate(s['passages']):
                    pairs.append((r['q'], pair_text(s, p)))
                    where.append((ri, si, pi))
        scores = score_pairs(model, tokenizer, pairs, 128)
        best = {}
        for (ri, si, pi), sc in zip(where, scores):
            if (ri, si) not in best or sc > best[(ri, si)][0]:
                best[(ri, si)] = (float(sc), pi)
        for ri, r in enumerate(rows):
            r['_ce'] = [best.get((ri, si), (-1e9, 0)) for si in range(min(TOP, len(r['sections'])))]
        stack_order = lambda r: list(range(len(r['sections'])))
        stack_quote = lambda r, i: r['sections'][i]['passages'][0]['text']
        ce_order = lambda r: sorted(range(len(r['_ce'])), key=lambda i: -r['_ce'][i][0])
        ce_quote = lambda r, i: r['sections'][i]['passages'][r['_ce'][i][1]]['text'] if i < len(r['_ce']) else stack_quote(r, i)

        def rrf_order(r, k=60):
            ranks = {i: 1 / (k + 1 + i) for i in range(len(r['_ce']))}
            for pos, i in enumerate(ce_order(r)):
                ranks[i] += 1 / (k + 1 + pos)
            return sorted(ranks, key=lambda i: -ranks[i])

        for design, o, q in (('D0', stack_order, stack_quote), ('D1', ce_order, ce_quote), ('D2', rrf_order, ce_quote)):
            f = evaluate(rows, o, q)
            t = totals.setdefault(design, {k: 0 for k in f})
            for k in f:
                t[k] += f[k]
            print(f"{name:11s} {design}: first {f['first']}/{f['covered']} top3 {f['top3']} quoted {f['quoted']} declined {f['declined']}/{f['uncovered']}")
    for design, t in totals.items():
        print(f"together {design}: {t['first']} / {t['top3']} / {t['quoted']} of {t['covered']}; declined {t['declined']} of {t['uncovered']}")


if __name__ == '__main__':
    main()
