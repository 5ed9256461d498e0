"""Rewrites an int8 ONNX encoder graph so that ONNX Runtime computes the same numbers on every x86-64 CPU.

Why (research/DECISIONS.md, issue 68): onnxruntime's dynamic int8 quantisation multiplies uint8 activations by int8
weights. ONNX Runtime picks that kernel by instruction set: with AVX-512 VNNI the integer sums are exact, but with AVX2
alone (and AVX-512 without VNNI) the pairs are added in 16 bits with saturation, so the same graph gives other vectors
(cosine down to 0.93) and other decisions. Two rewrites make every step the same on every CPU:

1. **Unsigned weights.** Each int8 weight w of a MatMulInteger becomes the uint8 w + 128, and its zero point 0 becomes
   128: the same integer products, (w + 128) - 128 = w, but uint8 x uint8 is multiplied in 16 bits without saturation
   on every instruction set (and with VNNI), so the integer sums are exact everywhere.
2. **Softmax spelt out.** ONNX Runtime's Softmax kernel is chosen by instruction set and rounds differently (one unit
   in the last place on AVX2 against AVX-512); the next dynamic quantisation turns that into a whole quantisation step
   in a few activations, and the vectors drift apart (cosine down to 0.998). exp(x - max) / sum as ReduceMax, Sub, Exp,
   ReduceSum and Div runs kernels compiled once for every CPU.

The vectors then differ from the rewritten graph's input only by the softmax's own rounding (cosine >= 0.997 on every
evaluation text; the check below refuses less), and are bit for bit the same on the CPUs checked
(`research/scripts/modelDecisions.ts`). The rewrite is idempotent: a graph already rewritten is left as it is.
src/adapters/onnxEncoder/onnxGraphCheck.ts refuses a graph that has either of the two things this removes.

Usage: python3 research/training/encoder/same_on_every_cpu.py IN.onnx OUT.onnx   (IN and OUT may be the same file)
"""
import argparse
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper

CHECK_TEXT_IDS = [
    [101, 2064, 1045, 3149, 1037, 2767, 5227, 2013, 1037, 6687, 2006, 9130, 1029, 102],
    [101, 2016, 2056, 2014, 3611, 11223, 2014, 1999, 2014, 2282, 2043, 2002, 2038, 2042, 5948, 102],
]


def unsigned_weights(model: onnx.ModelProto) -> int:
    """Every int8 weight (and zero point) of a MatMulInteger as uint8 + 128; returns how many products were rewritten."""
    inits = {i.name: i for i in model.graph.initializer}
    readers = {}
    for node in model.graph.node:
        for name in node.input:
            readers.setdefault(name, set()).add(node.op_type)
    rewritten = 0
    for node in model.graph.node:
        if node.op_type != 'MatMulInteger':
            continue
        for name in (node.input[1], node.input[3] if len(node.input) > 3 else ''):
            if name not in inits:
                if name == node.input[1]:
                    sys.exit(f'{node.name}: the weight {name} is not a constant of the graph')
                continue
            if readers[name] != {'MatMulInteger'}:
                sys.exit(f'{name} is read by {sorted(readers[name])} as well: shifting it would change them')
            values = numpy_helper.to_array(inits[name])
            if values.dtype == np.uint8:
                continue
            if values.dtype != np.int8:
                sys.exit(f'{name} is {values.dtype}, not int8')
            inits[name].CopyFrom(numpy_helper.from_array((values.astype(np.int16) + 128).astype(np.uint8), name))
            rewritten += name == node.input[1]
        if len(node.input) < 4 or not node.input[3]:
            # No zero point means 0: the shifted weights need 128, a scalar uint8 constant beside them.
            zero = node.input[1] + '_zero_point_128'
            if zero not in inits:
                model.graph.initializer.append(numpy_helper.from_array(np.array(128, dtype=np.uint8), zero))
                inits[zero] = model.graph.initializer[-1]
            inputs = list(node.input) + [''] * (4 - len(node.input))
            inputs[3] = zero
            del node.input[:]
            node.input.extend(inputs)
    return rewritten


