/**
 * A round-robin proxy on loopback, standing in for App Service's front end as a browser meets it: each request goes to the
 * next instance in turn, whatever came before (ARR affinity does nothing for a browser that has never visited the app).
 * The bot's PUBLIC_URL points at it, so the links instances hand out are fetched through it as staff would fetch them.
 */
import http from 'node:http';
import https from 'node:https';
import { AddressInfo } from 'node:net';
import { loopbackCertificate } from './loopbackCertificate';

/** A running proxy: its address, the instances it spreads requests over, and who answered what. */
export interface RoundRobinProxy {
  readonly url: string;
  /** The instances' base addresses (http://127.0.0.1:PORT), taken in turn. */
  targets: string[];
  /** Each request that went through: the instance that answered it and its status. */
  readonly served: { target: string; path: string; status: number }[];
  /** Fetches a link through the proxy as a browser would (trusting its certificate when it speaks https). */
  get(url: string): Promise<{ status: number; body: Buffer }>;
  close(): Promise<void>;
}

/**
 * Starts the proxy on a free loopback port; with `https`, behind a self-signed certificate for 127.0.0.1, since production
 * takes only an https PUBLIC_URL (the instances behind it speak plain http, as App Service's front end does to them).
 */
export async function startRoundRobinProxy(options: { https?: boolean } = {}): Promise<RoundRobinProxy> {
  let next = 0;
  const proxy: { targets: string[]; served: RoundRobinProxy['served'] } = { targets: [], served: [] };
  const certificate = options.https ? await loopbackCertificate() : undefined;
  const handle: http.RequestListener = (req, res) => {
    if (proxy.targets.length === 0) {
      res.writeHead(503).end('no instance');
      return;
    }
    const target = proxy.targets[next++ % proxy.targets.length];
    const upstream = http.request(`${target}${req.url ?? '/'}`, { method: req.method, headers: { ...req.headers, host: new URL(target).host } }, (answer) => {
      proxy.served.push({ target, path: req.url ?? '/', status: answer.statusCode ?? 0 });
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => {
      proxy.served.push({ target, path: req.url ?? '/', status: 502 });
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  };
  const server = certificate ? https.createServer({ key: certificate.private, cert: certificate.cert }, handle) : http.createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${certificate ? 'https' : 'http'}://127.0.0.1:${port}`,
    get: (url) => new Promise((resolve, reject) => {
      const client = url.startsWith('https:') ? https : http;
      client.get(url, { ...(certificate ? { ca: certificate.cert } : {}), agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      }).on('error', reject);
    }),
    get targets() { return proxy.targets; },
    set targets(list: string[]) { proxy.targets = list; },
    served: proxy.served,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
