"""Writes the draft model folder the product loads (models/drafts/) for "check my post" (issue 53).

From a folder finetune.py wrote: the encoder exported to ONNX (int8, research/training/encoder/export_onnx.py), its tokenizer
files, manifest.json (the graph's file, SHA-256, vector length and token limit), heads.json (a head per concern with
its out-of-fold threshold), training-record.json (the data's checksum and counts, the settings, the out-of-fold
figures). Then SHA256SUMS for the folder, which CI checks. README.md and LICENSE are kept as they are.

A graph over --part-mb (GitHub refuses files over 100 MB) is written as numbered parts the manifest lists in order
(`parts`); the product joins them and checks the whole graph's SHA-256. The larger draft model (all-mpnet-base-v2,
research/DECISIONS.md, issue 71) is exported with --float-ffn-output --floor 0.98: its feed-forward outputs read a few
large activations that int8 would move (export_onnx.py).

Usage: python3 research/training/drafts/ship.py --trained DIR --out models/drafts [--float-ffn-output --floor 0.98]
"""
import argparse
import glob
import json
import os
import shutil
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'encoder'))
from export_onnx import export  # noqa: E402
from model_folder import BASE, LARGER, sha256, write_sums  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--trained', required=True)
    parser.add_argument('--out', required=True)
    parser.add_argument('--float-ffn-output', action='store_true', help='keep the feed-forward output products in float32 (all-mpnet-base-v2)')
    parser.add_argument('--floor', type=float, default=0.0, help='the export check\'s least cosine to PyTorch (0: export_onnx.py\'s own)')
    parser.add_argument('--part-mb', type=float, default=99.0, help='a graph larger than this many MB is written in parts of at most this size')
    args = parser.parse_args()
    record = json.load(open(os.path.join(args.trained, 'record.json')))
    if not record.get('outOfFold'):
        sys.exit('the trained folder has no out-of-fold thresholds: run finetune.py with --folds')
    heads = json.load(open(os.path.join(args.trained, 'heads.json')))
    os.makedirs(args.out, exist_ok=True)
    graph = 'model.onnx'
    for old in glob.glob(os.path.join(args.out, graph + '*')):
        os.remove(old)
    export(args.trained, os.path.join(args.out, graph), int8=True, float_ffn_output=args.float_ffn_output, floor=args.floor)
    whole = sha256(os.path.join(args.out, graph))
    parts = split(os.path.join(args.out, graph), int(args.part_mb * 1e6))
    for f in ('tokenizer.json', 'tokenizer_config.json'):
        shutil.copyfile(os.path.join(args.trained, f), os.path.join(args.out, f))
    # The base it was fine-tuned from, by its weights' record (model_folder.py): MiniLM, or the larger all-mpnet-base-v2.
    base = LARGER if 'mpnet' in json.load(open(os.path.join(args.trained, 'config.json'))).get('model_type', '') else BASE
    manifest = {'name': f'{base["name"]}, fine-tuned for draft posts (int8)', 'file': graph, **({'parts': parts} if parts else {}), 'sha256': whole,
                'dimensions': len(next(iter(heads['drafts'].values()))['weights']), 'maxTokens': record['settings'].get('max_len', 128)}
    json.dump(manifest, open(os.path.join(args.out, 'manifest.json'), 'w'), indent=2)
    json.dump(heads, open(os.path.join(args.out, 'heads.json'), 'w'))
    data = sorted(glob.glob(os.path.join(ROOT, 'research', 'corpus', 'drafts', 'written', '*.jsonl')))
    record.update({'base': base, 'data sha256': {os.path.basename(p): sha256(p) for p in data}, 'graph': manifest})
    json.dump(record, open(os.path.join(args.out, 'training-record.json'), 'w'), indent=2)
    files = write_sums(args.out)
    print(f'wrote {args.out}: ' + ', '.join(files))


def split(file: str, most: int) -> list:
    """Cuts `file` into numbered parts of at most `most` bytes and removes it, if it is larger; returns the parts' names."""
    size = os.path.getsize(file)
    if size <= most:
        return []
    count = -(-size // most)
    each = -(-size // count)  # as even as they can be: two parts of 97.5 MB, not 95, 95 and 5
    names = []
    with open(file, 'rb') as f:
        while chunk := f.read(each):
            names.append(f'{os.path.basename(file)}.part{len(names) + 1}')
            with open(os.path.join(os.path.dirname(file), names[-1]), 'wb') as out:
                out.write(chunk)
    os.remove(file)
    return names


if __name__ == '__main__':
    main()
