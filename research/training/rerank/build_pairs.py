"""Stage 1 of the re-ranker's training (issue 50): question-passage pairs from the present stack's candidates.

Reads <data>/corpus.jsonl (research/scripts/exportRerankData.ts: each corpus question with the present stack's top sections and
their passages). For a covered question the positive is the candidate passage that holds the corpus's answering
passage; the negatives are hard ones from the stack: the other passages of the top sections, best-ranked first (the
same section's other passages teach which sentence answers, the other sections which section does). For a question
the policy does not cover, its top passages are all negatives. Each pair is (question, heading + passage).

Usage: python3 research/training/rerank/build_pairs.py --data research/training/data/rerank --out research/training/data/rerank/pairs.jsonl
"""
import argparse
import json
import os
import random


def passage_key(text: str) -> str:
    return ' '.join(text.lower().replace('\u2019', "'").replace('\u2018', "'").replace('\u201c', '"').replace('\u201d', '"').split())


def pair_text(section: dict, passage: dict) -> str:
    return f"{section['heading']} : {passage['text']}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--data', required=True)
    parser.add_argument('--out', required=True)
    parser.add_argument('--sections', type=int, default=5, help='top sections of the stack whose passages are candidates')
    parser.add_argument('--negatives', type=int, default=3)
    parser.add_argument('--uncovered-negatives', type=int, default=2)
    parser.add_argument('--seed', type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    out, unlocated, covered, uncovered = [], 0, 0, 0
    for line in open(os.path.join(args.data, 'corpus.jsonl'), encoding='utf8'):
        r = json.loads(line)
        cands = [(si, pi, s, p) for si, s in enumerate(r['sections'][:args.sections]) for pi, p in enumerate(s['passages'])]
        # Hard first: by the section's rank, then the passage's place in the quote order.
        cands.sort(key=lambda c: (c[0] + c[1] * 0.5))
        if r['expect']:
            want = r['expect'][0]
            pos = [c for c in cands if want in passage_key(c[3]['text']) or passage_key(c[3]['text']) in want]
            if not pos:
                unlocated += 1
                continue
            covered += 1
            negs = [c for c in cands if c not in pos]
            hard = negs[:args.negatives * 2]
            chosen = rng.sample(hard, min(args.negatives, len(hard)))
            group = [(pos[0], 1)] + [(c, 0) for c in chosen]
        else:
            uncovered += 1
            group = [(c, 0) for c in cands[:args.uncovered_negatives]]
        for (si, pi, s, p), label in group:
            out.append({'q': r['q'], 'p': pair_text(s, p), 'label': label, 'kind': r['kind'], 'policy': r['policy']})
    rng.shuffle(out)
    with open(args.out, 'w', encoding='utf8') as f:
        for o in out:
            f.write(json.dumps(o, ensure_ascii=False) + '\n')
    print(f'wrote {args.out}: {len(out)} pairs from {covered} covered and {uncovered} uncovered questions ({unlocated} answers not among the candidates)')


if __name__ == '__main__':
    main()
