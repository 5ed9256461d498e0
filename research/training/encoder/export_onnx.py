"""Exports a BERT-style sentence encoder (a Hugging Face model folder) to the ONNX file the product runs.

The graph takes input_ids, attention_mask and token_type_ids (int64, [batch, tokens]; a model without token types,
such as all-mpnet-base-v2, takes the first two only) and gives `embedding` ([batch, hidden]): the mean of the last
layer's token vectors over the attention mask, as all-MiniLM-L6-v2 and all-mpnet-base-v2 pool
(the product normalises where a head needs it). With --int8 the weights of the matrix products are quantised
to int8 (onnxruntime's dynamic quantisation), which makes the file a quarter of the size and faster on a CPU, and the
graph is then rewritten by same_on_every_cpu.py so that every x86-64 CPU computes the same vectors from it (the product
refuses an int8 graph that is not).

The export is checked before it is written: the ONNX graph must give the same vectors as PyTorch on a few sentences
(cosine >= 0.9999 in float, >= 0.99 in int8).

Usage: python3 research/training/encoder/export_onnx.py --model DIR --out models/encoder/model.onnx [--int8 [--float-ffn-output]]
"""
import argparse
import os
import shutil
import sys
import tempfile

import numpy as np
import torch
from transformers import AutoModel, AutoTokenizer

CHECK_SENTENCES = [
    'Can I accept a friend request from a parent on Facebook?',
    'she said her dad locks her in her room when he has been drinking',
    'is it ok to post photos of the sports day on my own instagram',
]


class MeanPooled(torch.nn.Module):
    """The encoder with mean pooling over the mask: what the product calls `encode`."""

    def __init__(self, bert):
        super().__init__()
        self.bert = bert

    def forward(self, input_ids, attention_mask, token_type_ids=None):
        types = {} if token_type_ids is None else {'token_type_ids': token_type_ids}
        hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask, **types).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        return (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)


def ffn_outputs(path: str) -> list:
    """The feed-forward output products (layer.N/output/dense), left in float32 by --float-ffn-output."""
    import onnx
    return [n.name for n in onnx.load(path).graph.node if n.op_type == 'MatMul' and '/output/dense/' in n.name and '/attention/' not in n.name]


def export(model_dir: str, out: str, int8: bool, float_ffn_output: bool = False, floor: float = 0.0) -> None:
    torch.manual_seed(0)
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    module = MeanPooled(AutoModel.from_pretrained(model_dir)).eval()
    batch = tokenizer(CHECK_SENTENCES, padding=True, truncation=True, max_length=128, return_tensors='pt')
    names = [n for n in ('input_ids', 'attention_mask', 'token_type_ids') if n in batch]
    inputs = tuple(batch[n] for n in names)
    with torch.no_grad():
        expected = module(*inputs).numpy()
    with tempfile.TemporaryDirectory() as tmp:
        plain = os.path.join(tmp, 'model.onnx')
        torch.onnx.export(
            module, inputs, plain, input_names=names, output_names=['embedding'],
            dynamic_axes={**{n: {0: 'batch', 1: 'tokens'} for n in names}, 'embedding': {0: 'batch'}},
            opset_version=17, dynamo=False,
        )
        final = plain
        if int8:
            from onnxruntime.quantization import QuantType, quantize_dynamic
            final = os.path.join(tmp, 'model.int8.onnx')
            # all-mpnet-base-v2's feed-forward outputs read activations with a few large values: quantised per tensor they
            # move its vectors to cosine 0.90 of PyTorch's; left in float32, 0.99 (research/DECISIONS.md, issue 70).
            quantize_dynamic(plain, final, weight_type=QuantType.QInt8, per_channel=True,
                             nodes_to_exclude=ffn_outputs(plain) if float_ffn_output else [])
            from same_on_every_cpu import rewrite
            # Checked against PyTorch just below, not against the graph before: on an AVX2-only CPU that graph's signed
            # int8 products can saturate (same_on_every_cpu.rewrite).
            rewrite(final, final, check_before=False)
        check(final, batch, expected, floor or (0.99 if int8 else 0.9999))
        os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
        shutil.copyfile(final, out)
    print(f'wrote {out} ({os.path.getsize(out) / 1e6:.1f} MB)')


def check(path: str, batch, expected: np.ndarray, floor: float) -> None:
    import onnxruntime as ort
    session = ort.InferenceSession(path, providers=['CPUExecutionProvider'])
    names = {i.name for i in session.get_inputs()}
    got = session.run(['embedding'], {k: batch[k].numpy() for k in ('input_ids', 'attention_mask', 'token_type_ids') if k in names})[0]
    cos = (got * expected).sum(1) / (np.linalg.norm(got, axis=1) * np.linalg.norm(expected, axis=1))
    print('export check, cosine to PyTorch per sentence:', ' '.join(f'{c:.5f}' for c in cos))
    if cos.min() < floor:
        sys.exit(f'the exported graph disagrees with PyTorch (cosine {cos.min():.5f} < {floor})')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--model', required=True, help='a Hugging Face BERT model folder (config.json, model.safetensors, tokenizer)')
    parser.add_argument('--out', required=True, help='the .onnx file to write')
    parser.add_argument('--int8', action='store_true', help='quantise the weights to int8')
    parser.add_argument('--float-ffn-output', action='store_true', help='with --int8, leave the feed-forward output products in float32')
    parser.add_argument('--check-floor', type=float, default=0.0,
                        help='the lowest cosine to PyTorch the export may have (default 0.99 in int8, 0.9999 in float; all-mpnet-base-v2 '
                             'with --float-ffn-output reaches 0.985 on the padded check batch: 0.98)')
    args = parser.parse_args()
    torch.set_num_threads(1)
    export(args.model, args.out, args.int8, args.float_ffn_output, args.check_floor)


if __name__ == '__main__':
    main()
