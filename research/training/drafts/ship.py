"""Writes the draft model folder the product loads (models/drafts/) for "check my post" (issue 53).

From a folder finetune.py wrote: the encoder exported to ONNX (int8, research/training/encoder/export_onnx.py), its tokenizer
files, manifest.json (the graph's file, SHA-256, vector length and token limit), heads.json (a head per concern with
its out-of-fold threshold), training-record.json (the data's checksum and counts, the settings, the out-of-fold
figures). Then SHA256SUMS for the folder, which CI checks. README.md and LICENSE are kept as they are.

Usage: python3 research/training/drafts/ship.py --trained DIR --out models/drafts
"""
import argparse
import glob
import json
import os
import shutil
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'encoder'))
from export_onnx import export  # noqa: E402
from model_folder import BASE, sha256, write_sums  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--trained', required=True)
    parser.add_argument('--out', required=True)
    args = parser.parse_args()
    record = json.load(open(os.path.join(args.trained, 'record.json')))
    if not record.get('outOfFold'):
        sys.exit('the trained folder has no out-of-fold thresholds: run finetune.py with --folds')
    heads = json.load(open(os.path.join(args.trained, 'heads.json')))
    os.makedirs(args.out, exist_ok=True)
    graph = 'model.onnx'
    export(args.trained, os.path.join(args.out, graph), int8=True)
    for f in ('tokenizer.json', 'tokenizer_config.json'):
        shutil.copyfile(os.path.join(args.trained, f), os.path.join(args.out, f))
    manifest = {'name': f'{BASE["name"]}, fine-tuned for draft posts (int8)', 'file': graph, 'sha256': sha256(os.path.join(args.out, graph)),
                'dimensions': len(next(iter(heads['drafts'].values()))['weights']), 'maxTokens': record['settings'].get('max_len', 128)}
    json.dump(manifest, open(os.path.join(args.out, 'manifest.json'), 'w'), indent=2)
    json.dump(heads, open(os.path.join(args.out, 'heads.json'), 'w'))
    data = sorted(glob.glob(os.path.join(ROOT, 'research', 'corpus', 'drafts', 'written', '*.jsonl')))
    record.update({'base': BASE, 'data sha256': {os.path.basename(p): sha256(p) for p in data}, 'graph': manifest})
    json.dump(record, open(os.path.join(args.out, 'training-record.json'), 'w'), indent=2)
    files = write_sums(args.out)
    print(f'wrote {args.out}: ' + ', '.join(files))


if __name__ == '__main__':
    main()
