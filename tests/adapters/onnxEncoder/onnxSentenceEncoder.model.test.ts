import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createBertTokenizer, EncoderLoadError, loadOnnxSentenceEncoder, openOnnxSentenceEncoder } from '../../../src/adapters/onnxEncoder/onnxSentenceEncoder';
import { ENCODER_DIR } from '../../../src/compose/disclosure';
import { REPO_ROOT } from '../../support/repoRoot';
import { moduleScript } from '../../../src/shared/moduleScript';

/**
 * The ONNX adapter of the sentence encoder against PyTorch: tests/fixtures/encoder-reference.json holds the token ids
 * the Python tokenizer gives a few awkward texts (accents, emoji, text-speak, an empty one, a long one cut at the
 * limit) and the vectors the trained PyTorch model gives them (research/training/encoder/reference_vectors.py, written when
 * the shipped model was trained). The shipped graph is int8, so the vectors agree to rounding, not to the bit.
 */
interface Reference {
  cases: { text: string; ids: number[]; vector: number[] }[];
  pairs: { first: string; second: string; ids: number[]; typeIds: number[]; vector: number[] }[];
}
const reference = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'tests', 'fixtures', 'encoder-reference.json'), 'utf8')) as Reference;
const manifest = JSON.parse(fs.readFileSync(path.join(ENCODER_DIR, 'manifest.json'), 'utf8')) as { maxTokens: number; file: string };

const cosine = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return dot / Math.sqrt(na * nb);
};

