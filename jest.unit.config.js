/**
 * `npm run test:unit`: the domain, answering, ingestion, card, configuration and SQLite tests, and the layout
 * rules, for a developer to run on every change. None of them starts a server, a fake connector, Azurite or the
 * Playground, and none loads the shipped transformer models or holds a model's figures; `npm test` runs everything.
 */
const base = require('./jest.config.js');

module.exports = {
  ...base,
  testMatch: [
    '<rootDir>/tests/architecture.test.ts',
    '<rootDir>/tests/features/*/domain/**/*.test.ts',
    '<rootDir>/tests/features/policy/answer/**/*.test.ts',
    '<rootDir>/tests/features/policy/disclosure/**/*.test.ts',
    '<rootDir>/tests/features/policy/teaching/**/*.test.ts',
    '<rootDir>/tests/adapters/onnxEncoder/**/*.test.ts',
    '<rootDir>/tests/features/policy/ingest/**/*.test.ts',
    '<rootDir>/tests/features/*/teams/cards/**/*.test.ts',
    '<rootDir>/tests/features/acknowledgement/sending/rateLimiter.test.ts',
    '<rootDir>/tests/features/acknowledgement/sending/retryPolicy.test.ts',
    '<rootDir>/tests/config/**/*.test.ts',
    '<rootDir>/tests/shared/**/*.test.ts',
    '<rootDir>/tests/adapters/sqlite/**/*.test.ts',
    '<rootDir>/tests/adapters/fieldEncryption.test.ts',
  ],
  // Component suites beside the unit ones (wordAndPdfAnswers: every evaluation question against each sample's Word and
  // PDF; hostileDocuments: damaged files read in child processes) and the models' suites (`*.model.test.ts`: the
  // shipped models' figures, vectors and decisions, on this CPU and an emulated one) are too slow for this loop;
  // `npm test` runs them.
  testPathIgnorePatterns: [...base.testPathIgnorePatterns, '\\.component\\.test\\.ts$', '\\.model\\.test\\.ts$'],
};
