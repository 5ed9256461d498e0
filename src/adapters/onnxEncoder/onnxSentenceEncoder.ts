import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import type * as Ort from 'onnxruntime-node';
import { PairEncoder, SentenceEncoder } from '../../shared/sentenceEncoder';
import { assertSameOnEveryCpu } from './onnxGraphCheck';

/**
 * What the model folder's manifest.json says of the model: its file, its vector length and how many tokens it reads.
 * A graph larger than a repository file may be (GitHub refuses files over 100 MB) is kept as `parts`, files joined in
 * order into the graph `file` names; `sha256` is the whole graph's, so a part missing, damaged or out of order is refused.
 */
interface EncoderManifest {
  name: string;
  file: string;
  parts?: string[];
  sha256: string;
  dimensions: number;
  maxTokens: number;
}

/** A model folder that cannot be used: missing files, a checksum that does not match, a graph that does not load. */
export class EncoderLoadError extends Error {
  override readonly name = 'EncoderLoadError';
}

/** The token ids of one text (or pair) as the model reads it, cut to the model's limit, with each token's type (0, or 1 for a pair's second text). */
export interface EncodedText {
  ids: number[];
  typeIds: number[];
}

/**
 * The tokenizer the model was trained with, read from the folder's tokenizer.json (a WordPiece, lower-casing BERT
 * tokenizer, or all-mpnet-base-v2's, whose first and last tokens are <s> and </s>) by Hugging Face's tokenizers library.
 * Special tokens are added here, so a long text is cut at the limit and still ends with its last token, as the Python
 * tokenizer cuts it. The two tokens are the ones tokenizer_config.json names (cls_token, sep_token), else [CLS] and [SEP].
 */
export function createBertTokenizer(dir: string, maxTokens: number): (text: string, second?: string) => EncodedText {
  const read = (file: string): object => JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as object;
  const config = read('tokenizer_config.json') as { cls_token?: unknown; sep_token?: unknown };
  const tokenizer = new Tokenizer(read('tokenizer.json'), config);
  const named = (v: unknown, fallback: string): string => (typeof v === 'string' ? v : fallback);
  const [first, last] = [named(config.cls_token, '[CLS]'), named(config.sep_token, '[SEP]')];
  const cls = tokenizer.token_to_id(first);
  const sep = tokenizer.token_to_id(last);
  if (cls === undefined || sep === undefined) throw new EncoderLoadError(`The tokenizer in ${dir} has no ${first} or ${last} token`);
  const tokens = (text: string): number[] => tokenizer.encode(text, { add_special_tokens: false }).ids;
  return (text, second) => {
    if (second === undefined) {
      const ids = [cls, ...tokens(text).slice(0, maxTokens - 2), sep];
      return { ids, typeIds: ids.map(() => 0) };
    }
    // As the Python tokenizer's 'only_second' truncation: the first text is kept, the second cut to what is left.
    const a = tokens(text).slice(0, maxTokens - 4);
    const b = tokens(second).slice(0, maxTokens - 3 - a.length);
    return { ids: [cls, ...a, sep, ...b, sep], typeIds: [...a.map(() => 0), 0, 0, ...b.map(() => 1), 1] };
  };
}

/** The SHA-256 of a file's bytes, hex. */
const sha256Of = (bytes: Uint8Array): string => crypto.createHash('sha256').update(bytes).digest('hex');

function readManifest(dir: string): EncoderManifest {
  const file = path.join(dir, 'manifest.json');
  if (!fs.existsSync(file)) throw new EncoderLoadError(`No sentence encoder at ${dir} (manifest.json is missing)`);
  const m = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<EncoderManifest>;
  if (typeof m.name !== 'string' || typeof m.file !== 'string' || typeof m.sha256 !== 'string'
    || typeof m.dimensions !== 'number' || typeof m.maxTokens !== 'number') {
    throw new EncoderLoadError(`${file} must name the model's file, sha256, dimensions and maxTokens`);
  }
  // A part is a plain file name in the folder, never a path out of it.
  if (m.parts !== undefined && (!Array.isArray(m.parts) || m.parts.length === 0
    || !m.parts.every((p) => typeof p === 'string' && p !== '' && path.basename(p) === p && p !== '.' && p !== '..'))) {
    throw new EncoderLoadError(`${file}: "parts" must list the graph's files in this folder, in order`);
  }
  return m as EncoderManifest;
}

/** The graph's bytes: its one file, or its parts joined in order. */
function readGraph(dir: string, manifest: EncoderManifest): Buffer {
  const files = (manifest.parts ?? [manifest.file]).map((f) => path.join(dir, f));
  for (const f of files) if (!fs.existsSync(f)) throw new EncoderLoadError(`The sentence encoder's graph ${f} is missing`);
  return files.length === 1 ? fs.readFileSync(files[0]) : Buffer.concat(files.map((f) => fs.readFileSync(f)));
}

/** How an encoder is run: one thread by default, so a turn's encoding never takes both of a small machine's cores. */
export interface OnnxEncoderOptions {
  threads?: number;
}

