/** Jest runs the TypeScript sources directly; `npm run build` has already type-checked them. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { isolatedModules: true }] },
  testTimeout: 60000,
  maxWorkers: 2,
  verbose: false,
};
