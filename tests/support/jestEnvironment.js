/**
 * Jest's Node environment with the typed-array constructors of Node's own realm. Jest runs each test file in a separate
 * V8 context, so `new Float32Array()` in a test and the one a native addon makes are of different classes, and
 * onnxruntime-node's `instanceof Float32Array` check refuses its own output ("A float32 tensor's data must be type of
 * Float32Array", jest issue 7780). Sharing the constructors makes the test realm's typed arrays the addon's; nothing
 * else of the environment changes.
 */
const { TestEnvironment } = require('jest-environment-node');

const TYPED_ARRAYS = [
  'ArrayBuffer', 'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array',
  'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array',
];

class SharedTypedArraysEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of TYPED_ARRAYS) this.global[name] = globalThis[name];
  }
}

module.exports = SharedTypedArraysEnvironment;