/**
 * ONNX Runtime, loaded with its usage telemetry off. Its Linux build starts Microsoft's telemetry client in every process
 * that creates a session (a device id and an event store under ~/.cache/Microsoft/DeveloperTools, a log file in /tmp,
 * written again as the process ends), which a school's bot has no use for; ORT_DISABLE_TELEMETRY is read as the library
 * starts, so it is set before the first load, unless whoever runs the bot has set it.
 */
function onnxRuntime(): typeof Ort {
  process.env.ORT_DISABLE_TELEMETRY ??= '1';
  return require('onnxruntime-node') as typeof Ort;
}

/**
 * Loads the sentence encoder in `dir` (manifest.json, the .onnx graph it names, tokenizer.json and
 * tokenizer_config.json) into ONNX Runtime on the CPU. The graph's file must hash to the manifest's SHA-256: a model
 * damaged or swapped in a deployment is refused at start-up, never run. So is a graph that ONNX Runtime would compute
 * differently on another CPU (onnxGraphCheck.ts): the bot a school runs decides as the one that was tested.
 */
export async function loadOnnxSentenceEncoder(dir: string, options: OnnxEncoderOptions = {}): Promise<SentenceEncoder & PairEncoder> {
  const manifest = readManifest(dir);
  const graph = path.join(dir, manifest.file);
  const bytes = readGraph(dir, manifest);
  const sha256 = sha256Of(bytes);
  if (sha256 !== manifest.sha256) throw new EncoderLoadError(`${graph} does not match its checksum in manifest.json (got ${sha256})`);
  try {
    assertSameOnEveryCpu(bytes, graph);
  } catch (err) {
    throw new EncoderLoadError((err as Error).message);
  }
  const tokenize = createBertTokenizer(dir, manifest.maxTokens);
  const threads = options.threads ?? 1;
  const ort = onnxRuntime();
  const session = await ort.InferenceSession.create(bytes, {
    executionProviders: ['cpu'], intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all', executionMode: 'sequential',
  });
  const dims = manifest.dimensions;
  const readsTypes = session.inputNames.includes('token_type_ids');

  const runOne = async (text: string, second?: string): Promise<Float32Array> => {
    const { ids, typeIds } = tokenize(text, second);
    const shape = [1, ids.length];
    const feeds: Record<string, Ort.Tensor> = {
      input_ids: new ort.Tensor('int64', BigInt64Array.from(ids, (id) => BigInt(id)), shape),
      attention_mask: new ort.Tensor('int64', new BigInt64Array(ids.length).fill(1n), shape),
    };
    // A model without token types (all-mpnet-base-v2) has no such input.
    if (readsTypes) feeds.token_type_ids = new ort.Tensor('int64', BigInt64Array.from(typeIds, (t) => BigInt(t)), shape);
    const out = await session.run(feeds);
    return (out.embedding.data as Float32Array).slice(0, dims);
  };

  return {
    dimensions: dims,
    model: { name: manifest.name, sha256 },
    async encode(texts) {
      // One text a run: the int8 graph quantises its activations over the whole input, so padding a text into a batch
      // would move its vector a little. A message reads the same whether it is read alone (a question) or in a list
      // (the owner's), and a short text costs about 1.5 ms.
      const vectors: Float32Array[] = [];
      for (const text of texts) vectors.push(await runOne(text));
      return vectors;
    },
    async encodePairs(pairs) {
      const vectors: Float32Array[] = [];
      for (const [first, second] of pairs) vectors.push(await runOne(first, second));
      return vectors;
    },
  };
}

const opened = new Map<string, Promise<SentenceEncoder & PairEncoder>>();
const threads = new Map<string, import('./encoderThread').EncoderThread>();

/** Where an encoder runs: the shared encoder thread, or one of its own (a larger model whose one read takes long). */
export interface OpenOptions {
  /** A name for a thread of the model's own; models opened with the same name share it. */
  ownThread?: string;
}

/**
 * The encoder in `dir`, run in the process's encoder thread (encoderThread.ts: ONNX Runtime runs a model synchronously,
 * so the bot's own thread never does) and shared: every bot started in one process (tests start many) and the CLI read
 * the same session. A load that failed is not kept, so the next call tries again. Jest loads this module afresh for each
 * test file, so there the thread and its sessions last one file: tests/support/jestEnvironment.js says why that stays so.
 */
export function openOnnxSentenceEncoder(dir: string, options: OpenOptions = {}): Promise<SentenceEncoder & PairEncoder> {
  const name = options.ownThread ?? '';
  const key = `${name}\n${path.resolve(dir)}`;
  let encoder = opened.get(key);
  if (!encoder) {
    // Required here rather than at the top: the thread's module loads this one to run the models.
    let thread = threads.get(name);
    if (!thread) {
      thread = (require('./encoderThread') as typeof import('./encoderThread')).startEncoderThread();
      threads.set(name, thread);
    }
    encoder = thread.open(path.resolve(dir));
    opened.set(key, encoder);
    encoder.catch(() => opened.delete(key));
  }
  return encoder;
}
