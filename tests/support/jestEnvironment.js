/**
 * Jest's Node environment with the typed-array constructors of Node's own realm. Loaded once per worker, outside the
 * test files' contexts.
 *
 * Jest runs each test file in a separate V8 context, so `new Float32Array()` in a test and the one a native addon makes
 * are of different classes, and onnxruntime-node's `instanceof Float32Array` check refuses its own output ("A float32
 * tensor's data must be type of Float32Array", jest issue 7780). Sharing the constructors makes the test realm's typed
 * arrays the addon's.
 *
 * The models (the learnt answering model, the ONNX sentence encoders) are loaded once per test file, not once per
 * worker, on purpose. Handing every file of a worker the first file's model (tried for issue 52: about 1.5 s less a
 * file) kept every later file's whole context alive, from the bot's modules to its database handles: the worker's heap
 * after a garbage collection grew by about 90 MB a file (1.8 GB after 24 security suites, where it stays near 0.8 GB),
 * and each worker ended a full run at 3 to 4 GB. Code that outlives a test file must not be handed its objects.
 */
const { TestEnvironment } = require('jest-environment-node');

const TYPED_ARRAYS = [
  'ArrayBuffer', 'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array',
  'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array',
];

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
  }
}

module.exports = SharedTypedArraysEnvironment;
