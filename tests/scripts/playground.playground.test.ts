import { freePort, startPlayground } from '../../scripts/playground';

/** scripts/playground.ts against the real Agents Playground: the address given out is the one it listens on. */
describe('the Agents Playground started by npm run local', () => {
  it('when it starts on the port asked for, then the address it gives is that port, where its page and API answer', async () => {
    const port = await freePort();
    const playground = await startPlayground({ botEndpoint: 'http://127.0.0.1:9/api/messages', port });
    try {
      expect(playground.url).toBe(`http://localhost:${port}`);
      expect((await fetch(`${playground.url}/_internal/v1/config`)).ok).toBe(true);
    } finally {
      await playground.stop();
    }
  });
});
