"""Stage 5 of the re-ranker (issue 50): writes the folder the product loads (models/rerank/).

From a folder cross_encoder.py wrote and the calibration screen.py wrote (--write-calibration: the candidates read,
the decline threshold and the "sure" model, all fitted on the corpus out of fold): the encoder exported to ONNX (int8,
research/training/encoder/export_onnx.py), its tokenizer files, manifest.json (the graph's file, SHA-256, vector length and
token limit), heads.json (`rerank`: the head, the candidates, the order, declineBelow and sure), training-record.json
(the pairs' checksum, the settings, the calibration), then SHA256SUMS for the folder, which CI checks. README.md and
LICENSE are kept as they are.

Usage: python3 research/training/rerank/ship.py --trained DIR --calibration FILE --order crossEncoder|fused --out models/rerank
"""
import argparse
import json
import os
import shutil
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'encoder'))
from export_onnx import export  # noqa: E402
from model_folder import BASE, sha256, write_sums  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--trained', required=True)
    parser.add_argument('--calibration', required=True)
    parser.add_argument('--order', choices=['crossEncoder', 'fused'], required=True)
    parser.add_argument('--no-decline', action='store_true', help='the stack alone declines (declineBelow null)')
    parser.add_argument('--pairs', default='research/training/data/rerank/pairs.jsonl')
    parser.add_argument('--out', required=True)
    args = parser.parse_args()
    record = json.load(open(os.path.join(args.trained, 'record.json')))
    head = json.load(open(os.path.join(args.trained, 'head.json')))
    cal = json.load(open(args.calibration))
    os.makedirs(args.out, exist_ok=True)
    graph = 'model.onnx'
    export(args.trained, os.path.join(args.out, graph), int8=True)
    for f in ('tokenizer.json', 'tokenizer_config.json'):
        shutil.copyfile(os.path.join(args.trained, f), os.path.join(args.out, f))
    manifest = {'name': f'{BASE["name"]}, fine-tuned as a cross-encoder for policy answers (int8)', 'file': graph,
                'sha256': sha256(os.path.join(args.out, graph)), 'dimensions': len(head['weights']),
                'maxTokens': record['settings'].get('max_len', 96)}
    json.dump(manifest, open(os.path.join(args.out, 'manifest.json'), 'w'), indent=2)
    rerank = {'weights': [round(w, 7) for w in head['weights']], 'bias': head['bias'], 'sections': cal['sections'],
              'passages': cal['passages'], 'order': args.order, 'declineBelow': None if args.no_decline else cal['declineBelow'],
              'sure': cal['sure']}
    json.dump({'rerank': rerank}, open(os.path.join(args.out, 'heads.json'), 'w'))
    record.update({'base': BASE, 'pairs sha256': sha256(args.pairs), 'calibration': cal, 'graph': manifest})
    json.dump(record, open(os.path.join(args.out, 'training-record.json'), 'w'), indent=2)
    files = write_sums(args.out)
    print(f'wrote {args.out}: ' + ', '.join(files))


if __name__ == '__main__':
    main()
