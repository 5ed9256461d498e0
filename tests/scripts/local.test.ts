import net from 'node:net';
import { LocalStartRefused, startLocal } from '../../scripts/local';
import { freePort, portIsFree } from '../../scripts/playground';

/** Holds a port on loopback, as an earlier `npm run local` left running would. */
function holdPort(): Promise<{ port: number; release(): Promise<void> }> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve({
      port: (server.address() as net.AddressInfo).port,
      release: () => new Promise((done) => server.close(() => done())),
    }));
  });
}

/** What `npm run local` refused with (its message is what the newcomer reads), or a failure when it started. */
async function refusal(env: Record<string, string>): Promise<LocalStartRefused> {
  try {
    const local = await startLocal(env);
    await local.stop();
  } catch (err) {
    if (err instanceof LocalStartRefused) return err;
    throw err;
  }
  throw new Error('npm run local started on a port another program holds');
}

/** `npm run local` (scripts/local.ts) with a port another program holds. */
describe('npm run local with a port in use', () => {
  it('when the Playground\'s port is taken, then it refuses before starting anything, naming the port and the PLAYGROUND_PORT to set', async () => {
    const held = await holdPort();
    const botPort = await freePort();
    try {
      const refused = await refusal({ PLAYGROUND_PORT: String(held.port), PORT: String(botPort) });
      expect(refused.message).toContain(`Port ${held.port} is already in use, so the Agents Playground cannot listen there.`);
      expect(refused.message).toContain(`PLAYGROUND_PORT=${held.port + 1} npm run local`);
      expect(refused.message).toMatch(/Another "npm run local" may still be running/);
      expect(refused.message).not.toMatch(/\bPORT=/);
      // Nothing started: the bot's port is still free.
      expect(await portIsFree(botPort, '127.0.0.1')).toBe(true);
    } finally {
      await held.release();
    }
  });

  it('when the bot\'s port is taken, then it refuses before starting anything, naming the port and the PORT to set', async () => {
    const held = await holdPort();
    const playgroundPort = await freePort();
    try {
      const refused = await refusal({ PORT: String(held.port), PLAYGROUND_PORT: String(playgroundPort) });
      expect(refused.message).toContain(`Port ${held.port} is already in use, so the bot cannot listen there.`);
      expect(refused.message).toContain(`PORT=${held.port + 1} npm run local`);
      expect(refused.message).not.toContain('PLAYGROUND_PORT');
      expect(await portIsFree(playgroundPort)).toBe(true);
    } finally {
      await held.release();
    }
  });

  it('when PLAYGROUND_PORT is not a port number, then it says so rather than start the Playground somewhere else', async () => {
    const refused = await refusal({ PLAYGROUND_PORT: 'sixty' });
    expect(refused.message).toContain('PLAYGROUND_PORT must be a port number from 1 to 65535 (got "sixty")');
  });
});
