/**
 * Jest runs the TypeScript sources directly; `npm run build` has already type-checked them. Run it through
 * `npm test`: Node's --experimental-vm-modules lets PDF.js (an ES module, loaded by unpdf) load inside Jest.
 */
module.exports = {
  // Node's environment, with Node's own typed arrays: onnxruntime-node checks its tensors' data with instanceof.
  testEnvironment: '<rootDir>/tests/support/jestEnvironment.js',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  // tsconfig.json sets isolatedModules, so ts-jest transpiles each file on its own (the build type-checks).
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }] },
  testTimeout: 60000,
  maxWorkers: 2,
  verbose: false,
};
