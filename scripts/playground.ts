import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** The people and places the local Teams stand-in knows; ids are stable so rosters and tests can use them. */
export const PLAYGROUND_TENANT = '00000000-0000-0000-0000-0000000000001';
export const PLAYGROUND_BOT_ID = '00000000-0000-0000-0000-00000000000011';
export const PLAYGROUND_TEAM_ID = 'team-id';
export const PLAYGROUND_SAFEGUARDING_CHANNEL_ID = 'channel-safeguarding-id';

/** Playground users: `user-id-0` is the person at the keyboard. */
export const PLAYGROUND_USERS = [
  { id: 'user-id-0', name: 'Alex Wilber', upn: 'alexw@example.com', aadObjectId: '00000000-0000-0000-0000-0000000000020' },
  { id: 'user-id-1', name: 'Megan Bowen', upn: 'meganb@example.com', aadObjectId: '00000000-0000-0000-0000-0000000000021' },
  { id: 'user-id-2', name: 'Adele Vance', upn: 'adelev@example.com', aadObjectId: '00000000-0000-0000-0000-0000000000022' },
  { id: 'user-id-3', name: 'Isaiah Langer', upn: 'isaiahl@example.com', aadObjectId: '00000000-0000-0000-0000-0000000000023' },
  { id: 'user-id-4', name: 'Patti Fernandez', upn: 'pattif@example.com', aadObjectId: '00000000-0000-0000-0000-0000000000024' },
  { id: 'user-id-5', name: 'Lynne Robbins', upn: 'lynner@example.com', aadObjectId: '00000000-0000-0000-0000-0000000000025' },
] as const;

/**
 * Where reports go in local mode, so that every kind lands somewhere the Playground shows (it has a 1:1 chat only for
 * the person at the keyboard, Alex): the safeguarding team's alerts in the Safeguarding channel, online abuse to Alex
 * as senior manager, a colleague's conduct and allegations to the Safeguarding channel (the headteacher, Lynne, has no
 * chat the Playground can show), and a report about the headteacher to Alex as chair of governors.
 *
 * The sample is a clean route, as a school's should be: the Playground has one team, and its channel holds all six of
 * its people, so all six are the safeguarding team (Alex the DSL, Megan the deputy). With only Alex and Megan on
 * SAFEGUARDING_TEAM, the check would find four outsiders in the channel and a newcomer's first `help` would open with
 * a warning about the sample itself; the tests show that broken route with their own settings.
 */
export function playgroundConcernDefaults(): Record<string, string> {
  const [alex, megan, , , , lynne] = PLAYGROUND_USERS;
  return {
    SAFEGUARDING_TEAM: PLAYGROUND_USERS.map((u) => `${u.aadObjectId}=${u.name}`).join(','),
    SAFEGUARDING_DESTINATION: 'team-channel',
    SAFEGUARDING_CHANNEL_ID: PLAYGROUND_SAFEGUARDING_CHANNEL_ID,
    CONCERN_DEPUTY_DSL: megan.aadObjectId,
    CONCERN_SENIOR_MANAGER: alex.aadObjectId,
    CONCERN_HEADTEACHER: lynne.aadObjectId,
    CONCERN_CHAIR_OF_GOVERNORS: alex.aadObjectId,
    CONCERN_ROUTES: 'colleagueConduct=dslChannel,allegation=dslChannel',
  };
}

/** The Playground configuration (schema 0.1.1): a school team with a Safeguarding channel. */
export function playgroundConfigYaml(): string {
  const [current, ...others] = PLAYGROUND_USERS;
  const user = (u: (typeof PLAYGROUND_USERS)[number], indent: string): string => [
    `${indent}id: ${u.id}`, `${indent}name: ${u.name}`, `${indent}userPrincipleName: ${u.upn}`,
    `${indent}aadObjectId: ${u.aadObjectId}`, `${indent}givenName: ${u.name.split(' ')[0]}`,
    `${indent}surname: ${u.name.split(' ').slice(1).join(' ')}`, `${indent}email: ${u.upn}`,
  ].join('\n');
  return [
    'version: "0.1.1"',
    `tenantId: ${PLAYGROUND_TENANT}`,
    'bot:', `  id: ${PLAYGROUND_BOT_ID}`, '  name: School Policy Bot',
    'currentUser:', user(current, '  '),
    'users:', ...others.map((u) => user(u, '    ').replace(/^ {4}/, '  - ')),
    'personalChat:', '  id: personal-chat-id',
    'groupChat:', '  id: group-chat-id', '  name: Staffroom',
    'team:', `  id: ${PLAYGROUND_TEAM_ID}`, '  name: Oakfield Primary Staff', '  aadGroupId: 00000000-0000-0000-0000-000000000031',
    '  channels:', `    - id: ${PLAYGROUND_SAFEGUARDING_CHANNEL_ID}`, '      name: Safeguarding', '',
  ].join('\n');
}

