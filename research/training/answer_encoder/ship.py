"""Last stage of the larger encoder's mix (issue 70): writes the model folder the bot reads (models/answer-encoder/).

Copies the ONNX graph (research/training/encoder/export_onnx.py --int8 --float-ffn-output, rewritten by
same_on_every_cpu.py) and the base model's tokenizer, and writes manifest.json (name, file, SHA-256, 768 dimensions,
128 tokens), heads.json (fit_mix.py's `mix`), training-record.json (the mix's out-of-fold figures and where each file
came from), the Apache-2.0 licence the base model is published under, and SHA256SUMS (model_folder.write_sums).

Usage: python3 research/training/answer_encoder/ship.py --graph model.onnx --base DIR --mix mix.json --out models/answer-encoder
"""
import argparse
import json
import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'encoder'))
from model_folder import LARGER, sha256, write_sums  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--graph', required=True)
    ap.add_argument('--base', required=True, help="model_folder.py larger's folder (tokenizer.json, tokenizer_config.json)")
    ap.add_argument('--mix', required=True)
    ap.add_argument('--out', required=True)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    shutil.copyfile(args.graph, os.path.join(args.out, 'model.onnx'))
    for f in ('tokenizer.json', 'tokenizer_config.json'):
        shutil.copyfile(os.path.join(args.base, f), os.path.join(args.out, f))
    licence = os.path.join(HERE, '..', '..', '..', 'models', 'encoder', 'LICENSE')
    shutil.copyfile(licence, os.path.join(args.out, 'LICENSE'))
    mix = json.load(open(args.mix))
    json.dump({'mix': mix['mix']}, open(os.path.join(args.out, 'heads.json'), 'w'), indent=1)
    json.dump({'name': 'all-mpnet-base-v2, int8 but for its feed-forward outputs, same on every CPU', 'file': 'model.onnx',
               'sha256': sha256(os.path.join(args.out, 'model.onnx')), 'dimensions': 768, 'maxTokens': 128},
              open(os.path.join(args.out, 'manifest.json'), 'w'), indent=1)
    json.dump({'base': LARGER['name'], 'baseWeightsSha256': LARGER['model.safetensors sha256'],
               'export': 'research/training/encoder/export_onnx.py --int8 --float-ffn-output',
               'mix': 'research/training/answer_encoder/fit_mix.py', 'outOfFold': mix.get('outOfFold')},
              open(os.path.join(args.out, 'training-record.json'), 'w'), indent=1)
    print(f"wrote {args.out}: {', '.join(write_sums(args.out))}")


if __name__ == '__main__':
    main()