def softmax_spelt_out(model: onnx.ModelProto) -> int:
    """Each Softmax as ReduceMax, Sub, Exp, ReduceSum and Div over the same axis; returns how many were rewritten."""
    opset = next((o.version for o in model.opset_import if o.domain in ('', 'ai.onnx')), 0)
    if opset < 13:
        sys.exit(f'opset {opset}: Softmax before opset 13 normalises over flattened axes, which this rewrite does not spell out')
    nodes, count = [], 0
    for node in model.graph.node:
        if node.op_type != 'Softmax':
            nodes.append(node)
            continue
        axis = next((a.i for a in node.attribute if a.name == 'axis'), -1)
        x, y = node.input[0], node.output[0]
        p = f'{node.name or "Softmax"}_spelt_out_{count}'
        count += 1
        model.graph.initializer.append(numpy_helper.from_array(np.array([axis], dtype=np.int64), p + '_axes'))
        # ReduceMax takes its axes as an input from opset 18; before that, as an attribute.
        reduce_max = (helper.make_node('ReduceMax', [x, p + '_axes'], [p + '_max'], keepdims=1) if opset >= 18
                      else helper.make_node('ReduceMax', [x], [p + '_max'], keepdims=1, axes=[axis]))
        nodes += [
            reduce_max,
            helper.make_node('Sub', [x, p + '_max'], [p + '_shifted']),
            helper.make_node('Exp', [p + '_shifted'], [p + '_exp']),
            helper.make_node('ReduceSum', [p + '_exp', p + '_axes'], [p + '_sum'], keepdims=1),
            helper.make_node('Div', [p + '_exp', p + '_sum'], [y]),
        ]
    del model.graph.node[:]
    model.graph.node.extend(nodes)
    return count


def vectors(path_or_bytes, ids_list):
    import onnxruntime as ort
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(path_or_bytes, options, providers=['CPUExecutionProvider'])
    names = {i.name for i in session.get_inputs()}
    out = []
    for ids in ids_list:
        a = np.array([ids], dtype=np.int64)
        feeds = {'input_ids': a, 'attention_mask': np.ones_like(a), 'token_type_ids': np.zeros_like(a)}
        out.append(session.run(None, {k: v for k, v in feeds.items() if k in names})[0][0])
    return out


def rewrite(src: str, dst: str, check_before: bool = True) -> None:
    """Rewrites the graph; with check_before, checks it against the graph before. A caller that checks the result
    against PyTorch instead passes False: on a CPU without AVX-512 (AVX2 only), ONNX Runtime's signed int8 products can
    saturate, so the graph before is itself wrong there (all-mpnet-base-v2: cosine -0.01 to 0.03 to PyTorch before,
    0.985 to 0.994 after; research/DECISIONS.md, 2026-11-29)."""
    model = onnx.load(src)
    before = model.SerializeToString()
    weights = unsigned_weights(model)
    softmaxes = softmax_spelt_out(model)
    onnx.checker.check_model(model)
    after = model.SerializeToString()
    print(f'{src}: {weights} matrix products made unsigned, {softmaxes} softmaxes spelt out')
    if check_before:
        old, new = vectors(before, CHECK_TEXT_IDS), vectors(after, CHECK_TEXT_IDS)
        cos = [float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b))) for a, b in zip(old, new)]
        print('cosine to the graph before: ' + ' '.join(f'{c:.5f}' for c in cos))
        if min(cos) < 0.995:
            sys.exit('the rewritten graph computes something else (cosine < 0.995): not written')
    with open(dst, 'wb') as f:
        f.write(after)
    print(f'wrote {dst}')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('src')
    parser.add_argument('dst')
    args = parser.parse_args()
    rewrite(args.src, args.dst)


if __name__ == '__main__':
    main()
