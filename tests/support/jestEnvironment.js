/**
 * Jest's Node environment with the typed-array constructors of Node's own realm, and the process's caches shared by
 * every test file a worker runs. Loaded once per worker, outside the test files' contexts.
 *
 * Jest runs each test file in a separate V8 context, so `new Float32Array()` in a test and the one a native addon makes
 * are of different classes, and onnxruntime-node's `instanceof Float32Array` check refuses its own output ("A float32
 * tensor's data must be type of Float32Array", jest issue 7780). Sharing the constructors makes the test realm's typed
 * arrays the addon's.
 *
 * The models (the learnt answering model, the ONNX sentence encoders) are read-only and are loaded once per process
 * into src/shared/processCache.ts's caches, which hang on globalThis. Each test file has a globalThis of its own, so
 * without this every file loaded them again (about 1.5 s a file); this environment is loaded once per worker, and
 * hands every file the worker's one set of caches.
 */
const { TestEnvironment } = require('jest-environment-node');

const TYPED_ARRAYS = [
  'ArrayBuffer', 'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array',
  'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array',
];

/** src/shared/processCache.ts's PROCESS_CACHES. */
const PROCESS_CACHES = Symbol.for('school-policy-bot.processCaches');
const workerCaches = {};

// ONNX Runtime's usage telemetry off, as src/adapters/onnxEncoder sets it in the bot: a test file's process.env is a
// copy (jest-environment-node), so the adapter's own setting never reaches the library inside Jest.
process.env.ORT_DISABLE_TELEMETRY ??= '1';

// A worker told to stop leaves its event loop at once, then Node frees its heap (the bot's modules and the models,
// several hundred MB) page by page: on two busy cores that took 0.4 to 0.7 s, past the 0.5 s Jest waits, and every
// run printed "A worker process has failed to exit gracefully" with no handle left open. Once the loop is empty there
// is nothing left to do, so the process ends there with its exit code; a handle a test leaves open still keeps the
// loop alive, and Jest still warns.
process.once('beforeExit', (code) => process.exit(code));

class SharedTypedArraysEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of TYPED_ARRAYS) this.global[name] = globalThis[name];
    this.global[PROCESS_CACHES] = workerCaches;
  }
}

module.exports = SharedTypedArraysEnvironment;