/**
 * The port asked of the Playground is held by another program (most often an earlier `npm run local` still running).
 * Left alone, the Playground would move to a random port and the address given out would be the taken one.
 */
export class PlaygroundPortInUseError extends Error {
  readonly code = 'PLAYGROUND_PORT_IN_USE';

  constructor(readonly port: number) {
    super(`Port ${port} is already in use, so the Agents Playground cannot listen there`);
    this.name = 'PlaygroundPortInUseError';
  }
}

/**
 * The Playground answered on an address of this machine other than loopback: anyone on the network could act as the
 * owner and the DSL in it (local mode has no sign-in). It was stopped, and `npm run local` does not start.
 */
export class PlaygroundNotLoopbackError extends Error {
  readonly code = 'PLAYGROUND_NOT_LOOPBACK';

  constructor(readonly port: number, readonly address: string) {
    super(`The Agents Playground answered on ${address}:${port}, not only on 127.0.0.1, so it was stopped: on a network, anyone could act as the owner and the DSL in it`);
    this.name = 'PlaygroundNotLoopbackError';
  }
}

/** Where the Playground listens: this machine only. */
export const PLAYGROUND_HOST = '127.0.0.1';

/**
 * Loaded into the Playground's process before its own code (node --import): the Playground (0.2.x) listens with
 * `server.listen(port)`, which is every interface, and takes no option or variable that chooses the host. Every listen in
 * that process by port, or with no address, is given 127.0.0.1 instead; one that names a loopback address keeps it.
 */
const LOOPBACK_ONLY = `
import net from 'node:net';
const HOST = '${PLAYGROUND_HOST}';
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  const first = args[0];
  if (first === undefined || typeof first === 'function') args.unshift(0, HOST);
  else if (typeof first === 'number' || (typeof first === 'string' && /^\\d+$/.test(first))) {
    if (typeof args[1] === 'string') { if (!LOOPBACK.has(args[1])) args[1] = HOST; }
    else args.splice(1, args[1] === undefined || args[1] === null ? 1 : 0, HOST);
  } else if (first && typeof first === 'object' && first.path === undefined && first.fd === undefined && first.handle === undefined && first._handle === undefined) {
    if (!LOOPBACK.has(first.host)) args[0] = { ...first, host: HOST };
  }
  return listen.apply(this, args);
};
`;

/** The machine's own addresses other than loopback (and link-local IPv6, which needs a scope to reach). */
export function nonLoopbackAddresses(): string[] {
  return Object.values(os.networkInterfaces()).flat()
    .filter((a): a is os.NetworkInterfaceInfo => a !== undefined && !a.internal && !(a.family === 'IPv6' && /^fe80:/i.test(a.address)))
    .map((a) => a.address);
}

/**
 * Whether a socket of this machine already holds `port` on `address` (or on every address): listening there is refused
 * with EADDRINUSE. Asked of the machine itself, so a firewall that drops the network's packets cannot make a Playground
 * listening on every interface look like one on loopback only.
 */
export function heldOn(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'EADDRINUSE'));
    probe.listen({ host: address, port, exclusive: true }, () => probe.close(() => resolve(false)));
  });
}

