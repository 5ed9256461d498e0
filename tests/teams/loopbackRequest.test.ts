import { foreignRequestProblem, isLoopbackHost, isLoopbackOrigin } from '../../src/teams/loopbackRequest';

describe('local mode: requests addressed to this machine', () => {
  it.each(['127.0.0.1:3978', '127.0.0.1', 'localhost:3978', 'LocalHost', '[::1]:3978', '[::1]'])('when Host is %s, then it is this machine', (host) => {
    expect(isLoopbackHost(host, 3978)).toBe(true);
  });

  it.each([
    'evil.example', 'evil.example:3978', '127.0.0.1.evil.example', 'localhost.evil.example:3978', 'localhost:3979', '[::1]:80',
    '127.0.0.2:3978', '0.0.0.0:3978', '::1', 'localhost:', '', undefined,
  ])('when Host is %s, then it is not', (host) => {
    expect(isLoopbackHost(host, 3978)).toBe(false);
  });

  it.each(['http://localhost:56150', 'http://127.0.0.1:3978', 'https://[::1]:8443', 'http://LOCALHOST:56150'])('when Origin is %s, then it is a local page', (origin) => {
    expect(isLoopbackOrigin(origin)).toBe(true);
  });

  it.each(['null', 'http://evil.example', 'http://127.0.0.1.evil.example', 'file://', 'http://evil@localhost:56150', 'http://localhost:56150/path', 'chrome-extension://abc'])(
    'when Origin is %s, then it is not', (origin) => {
      expect(isLoopbackOrigin(origin)).toBe(false);
    },
  );

  it('when the Host is loopback and there is no Origin (the Agents Playground), then nothing is wrong; a foreign Origin is named', () => {
    expect(foreignRequestProblem({ host: '127.0.0.1:3978' }, 3978)).toBeNull();
    expect(foreignRequestProblem({ host: '127.0.0.1:3978', origin: 'http://evil.example' }, 3978)).toMatch(/another site/);
    expect(foreignRequestProblem({ host: 'evil.example' }, 3978)).toMatch(/addressed to this machine/);
  });
});
