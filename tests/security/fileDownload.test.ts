import dns from 'node:dns';
import net from 'node:net';
import { AddressInfo } from 'node:net';
import { createFileDownloader, FileDownloadError, isPublicAddress } from '../../src/teams/fileDownload';

/**
 * The file an owner sends comes with a download URL taken from the message: an attacker who can post activities
 * names any URL. In production only Teams' file hosts are fetched, and the address a connection goes to is checked
 * when it is made, so neither a crafted literal nor a name that resolves inside reaches this machine or its network.
 */
describe('fetching a file an owner sent, as an attacker points it inside', () => {
  let server: net.Server;
  let port: number;
  let connections = 0;

  beforeAll(async () => {
    // Dual-stack on every local address, so IPv4-mapped and unspecified addresses would land here too.
    server = net.createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen({ port: 0, host: '::', ipv6Only: false }, resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => { connections = 0; });

  const production = (lookup?: typeof dns.lookup) => createFileDownloader({ allowLoopbackHttp: false, maxBytes: 1024 * 1024, timeoutMs: 2000, lookup });

  async function refusal(download: ReturnType<typeof production>, downloadUrl: string): Promise<string> {
    try {
      await download({ name: 'policy.docx', downloadUrl });
      return 'fetched';
    } catch (err) {
      return err instanceof FileDownloadError ? err.code : `other: ${(err as Error).message}`;
    }
  }

  it.each([
    ['an IPv4-mapped loopback address', (p: number) => `https://[::ffff:127.0.0.1]:${p}/policy.docx`],
    ['an IPv4-mapped link-local (metadata) address', (p: number) => `https://[::ffff:a9fe:a9fe]:${p}/latest/meta-data`],
    ['the unspecified IPv6 address', (p: number) => `https://[::]:${p}/policy.docx`],
    ['an IPv6 link-local address', (p: number) => `https://[fe80::1]:${p}/policy.docx`],
    ['localhost with a trailing dot', (p: number) => `https://localhost.:${p}/policy.docx`],
    ['a loopback IPv4 literal', (p: number) => `https://127.0.0.1:${p}/policy.docx`],
    ['an internal DNS name', (p: number) => `https://fileserver:${p}/policy.docx`],
    ['a name under a look-alike domain', (p: number) => `https://contoso-my.sharepoint.com.evil.example:${p}/policy.docx`],
  ])('when the URL names %s, then it is refused and no connection is made', async (_what, url) => {
    expect(await refusal(production(), url(port))).toBe('FILE_URL_REFUSED');
    expect(connections).toBe(0);
  });

  it('when a Teams file host is named with a port, a user name or over http, then it is refused', async () => {
    const download = production();
    expect(await refusal(download, 'https://contoso-my.sharepoint.com:8443/personal/x/policy.docx')).toBe('FILE_URL_REFUSED');
    expect(await refusal(download, 'https://admin:pw@contoso-my.sharepoint.com/personal/x/policy.docx')).toBe('FILE_URL_REFUSED');
    expect(await refusal(download, 'http://contoso-my.sharepoint.com/personal/x/policy.docx')).toBe('FILE_URL_REFUSED');
    expect(await refusal(download, 'https://sharepoint.com/policy.docx')).toBe('FILE_URL_REFUSED');
  });

  it.each(['127.0.0.1', '10.1.2.3', '169.254.169.254', '::ffff:127.0.0.1', 'fd12::5', '::1'])(
    'when a Teams file host resolves to %s (a poisoned or rebound name), then the connection is refused when it is made',
    async (inside) => {
      const asked: string[] = [];
      const lookup = ((hostname: string, _options: unknown, callback: (err: null, addresses: dns.LookupAddress[]) => void) => {
        asked.push(hostname);
        callback(null, [{ address: inside, family: net.isIPv6(inside) ? 6 : 4 }]);
      }) as unknown as typeof dns.lookup;
      expect(await refusal(production(lookup), 'https://contoso-my.sharepoint.com/personal/x/policy.docx')).toBe('FILE_URL_REFUSED');
      expect(asked).toEqual(['contoso-my.sharepoint.com']);
    },
  );

  it('when an address is on the public internet, then it may be connected to; inside ranges may not', () => {
    expect(['20.190.160.1', '13.107.136.9', '2603:1030::5'].map(isPublicAddress)).toEqual([true, true, true]);
    expect(['127.0.0.1', '10.0.0.1', '172.16.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::', '::1',
      'fe80::1', 'fd00::1', '::ffff:10.0.0.1', '::ffff:8.8.8.8', 'not an address'].filter(isPublicAddress)).toEqual([]);
  });

  it('when local mode is given an address off this machine, then it is refused; a loopback one is fetched', async () => {
    const local = createFileDownloader({ allowLoopbackHttp: true, maxBytes: 1024, timeoutMs: 2000 });
    expect(await refusal(local, 'http://10.0.0.1/policy.docx')).toBe('FILE_URL_REFUSED');
    expect(await refusal(local, `http://127.0.0.1:${port}/policy.docx`)).toBe('FILE_UNAVAILABLE');
    expect(connections).toBe(1);
  });
});
