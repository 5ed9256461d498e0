import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { assertSameOnEveryCpu, CpuDependentGraphError } from '../../../src/adapters/onnxEncoder/onnxGraphCheck';
import { EncoderLoadError, loadOnnxSentenceEncoder } from '../../../src/adapters/onnxEncoder/onnxSentenceEncoder';
import { ENCODER_DIR } from '../../../src/compose/disclosure';
import { DRAFTS_DIR } from '../../../src/compose/drafts';

/**
 * Issue 68: the bot refuses a graph that ONNX Runtime would compute differently on another CPU, so a school's server
 * decides as the one the team tested. The graphs here are written byte by byte as the ONNX protocol buffer lays them
 * out: a model (field 7, its graph) whose graph has nodes (field 1: inputs 1, outputs 2, operator 4) and constants
 * (field 5: element type 2, name 8).
 */
const INT8 = 3, UINT8 = 2, FLOAT = 1;

const varint = (n: number): number[] => {
  const out: number[] = [];
  do {
    out.push((n & 0x7f) | (n >= 0x80 ? 0x80 : 0));
    n = Math.floor(n / 128);
  } while (n > 0);
  return out;
};
const bytesField = (field: number, body: number[]): number[] => [...varint(field * 8 + 2), ...varint(body.length), ...body];
const textField = (field: number, s: string): number[] => bytesField(field, [...Buffer.from(s, 'utf8')]);
const numberField = (field: number, n: number): number[] => [...varint(field * 8), ...varint(n)];

const node = (op: string, inputs: string[], output: string): number[] =>
  bytesField(1, [...inputs.flatMap((i) => textField(1, i)), ...textField(2, output), ...textField(4, op)]);
const constant = (name: string, type: number): number[] => bytesField(5, [...numberField(1, 4), ...numberField(2, type), ...textField(8, name), ...bytesField(9, [1, 2, 3, 4])]);
const model = (...graph: number[][]): Uint8Array => Uint8Array.from([...numberField(1, 8), ...bytesField(7, graph.flat()), ...bytesField(8, [...textField(1, ''), ...numberField(2, 17)])]);

/** A quantised matrix product as onnxruntime's dynamic quantisation writes it, with weights of the given type. */
const matMulInteger = (weights: number): Uint8Array => model(
  node('DynamicQuantizeLinear', ['x'], 'xq'),
  node('MatMulInteger', ['xq', 'w', 'xzp', 'wzp'], 'y'),
  constant('w', weights), constant('wzp', weights),
);

describe('whether a graph is computed the same way on every CPU (issue 68)', () => {
  it('when the shipped disclosure and draft graphs are checked, then both pass', () => {
    for (const dir of [ENCODER_DIR, DRAFTS_DIR]) {
      const file = path.join(dir, 'model.onnx');
      expect(() => assertSameOnEveryCpu(fs.readFileSync(file), file)).not.toThrow();
    }
  });

  it('when a matrix product multiplies by int8 weights, then it is refused, and with uint8 weights it passes', () => {
    expect(() => assertSameOnEveryCpu(matMulInteger(INT8), 'old.onnx')).toThrow(CpuDependentGraphError);
    expect(() => assertSameOnEveryCpu(matMulInteger(INT8), 'old.onnx')).toThrow(/old\.onnx multiplies by int8 weights \(1 MatMulInteger\).*same_on_every_cpu\.py/);
    expect(() => assertSameOnEveryCpu(matMulInteger(UINT8), 'new.onnx')).not.toThrow();
  });

  it('when int8 constants are only looked up and scaled (the embedding tables), then the graph passes', () => {
    const embeddings = model(node('Gather', ['table', 'ids'], 'rows'), node('DequantizeLinear', ['rows', 'scale', 'zero'], 'vectors'), constant('table', INT8), constant('zero', INT8), constant('scale', FLOAT));
    expect(() => assertSameOnEveryCpu(embeddings, 'embeddings.onnx')).not.toThrow();
  });

  it('when a graph has a softmax or an attention operator, then it is refused, naming the operator', () => {
    for (const op of ['Softmax', 'Attention', 'QAttention']) {
      expect(() => assertSameOnEveryCpu(model(node(op, ['x'], 'y')), 'g.onnx')).toThrow(new RegExp(`g\\.onnx uses ${op}, whose result depends on the CPU`));
    }
  });

  it('when the file is not an ONNX graph (empty, text, cut short), then it is refused as such', () => {
    const whole = matMulInteger(UINT8);
    for (const bytes of [new Uint8Array(0), Uint8Array.from(Buffer.from('{"not": "onnx"}')), whole.slice(0, whole.length - 9)]) {
      expect(() => assertSameOnEveryCpu(bytes, 'x.onnx')).toThrow(CpuDependentGraphError);
    }
  });

  it('when a model folder holds a graph computed differently by CPU, then the encoder refuses to load it and says how to fix it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'encoder-'));
    try {
      const graph = model(node('Softmax', ['x'], 'y'));
      fs.writeFileSync(path.join(dir, 'model.onnx'), graph);
      const sha256 = crypto.createHash('sha256').update(graph).digest('hex');
      fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ name: 'test', file: 'model.onnx', sha256, dimensions: 4, maxTokens: 8 }));
      await expect(loadOnnxSentenceEncoder(dir)).rejects.toThrow(EncoderLoadError);
      await expect(loadOnnxSentenceEncoder(dir)).rejects.toThrow(/uses Softmax.*same_on_every_cpu\.py/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
