import os from 'node:os';
import net from 'node:net';
import { freePort, startPlayground } from '../../scripts/playground';

/** Whether listening on address:port is refused because another socket holds it there (or on every address). */
const taken = (address: string, port: number): Promise<string> => new Promise((resolve) => {
  const probe = net.createServer();
  probe.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
  probe.listen({ host: address, port, exclusive: true }, () => probe.close(() => resolve('free')));
});

/** This machine's addresses other than loopback (link-local IPv6 left out: it needs a scope to reach). */
const otherAddresses = (): string[] => Object.values(os.networkInterfaces()).flat()
  .filter((a): a is os.NetworkInterfaceInfo => a !== undefined && !a.internal && !(a.family === 'IPv6' && /^fe80:/i.test(a.address)))
  .map((a) => a.address);

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

  /**
   * Issue 69: local mode has no sign-in, so whoever reaches the Playground can act as the owner and the DSL. It listened
   * on every interface: from another machine, /_internal/v1/config answered 200.
   */
  it('when it is running, then its API answers on 127.0.0.1 and it holds its port on none of this machine\'s other addresses', async () => {
    const port = await freePort();
    const playground = await startPlayground({ botEndpoint: 'http://127.0.0.1:9/api/messages', port });
    try {
      expect((await fetch(`http://127.0.0.1:${port}/_internal/v1/config`)).status).toBe(200);
      const others = otherAddresses();
      // A machine with no address but loopback has nowhere else to check: the loopback half above is the whole test there.
      for (const address of others) {
        // Asked of this machine's sockets, not over the network, where a firewall may drop what the Playground would answer.
        expect({ address, port: await taken(address, port) }).toEqual({ address, port: 'free' });
      }
      expect(playground.host).toBe('127.0.0.1');
    } finally {
      await playground.stop();
    }
  });
});
