/**
 * `npm run e2e`, which CI runs after `npm test`: the browser tests (`e2e/*.e2e.test.ts`, in Debian's chromium) and the
 * suites that drive the Microsoft 365 Agents Playground over its HTTP API (`tests/**\/*.playground.test.ts`, beside the
 * code they test). Both start the Playground's own server, the slowest part of a test, so they are kept out of
 * `npm test`. Run in band: a browser walk keeps one bot and one browser for all its steps, and a Playground suite is a
 * bot, the Playground and often a second bot. A browser step waits 30 s at most, so a failing walk ends within 3
 * minutes; a Playground suite keeps the 60 s `npm test` gives its tests (tests/support/playgroundSuite.ts).
 */
const path = require('node:path');

const shared = {
  // Node's environment, with Node's own typed arrays (onnxruntime-node checks its tensors' data with instanceof), and
  // the models loaded once per worker.
  testEnvironment: path.join(__dirname, '..', 'tests', 'support', 'jestEnvironment.js'),
  // Modules compiled once are kept in V8's code cache on disk, as in `npm test` (tests/support/codeCachingRuntime.js).
  runtime: path.join(__dirname, '..', 'tests', 'support', 'codeCachingRuntime.js'),
  // Transpiled by SWC file by file, as `npm test` is (jest.config.js): `npm run e2e` type-checks the browser tests
  // first (`tsc -p e2e/tsconfig.json`), and the Playground suites are type-checked with the rest of tests/ by the
  // build and `npm run typecheck`.
  transform: {
    '^.+\\.ts$': ['@swc/jest', {
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      module: { type: 'commonjs' },
    }],
  },
};

module.exports = {
  testTimeout: 30000,
  maxWorkers: 1,
  verbose: true,
  projects: [
    {
      ...shared,
      displayName: 'browser',
      rootDir: __dirname,
      roots: ['<rootDir>'],
      testMatch: ['<rootDir>/**/*.e2e.test.ts'],
    },
    {
      ...shared,
      displayName: 'playground',
      rootDir: path.join(__dirname, '..'),
      roots: ['<rootDir>/tests'],
      testMatch: ['**/*.playground.test.ts'],
      // As `npm test` ran them: its 60 s a test.
      setupFilesAfterEnv: ['<rootDir>/tests/support/playgroundSuite.ts'],
    },
  ],
};
