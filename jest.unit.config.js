/**
 * `npm run test:unit`: the domain, answering, ingestion, card, configuration and SQLite tests, and the layout
 * rules. None of them starts a server, a fake connector, Azurite or the Playground; `npm test` runs everything.
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
  // A component suite beside the unit ones (wordAndPdfAnswers: every evaluation question against each sample's Word
  // and PDF) is too slow for this loop; `npm test` runs it.
  testPathIgnorePatterns: [...base.testPathIgnorePatterns, '\\.component\\.test\\.ts$'],
};
