"""Stage 4 of the disclosure detector's training: writes the model folder the product loads (models/encoder/).

From a trained folder (finetune.py, with the thresholds evaluate.py wrote into head.json): the encoder exported to
ONNX (int8 unless --float, research/training/encoder/export_onnx.py), its tokenizer files, manifest.json (the graph's file,
SHA-256, vector length and token limit), heads.json (the disclosure head and its thresholds) and
training-record.json (the data's checksum and counts, the settings and the dev figures). Then SHA256SUMS for the
folder, which CI checks.

Usage: python3 research/training/disclosure/ship.py --trained DIR --data research/training/data/disclosure.jsonl --out models/encoder
"""
import argparse
import json
import os
import shutil
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'encoder'))
from export_onnx import export  # noqa: E402
from model_folder import BASE, sha256, write_sums  # noqa: E402

MAX_TOKENS = 128


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--trained', required=True)
    parser.add_argument('--data', required=True)
    parser.add_argument('--out', required=True)
    parser.add_argument('--float', action='store_true', help='ship the float graph instead of int8')
    parser.add_argument('--word-list', action='store_true', help='the word-list detector also offers (design C)')
    parser.add_argument('--figures', help='a file of the dev figures to keep in the training record')
    args = parser.parse_args()
    head = json.load(open(os.path.join(args.trained, 'head.json')))
    if 'thresholds' not in head:
        sys.exit('the head has no thresholds: run evaluate.py on the trained folder first')
    os.makedirs(args.out, exist_ok=True)
    graph = 'model.onnx'
    export(args.trained, os.path.join(args.out, graph), int8=not args.float)
    for f in ('tokenizer.json', 'tokenizer_config.json'):
        shutil.copyfile(os.path.join(args.trained, f), os.path.join(args.out, f))
    record = json.load(open(os.path.join(args.trained, 'record.json'))) if os.path.exists(os.path.join(args.trained, 'record.json')) else {}
    tuned = 'fine-tuned for disclosures' if record.get('fineTuned', True) else 'pretrained weights, unchanged'
    manifest = {'name': f'{BASE["name"]}, {tuned} ({"float" if args.float else "int8"})', 'file': graph,
                'sha256': sha256(os.path.join(args.out, graph)), 'dimensions': len(head['weights']), 'maxTokens': MAX_TOKENS}
    json.dump(manifest, open(os.path.join(args.out, 'manifest.json'), 'w'), indent=2)
    heads = {'disclosure': {'weights': [round(w, 7) for w in head['weights']], 'bias': head['bias'], 'thresholds': head['thresholds'],
                            'wordList': bool(args.word_list)}}
    json.dump(heads, open(os.path.join(args.out, 'heads.json'), 'w'))
    record.update({'base': BASE, 'data sha256': sha256(args.data), 'graph': manifest,
                   'figures': open(args.figures).read().splitlines() if args.figures else []})
    json.dump(record, open(os.path.join(args.out, 'training-record.json'), 'w'), indent=2)
    files = write_sums(args.out)
    print(f'wrote {args.out}: ' + ', '.join(files))


if __name__ == '__main__':
    main()
