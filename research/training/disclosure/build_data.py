"""Stage 1 of the disclosure detector's training: gathers the training messages into one file.

Reads the messages the team's writers wrote for this detector (research/corpus/disclosures/written/*.jsonl: disclosures
across the categories of Keeping Children Safe in Education, and ordinary questions chosen to be near misses) and the
corpus's staff questions about social media policies (research/corpus/questions/*.jsonl, ordinary), with the labels a reader
gave the corpus questions that tell of a particular child at risk (research/corpus/disclosures/corpus-labels.jsonl: those
are disclosures, and the ones marked `unsure` are left out). Exact duplicates (case and spaces folded) are kept once;
a text given both labels is dropped and counted.

Nothing here reads the evaluation sets (research/eval/) or the five real policies: the detector is judged on those.

Usage: python3 research/training/disclosure/build_data.py --out research/training/data/disclosure.jsonl
"""
import argparse
import glob
import json
import os
import re
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
WRITTEN = os.path.join(ROOT, 'research', 'corpus', 'disclosures', 'written')
QUESTIONS = os.path.join(ROOT, 'research', 'corpus', 'questions')
LABELS = os.path.join(ROOT, 'research', 'corpus', 'disclosures', 'corpus-labels.jsonl')


def key(text: str) -> str:
    return re.sub(r'\s+', ' ', text.strip().lower())


def read_jsonl(path: str):
    with open(path, encoding='utf8') as f:
        for n, line in enumerate(f, 1):
            if line.strip():
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as err:
                    sys.exit(f'{path}:{n}: {err}')


def gather(include_corpus: bool = True):
    rows = []
    for path in sorted(glob.glob(os.path.join(WRITTEN, '*.jsonl'))):
        source = os.path.basename(path)[:-len('.jsonl')]
        for r in read_jsonl(path):
            if not isinstance(r.get('text'), str) or not isinstance(r.get('disclosure'), bool):
                sys.exit(f'{path}: every line needs text and disclosure: {r}')
            rows.append({'text': r['text'].strip(), 'label': int(r['disclosure']), 'kind': r.get('kind', ''), 'style': r.get('style', ''),
                         'source': f'written/{source}'})
    if include_corpus:
        labels = {key(r['text']): r['label'] for r in read_jsonl(LABELS)} if os.path.exists(LABELS) else {}
        for path in sorted(glob.glob(os.path.join(QUESTIONS, '*.jsonl'))):
            for r in read_jsonl(path):
                label = labels.get(key(r['q']), 'ordinary')
                if label == 'unsure':
                    continue
                rows.append({'text': r['q'].strip(), 'label': int(label == 'disclosure'), 'kind': 'corpus-question', 'style': 'question',
                             'source': 'research/corpus/questions'})
    seen, out, conflicts = {}, [], 0
    for r in rows:
        k = key(r['text'])
        if not k:
            continue
        if k in seen:
            if seen[k]['label'] != r['label']:
                seen[k]['conflict'] = True
            continue
        seen[k] = r
        out.append(r)
    kept = [r for r in out if not r.get('conflict')]
    conflicts = len(out) - len(kept)
    return kept, conflicts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--out', required=True)
    parser.add_argument('--written-only', action='store_true', help='leave the corpus questions out (the first pass that finds which of them to label)')
    args = parser.parse_args()
    rows, conflicts = gather(not args.written_only)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, 'w', encoding='utf8') as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + '\n')
    pos = sum(r['label'] for r in rows)
    print(f'wrote {args.out}: {len(rows)} messages, {pos} disclosures, {len(rows) - pos} ordinary; {conflicts} dropped for conflicting labels')


if __name__ == '__main__':
    main()
