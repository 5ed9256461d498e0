/**
 * The Bot Framework libraries print every failure they see with console.error (a forged or expired token, a
 * connector that is down), stack traces included. Suites that cause those failures on purpose call this so a passing
 * run prints nothing alarming; anything else written to console.error still shows.
 */
const EXPECTED = [
  /Error finding key for token/,
  /TokenExpiredError|jwt expired/,
  /ECONNREFUSED/,
  /network_error|ClientAuthError/,
  /AuthenticationError|Unauthorized/,
];

export function quietExpectedLibraryErrors(): void {
  let spy: jest.SpyInstance | undefined;
  beforeEach(() => {
    const original = console.error.bind(console);
    spy = jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
      const text = args.map((a) => (a instanceof Error ? `${a.name} ${a.message} ${(a as { code?: string }).code ?? ''}` : typeof a === 'string' ? a : JSON.stringify(a) ?? '')).join(' ');
      if (!EXPECTED.some((p) => p.test(text))) original(...args);
    });
  });
  afterEach(() => spy?.mockRestore());
}
