/**
 * Set up before each Playground suite (`*.playground.test.ts`) in `npm run e2e` (e2e/jest.config.js): the 60 s a test
 * they had in `npm test` (jest.config.js), where the browser steps beside them have 30 s.
 */
jest.setTimeout(60_000);