describe('the ONNX sentence encoder', () => {
  it('when it tokenizes a text, then it gives the ids the Python tokenizer gave, cut at the model\'s limit with [SEP] kept', () => {
    const tokenize = createBertTokenizer(ENCODER_DIR, manifest.maxTokens);
    for (const c of reference.cases) expect({ text: c.text, ids: tokenize(c.text).ids }).toEqual({ text: c.text, ids: c.ids });
    expect(tokenize('a few words').typeIds).toEqual([0, 0, 0, 0, 0]);
    expect(Math.max(...reference.cases.map((c) => c.ids.length))).toBe(manifest.maxTokens);
  });

  it('when it encodes texts one at a time or together, then each vector agrees with PyTorch\'s to int8 rounding', async () => {
    const encoder = await openOnnxSentenceEncoder(ENCODER_DIR);
    const together = await encoder.encode(reference.cases.map((c) => c.text));
    for (const [i, c] of reference.cases.entries()) {
      const [alone] = await encoder.encode([c.text]);
      expect(alone).toHaveLength(encoder.dimensions);
      // An empty text is two tokens ([CLS] [SEP]): int8 rounding weighs most there (0.979 when the model was shipped).
      expect(cosine(alone, c.vector)).toBeGreaterThan(c.text.trim() === '' ? 0.95 : 0.99);
      // Read alone or in a list, a text gets the same vector (the int8 graph's activation scale is per input).
      expect(together[i]).toEqual(alone);
    }
    expect(await encoder.encode([])).toEqual([]);
  });

  it('when it reads a pair, then it gives the Python tokenizer\'s ids and token types (the second text cut to fit) and PyTorch\'s vector to int8 rounding', async () => {
    const tokenize = createBertTokenizer(ENCODER_DIR, manifest.maxTokens);
    const encoder = await openOnnxSentenceEncoder(ENCODER_DIR);
    expect(reference.pairs.length).toBeGreaterThan(1);
    for (const p of reference.pairs) {
      expect(tokenize(p.first, p.second)).toEqual({ ids: p.ids, typeIds: p.typeIds });
      const [vector] = await encoder.encodePairs([[p.first, p.second]]);
      expect(cosine(vector, p.vector)).toBeGreaterThan(0.99);
    }
    expect(Math.max(...reference.pairs.map((p) => p.ids.length))).toBe(manifest.maxTokens);
  });

  it('when the graph does not match its checksum, then loading refuses it with the reason', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'encoder-'));
    try {
      for (const f of fs.readdirSync(ENCODER_DIR)) fs.copyFileSync(path.join(ENCODER_DIR, f), path.join(dir, f));
      const graph = fs.readFileSync(path.join(dir, manifest.file));
      graph[graph.length - 1] ^= 0xff;
      fs.writeFileSync(path.join(dir, manifest.file), graph);
      await expect(loadOnnxSentenceEncoder(dir)).rejects.toThrow(EncoderLoadError);
      await expect(loadOnnxSentenceEncoder(dir)).rejects.toThrow(/does not match its checksum/);
      fs.rmSync(path.join(dir, 'manifest.json'));
      await expect(loadOnnxSentenceEncoder(dir)).rejects.toThrow(/manifest.json is missing/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('when a model is opened in a thread of its own, then it is another session there, giving the same vectors, and opening it again shares it', async () => {
    const shared = openOnnxSentenceEncoder(ENCODER_DIR);
    const own = openOnnxSentenceEncoder(ENCODER_DIR, { ownThread: 'a larger model' });
    expect(own).not.toBe(shared);
    expect(openOnnxSentenceEncoder(ENCODER_DIR, { ownThread: 'a larger model' })).toBe(own);
    const text = 'A photo of my Year 6 class on the trip, for my Instagram?';
    expect((await (await own).encode([text]))[0]).toEqual((await (await shared).encode([text]))[0]);
  });

  it('when a graph is kept as parts (a repository refuses files over 100 MB), then they load joined in order, and parts missing, swapped or outside the folder are refused', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'encoder-parts-'));
    try {
      for (const f of fs.readdirSync(ENCODER_DIR)) if (f !== manifest.file) fs.copyFileSync(path.join(ENCODER_DIR, f), path.join(dir, f));
      const graph = fs.readFileSync(path.join(ENCODER_DIR, manifest.file));
      const cut = Math.floor(graph.length / 3);
      const parts = ['model.onnx.part1', 'model.onnx.part2', 'model.onnx.part3'];
      [graph.subarray(0, cut), graph.subarray(cut, 2 * cut), graph.subarray(2 * cut)].forEach((b, i) => fs.writeFileSync(path.join(dir, parts[i]), b));
      const writeManifest = (p: unknown) => fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ ...manifest, parts: p }));
      writeManifest(parts);
      const [split] = await (await loadOnnxSentenceEncoder(dir)).encode(['Can I post photos of my class?']);
      const [whole] = await (await openOnnxSentenceEncoder(ENCODER_DIR)).encode(['Can I post photos of my class?']);
      expect(split).toEqual(whole);
      writeManifest([parts[1], parts[0], parts[2]]);
      await expect(loadOnnxSentenceEncoder(dir)).rejects.toThrow(/does not match its checksum/);
      writeManifest(parts.slice(0, 2));
      await expect(loadOnnxSentenceEncoder(dir)).rejects.toThrow(/does not match its checksum/);
      writeManifest([...parts, 'model.onnx.part4']);
      await expect(loadOnnxSentenceEncoder(dir)).rejects.toThrow(/part4 is missing/);
      for (const bad of [[], ['../model.onnx'], [path.join(ENCODER_DIR, manifest.file)], 'model.onnx.part1', [7]]) {
        writeManifest(bad);
        await expect(loadOnnxSentenceEncoder(dir)).rejects.toThrow(/"parts" must list the graph's files in this folder/);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('when a process loads the encoder, then ONNX Runtime starts no usage telemetry: no device id or event store opened, no log file', () => {
    // A fresh process (this worker may have loaded ONNX Runtime already), with no ORT_DISABLE_TELEMETRY of its own.
    const adapter = path.join(REPO_ROOT, 'src', 'adapters', 'onnxEncoder', 'onnxSentenceEncoder.ts');
    const listOpenFiles = "() => require('fs').writeSync(1, JSON.stringify(require('fs').readdirSync('/proc/self/fd').map((fd) => { try { return require('fs').readlinkSync('/proc/self/fd/' + fd); } catch { return ''; } })))";
    const env = { ...process.env };
    delete env.ORT_DISABLE_TELEMETRY;
    const child = spawnSync(process.execPath, ['-e', moduleScript(adapter, 'onnxSentenceEncoder', `.loadOnnxSentenceEncoder(${JSON.stringify(ENCODER_DIR)}).then(${listOpenFiles})`)], { encoding: 'utf8', env });
    expect(child.status).toBe(0);
    // Its own files: a log this worker's ONNX Runtime opened (mat-debug-<worker's pid>.log) is inherited by any child.
    const open = (JSON.parse(child.stdout) as string[]).filter((f) => /DeveloperTools|onnxruntime\.db/.test(f) || f.includes(`mat-debug-${child.pid}.`));
    expect(open).toEqual([]);
  });

  it('when the shipped model folder is checked, then every file matches SHA256SUMS (what CI checks)', () => {
    const sums = fs.readFileSync(path.join(ENCODER_DIR, 'SHA256SUMS'), 'utf8').trim().split('\n').map((l) => l.split(/\s+/));
    expect(sums.map(([, f]) => f)).toEqual(expect.arrayContaining(['heads.json', 'manifest.json', manifest.file, 'tokenizer.json', 'tokenizer_config.json']));
    for (const [sum, file] of sums) expect({ file, sum: crypto.createHash('sha256').update(fs.readFileSync(path.join(ENCODER_DIR, file))).digest('hex') }).toEqual({ file, sum });
  });
});
