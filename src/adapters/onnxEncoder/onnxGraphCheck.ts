/**
 * Whether ONNX Runtime would compute an ONNX graph the same way on every x86-64 CPU (issue 68). Two things in a graph
 * make it decide differently by instruction set, so a disclosure offered Report a concern on one server is not on
 * another (research/DECISIONS.md, issue 68):
 * - **int8 weights in an integer matrix product.** ONNX Runtime multiplies uint8 activations by int8 weights with an
 *   exact kernel on CPUs with AVX-512 VNNI and with one that saturates at 16 bits on AVX2: the vectors move (cosine down
 *   to 0.93). The same products with uint8 weights (w + 128, zero point 128) are exact on every CPU.
 * - **Softmax**, and the attention operators that hold one: its kernel is chosen by instruction set and rounds
 *   differently, and the next dynamic quantisation turns that into whole quantisation steps.
 * research/training/encoder/same_on_every_cpu.py rewrites a graph to have neither. This reads the graph's protocol buffer
 * directly (node operator types and the initializers' element types), without a protobuf library.
 */

/** ONNX TensorProto element types this check reads. */
const INT8 = 3;

/** Operators whose kernels round differently by instruction set: softmax, alone or inside an attention operator. */
const CPU_DEPENDENT_OPS = new Set(['Softmax', 'LogSoftmax', 'Attention', 'MultiHeadAttention', 'QAttention', 'QOrderedAttention']);

/** Operators that read an int8 constant exactly on every CPU: a lookup and an element-wise scaling. */
const EXACT_ON_INT8 = new Set(['Gather', 'DequantizeLinear']);

/** A graph whose arithmetic depends on the CPU, with the reason. */
export class CpuDependentGraphError extends Error {
  override readonly name = 'CpuDependentGraphError';
}

interface Field { number: number; wireType: number; value: number; start: number; end: number }

/** Reads a protocol buffer varint at `at`; returns its value (exact below 2^53, enough for any length here) and the next offset. */
function varint(buf: Uint8Array, at: number): [number, number] {
  let value = 0, scale = 1, i = at;
  for (;;) {
    if (i >= buf.length) throw new CpuDependentGraphError('The model file ends inside a number: it is not an ONNX graph');
    const byte = buf[i++];
    value += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) return [value, i];
    scale *= 128;
    if (scale > 2 ** 63) throw new CpuDependentGraphError('The model file has a number longer than 64 bits: it is not an ONNX graph');
  }
}

/** The fields of one message between `start` and `end`: numbers for varints, byte ranges for length-delimited fields. */
function* fields(buf: Uint8Array, start: number, end: number): Generator<Field> {
  let at = start;
  while (at < end) {
    const [key, next] = varint(buf, at);
    const number = Math.floor(key / 8), wireType = key % 8;
    at = next;
    if (wireType === 0) {
      const [value, after] = varint(buf, at);
      yield { number, wireType, value, start: at, end: after };
      at = after;
    } else if (wireType === 2) {
      const [length, after] = varint(buf, at);
      if (after + length > end) throw new CpuDependentGraphError('The model file has a field longer than its message: it is not an ONNX graph');
      yield { number, wireType, value: length, start: after, end: after + length };
      at = after + length;
    } else if (wireType === 1) {
      at += 8;
    } else if (wireType === 5) {
      at += 4;
    } else {
      throw new CpuDependentGraphError(`The model file has a field of wire type ${wireType}: it is not an ONNX graph`);
    }
  }
}

const text = (buf: Uint8Array, f: Field): string => Buffer.from(buf.buffer, buf.byteOffset + f.start, f.end - f.start).toString('utf8');

/** What this check needs of a graph: each node's operator and inputs, and each initializer's element type. */
interface GraphSummary { nodes: { opType: string; inputs: string[] }[]; initializerTypes: Map<string, number> }

function summarise(model: Uint8Array): GraphSummary {
  const nodes: GraphSummary['nodes'] = [];
  const initializerTypes = new Map<string, number>();
  let graphs = 0;
  for (const m of fields(model, 0, model.length)) {
    if (m.number !== 7 || m.wireType !== 2) continue; // ModelProto.graph
    graphs++;
    for (const g of fields(model, m.start, m.end)) {
      if (g.wireType !== 2) continue;
      if (g.number === 1) { // GraphProto.node
        let opType = '';
        const inputs: string[] = [];
        for (const n of fields(model, g.start, g.end)) {
          if (n.wireType !== 2) continue;
          if (n.number === 1) inputs.push(text(model, n)); // NodeProto.input
          else if (n.number === 4) opType = text(model, n); // NodeProto.op_type
        }
        nodes.push({ opType, inputs });
      } else if (g.number === 5) { // GraphProto.initializer (TensorProto)
        let name = '', type = 0;
        for (const t of fields(model, g.start, g.end)) {
          if (t.number === 2 && t.wireType === 0) type = t.value; // TensorProto.data_type
          else if (t.number === 8 && t.wireType === 2) name = text(model, t); // TensorProto.name
        }
        initializerTypes.set(name, type);
      }
    }
  }
  if (graphs !== 1 || nodes.length === 0) throw new CpuDependentGraphError('The model file holds no ONNX graph');
  return { nodes, initializerTypes };
}

/**
 * Throws CpuDependentGraphError, naming what is wrong, unless ONNX Runtime computes `model` (the bytes of an .onnx
 * file) the same way on every x86-64 CPU: no softmax or attention operator, and no int8 constant read by anything but
 * Gather and DequantizeLinear (a row looked up and scaled element by element, exact everywhere: the embedding tables are
 * stored so).
 */
export function assertSameOnEveryCpu(model: Uint8Array, file: string): void {
  const { nodes, initializerTypes } = summarise(model);
  const fix = 'rewrite it with research/training/encoder/same_on_every_cpu.py';
  const ops = [...new Set(nodes.map((n) => n.opType).filter((op) => CPU_DEPENDENT_OPS.has(op)))];
  if (ops.length > 0) throw new CpuDependentGraphError(`${file} uses ${ops.join(', ')}, whose result depends on the CPU's instruction set: ${fix}`);
  const signed = nodes.filter((n) => !EXACT_ON_INT8.has(n.opType) && n.inputs.some((i) => initializerTypes.get(i) === INT8));
  if (signed.length > 0) {
    const kinds = [...new Set(signed.map((n) => n.opType))].join(', ');
    throw new CpuDependentGraphError(`${file} multiplies by int8 weights (${signed.length} ${kinds}), which some CPUs sum with saturation: ${fix}`);
  }
}
