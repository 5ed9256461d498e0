import net from 'node:net';
import { PlaygroundPortInUseError, startPlayground } from '../../scripts/playground';

/** scripts/playground.ts: the Playground is never given out at an address it does not listen on. */
describe('starting the Agents Playground', () => {
  it('when the port asked for is taken, then it refuses with that port rather than move to a random one', async () => {
    const held = net.createServer();
    await new Promise<void>((resolve) => held.listen(0, '127.0.0.1', () => resolve()));
    const port = (held.address() as net.AddressInfo).port;
    try {
      const started = startPlayground({ botEndpoint: 'http://127.0.0.1:9/api/messages', port });
      await expect(started).rejects.toBeInstanceOf(PlaygroundPortInUseError);
      await expect(started).rejects.toMatchObject({ port, code: 'PLAYGROUND_PORT_IN_USE' });
    } finally {
      await new Promise((resolve) => held.close(resolve));
    }
  });
});