/** A running Playground process and where to reach it. */
export interface RunningPlayground {
  port: number;
  url: string;
  /** The one address it answers on (127.0.0.1): checked at start against every other address of this machine. */
  host: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts the Microsoft 365 Agents Playground against a bot endpoint, without opening a browser, on the port asked for
 * (else a free one), listening on 127.0.0.1 only: local mode has no sign-in, so anyone who reached it could act as the
 * owner and the DSL. Once it serves, its port is tried on each of this machine's other addresses; one where it is held
 * stops it with PlaygroundNotLoopbackError. A port another program holds is refused with PlaygroundPortInUseError, before the
 * Playground starts or, if it was taken in between, once the Playground says where it listens: it never moves to a port
 * nobody asked for.
 */
export async function startPlayground(options: { botEndpoint: string; port?: number; workDir?: string }): Promise<RunningPlayground> {
  if (options.port !== undefined && !(await portIsFree(options.port))) throw new PlaygroundPortInUseError(options.port);
  const port = options.port ?? (await freePort());
  const workDir = options.workDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'playground-'));
  const configPath = path.join(workDir, '.m365agentsplayground.yml');
  fs.writeFileSync(configPath, playgroundConfigYaml());
  const cli = require.resolve('@microsoft/m365agentsplayground/cli.js');
  const loopbackOnly = `data:text/javascript;base64,${Buffer.from(LOOPBACK_ONLY).toString('base64')}`;
  const child = spawn(process.execPath, ['--import', loopbackOnly, cli, '-e', options.botEndpoint, '-c', 'msteams', '--dt', '-p', String(port)], {
    cwd: workDir,
    env: { ...process.env, TEAMSAPPTESTER_BROWSER: 'none', M365_AGENTS_PLAYGROUND_CONFIG_PATH: configPath },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d) => { output += String(d); });
  child.stderr?.on('data', (d) => { output += String(d); });
  try {
    // The Playground prints the port it really listens on; a taken port makes it pick a random one (with a warning only).
    const listening = await waitForAnnouncedPort(() => output, 20_000, () => child.exitCode !== null);
    if (listening !== port) throw new PlaygroundPortInUseError(port);
    await waitForPort(port, 20_000, () => child.exitCode !== null);
    // The port opens before the HTTP API serves; wait until it answers.
    await waitForHttp(`http://127.0.0.1:${port}/_internal/v1/config`, 20_000, () => child.exitCode !== null);
    for (const address of nonLoopbackAddresses()) {
      if (await heldOn(address, port)) throw new PlaygroundNotLoopbackError(port, address);
    }
  } catch (err) {
    child.kill('SIGKILL');
    if (err instanceof PlaygroundPortInUseError || err instanceof PlaygroundNotLoopbackError) throw err;
    const log = path.join(workDir, 'devTools', 'm365agentsplayground.log');
    const detail = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').slice(-2000) : output.slice(-2000);
    throw new Error(`Agents Playground did not start: ${(err as Error).message}\n${detail}`);
  }
  return {
    port,
    url: `http://localhost:${port}`,
    host: PLAYGROUND_HOST,
    process: child,
    stop: () => new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 3000).unref();
    }),
  };
}

/** Asks the OS for a free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Whether a TCP port can be listened on. Without `host` it is checked on every interface: stricter than the
 * Playground's own check (on loopback, where it listens), so a port this calls free is one the Playground keeps.
 */
export function portIsFree(port: number, host?: string): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/** The port in the Playground's "Listening on N" line, once it has printed it. */
async function waitForAnnouncedPort(output: () => string, timeoutMs: number, failed: () => boolean): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const announced = /Listening on (\d+)/.exec(output());
    if (announced) return Number(announced[1]);
    if (failed()) throw new Error('the process exited');
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`it did not say which port it listens on within ${timeoutMs} ms`);
}

async function waitForHttp(url: string, timeoutMs: number, failed: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (failed()) throw new Error('the process exited');
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch { /* not serving yet */ }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

async function waitForPort(port: number, timeoutMs: number, failed: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (failed()) throw new Error('the process exited');
    const ok = await new Promise<boolean>((resolve) => {
      const sock = net.connect(port, '127.0.0.1');
      sock.once('connect', () => { sock.destroy(); resolve(true); });
      sock.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`port ${port} did not open within ${timeoutMs} ms`);
}
