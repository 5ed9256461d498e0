/**
 * `npm run e2e`: the browser tests. Kept apart from `npm test` (whose roots are tests/) because they need
 * Debian chromium; one file, run in band, so one bot and one browser serve every step. A run takes about
 * 15 s; the timeouts keep a failing run under 3 minutes.
 */
module.exports = {
  rootDir: __dirname,
  // Node's environment, with Node's own typed arrays: onnxruntime-node checks its tensors' data with instanceof.
  testEnvironment: '<rootDir>/../tests/support/jestEnvironment.js',
  roots: ['<rootDir>'],
  testMatch: ['**/*.e2e.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }] },
  testTimeout: 30000,
  maxWorkers: 1,
  verbose: true,
};
