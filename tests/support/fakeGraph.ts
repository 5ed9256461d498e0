/**
 * A fake Microsoft Graph over https on 127.0.0.1 and a free port, with a self-signed certificate whose
 * SAN is 127.0.0.1. Pass `fake.ca` to createGraphClient({ trustedCa }) (or NODE_EXTRA_CA_CERTS in a child
 * process). It serves the endpoints staff discovery and proactive install use, pages with absolute
 * `@odata.nextLink`s, keeps delta links (and can refuse the ones already issued, as Graph does when change tracking
 * is reset or a link is past its lifetime), can inject 429 + Retry-After (or any status) on chosen routes,
 * answers 409 when the app is already installed, and refuses calls without a bearer token.
 */
import https from 'node:https';
import { AddressInfo } from 'node:net';
import { loopbackCertificate } from './loopbackCertificate';
import { personalChatId } from './fakeConnector';

/** A directory user as Graph describes one. */
export interface FakeGraphUser {
  id: string;
  displayName: string;
  userPrincipalName: string;
  department?: string;
  companyName?: string;
  userType?: 'Member' | 'Guest';
  accountEnabled?: boolean;
  /** The line manager's id (GET /users/{id}/manager). */
  managerId?: string;
}

/** Options of the fake Graph. */
export interface FakeGraphOptions {
  users?: FakeGraphUser[];
  /** Groups: id -> member ids (user ids or other group ids, for transitive membership). */
  groups?: Record<string, string[]>;
  /** Largest page served, whatever $top asks (default 100). */
  pageSize?: number;
  /** Apps in the tenant catalog. */
  catalog?: { id: string; externalId: string }[];
  /** Users who already have the app (the first install answers 409). */
  preinstalledFor?: Iterable<string>;
  /** Users for whom install fails with this status (e.g. 403: no Teams licence). */
  installFailures?: Record<string, number>;
}

/** One request the fake saw (no bodies, no tokens). */
export interface FakeGraphRequest {
  method: string;
  path: string;
  authorized: boolean;
  status: number;
  at: number;
}

/** A running fake Graph. */
export interface FakeGraph {
  /** Base URL without the version segment, for GRAPH_BASE_URL. */
  readonly baseUrl: string;
  /** PEM of the self-signed certificate, to trust it. */
  readonly ca: string;
  readonly requests: readonly FakeGraphRequest[];
  /** Answers the next `count` requests whose path matches with `status` (default 429) and Retry-After. */
  failNext(path: RegExp, count: number, retryAfterSeconds?: number, status?: number): void;
  /** Adds or changes a user (seen by the next delta read). */
  upsertUser(user: FakeGraphUser): void;
  /**
   * Deletes a user: a delta read reports `@removed` with reason "changed" (in deleted items, restorable for 30 days),
   * or "deleted" when `permanently`.
   */
  removeUser(id: string, permanently?: boolean): void;
  /**
   * Refuses every delta link and delta nextLink issued so far: 410 Gone (change tracking reset), or `400` with the
   * code syncStateNotFound that Graph gives for a users delta link older than 7 days. A new full read works.
   */
  expireDeltaLinks(status?: 410 | 400): void;
  /** Users in the answers of delta requests so far (a full read counts everyone it returned). */
  deltaUsersServed(): number;
  /** Successful installs (201) per user. */
  installCount(userId: string): number;
  /** Users the app is installed for. */
  installedFor(): Set<string>;
  /** The most installedApps requests that arrived within any one-second window. */
  maxInstalledAppsCallsPerSecond(): number;
  close(): Promise<void>;
}

interface UserState extends FakeGraphUser {
  version: number;
  removed?: 'changed' | 'deleted';
}

/** Starts the fake Graph on 127.0.0.1 on a free port. */
export async function startFakeGraph(options: FakeGraphOptions = {}): Promise<FakeGraph> {
  const pems = await loopbackCertificate();
  const pageSize = options.pageSize ?? 100;
  let version = 0;
  const users = new Map<string, UserState>();
  for (const u of options.users ?? []) users.set(u.id, { ...u, version: ++version });
  const groups = options.groups ?? {};
  const catalog = options.catalog ?? [];
  const installs = new Map<string, { installationId: string; appId: string }>();
  const installCounts = new Map<string, number>();
  for (const id of options.preinstalledFor ?? []) {
    installs.set(id, { installationId: `inst-${id}`, appId: catalog[0]?.id ?? 'app' });
  }
  const requests: FakeGraphRequest[] = [];
  // Every link carries the epoch it was issued in; expiring links starts a new epoch.
  let epoch = 0;
  let expiredStatus: 410 | 400 = 410;
  let deltaUsersServed = 0;
  const failures: { path: RegExp; status: number; retryAfter?: number }[] = [];
  let baseUrl = '';

  const reply = (res: import('node:http').ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): number => {
    const text = body === undefined ? '' : JSON.stringify(body);
    // Like Graph, an empty answer (201 from an install) carries no content type.
    const type: Record<string, string> = text ? { 'content-type': 'application/json' } : {};
    res.writeHead(status, { ...type, 'content-length': Buffer.byteLength(text), ...headers });
    res.end(text);
    return status;
  };
  const error = (res: import('node:http').ServerResponse, status: number, code: string, headers: Record<string, string> = {}): number =>
    reply(res, status, { error: { code, message: code } }, headers);

  const select = (u: UserState, fields: string | null): Record<string, unknown> => {
    const full: Record<string, unknown> = {
      id: u.id, displayName: u.displayName, userPrincipalName: u.userPrincipalName, department: u.department ?? null,
      companyName: u.companyName ?? null, officeLocation: null, userType: u.userType ?? 'Member', accountEnabled: u.accountEnabled ?? true,
    };
    if (!fields) return full;
    const keep = new Set(['id', ...fields.split(',')]);
    return Object.fromEntries(Object.entries(full).filter(([k]) => keep.has(k)));
  };

  // Expands a group into its user ids, following nested groups once each.
  const transitiveUsers = (groupId: string, seen = new Set<string>()): string[] => {
    if (seen.has(groupId)) return [];
    seen.add(groupId);
    const out: string[] = [];
    for (const member of groups[groupId] ?? []) {
      if (groups[member]) out.push(...transitiveUsers(member, seen));
      else if (users.has(member) && !users.get(member)!.removed) out.push(member);
    }
    return [...new Set(out)];
  };

  const page = (items: unknown[], skip: number, top: number, nextLink: (skip: number) => string): Record<string, unknown> => {
    const size = Math.min(top, pageSize);
    const body: Record<string, unknown> = { value: items.slice(skip, skip + size) };
    if (skip + size < items.length) body['@odata.nextLink'] = nextLink(skip + size);
    return body;
  };

  const route = (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, raw: string): number => {
    const url = new URL(req.url ?? '/', baseUrl);
    const path = url.pathname.replace(/^\/v1\.0/, '');
    if (!/^Bearer \S+/.test(req.headers.authorization ?? '')) return error(res, 401, 'InvalidAuthenticationToken');
    const failure = failures.findIndex((f) => f.path.test(path));
    if (failure >= 0) {
      const f = failures.splice(failure, 1)[0];
      return error(res, f.status, f.status === 429 ? 'TooManyRequests' : 'Injected', f.retryAfter !== undefined ? { 'retry-after': String(f.retryAfter) } : {});
    }
    const q = url.searchParams;
    const top = Number(q.get('$top') ?? pageSize);
    const skip = Number(q.get('$skiptoken') ?? 0);
    let m: RegExpExecArray | null;

    if (req.method === 'GET' && (m = /^\/groups\/([^/]+)\/transitiveMembers\/microsoft\.graph\.user$/.exec(path))) {
      const groupId = decodeURIComponent(m[1]);
      if (!groups[groupId]) return error(res, 404, 'Request_ResourceNotFound');
      const items = transitiveUsers(groupId).map((id) => select(users.get(id)!, q.get('$select')));
      return reply(res, 200, page(items, skip, top, (next) => {
        const link = new URL(url.toString());
        link.searchParams.set('$skiptoken', String(next));
        return link.toString();
      }));
    }

    if (req.method === 'GET' && (m = /^\/users\/([^/]+)\/manager$/.exec(path))) {
      const user = users.get(decodeURIComponent(m[1]));
      const manager = user?.managerId ? users.get(user.managerId) : undefined;
      if (!user || !manager) return error(res, 404, 'Request_ResourceNotFound');
      return reply(res, 200, select(manager, q.get('$select')));
    }

    if (req.method === 'GET' && path === '/users/delta') {
      // A delta token is the directory version it was issued at; a skip token pages within one read.
      const since = Number(q.get('$deltatoken') ?? q.get('since') ?? 0);
      const asOf = Number(q.get('asOf') ?? version);
      // A link issued before the links were expired (a delta link, or a page of any read in progress) is refused;
      // a fresh /users/delta starts a new read.
      if (q.has('epoch') && Number(q.get('epoch')) < epoch) {
        return expiredStatus === 410 ? error(res, 410, 'resyncRequired') : error(res, 400, 'syncStateNotFound');
      }
      const fields = q.get('$select');
      const items = [...users.values()]
        .filter((u) => u.version > since && u.version <= asOf && !(since === 0 && u.removed))
        .sort((a, b) => a.version - b.version)
        .map((u) => (u.removed ? { id: u.id, '@removed': { reason: u.removed } } : select(u, fields)));
      const body = page(items, skip, top, (next) => {
        const link = new URL(`${baseUrl}/v1.0/users/delta`);
        link.searchParams.set('$skiptoken', String(next));
        link.searchParams.set('since', String(since));
        link.searchParams.set('asOf', String(asOf));
        link.searchParams.set('epoch', String(epoch));
        if (fields) link.searchParams.set('$select', fields);
        link.searchParams.set('$top', String(top));
        return link.toString();
      });
      deltaUsersServed += (body.value as unknown[]).length;
      if (!body['@odata.nextLink']) {
        const delta = new URL(`${baseUrl}/v1.0/users/delta`);
        delta.searchParams.set('$deltatoken', String(asOf));
        delta.searchParams.set('epoch', String(epoch));
        if (fields) delta.searchParams.set('$select', fields);
        body['@odata.deltaLink'] = delta.toString();
      }
      return reply(res, 200, body);
    }

    if (req.method === 'GET' && path === '/appCatalogs/teamsApps') {
      const filter = /externalId eq '([^']*)'/.exec(q.get('$filter') ?? '');
      const items = catalog.filter((a) => !filter || a.externalId === filter[1]).map((a) => ({ id: a.id, externalId: a.externalId }));
      return reply(res, 200, { value: items });
    }

    if ((m = /^\/users\/([^/]+)\/teamwork\/installedApps$/.exec(path))) {
      const userId = decodeURIComponent(m[1]);
      const user = users.get(userId);
      if (!user || user.removed) return error(res, 404, 'NotFound');
      if (req.method === 'POST') {
        const failStatus = options.installFailures?.[userId];
        if (failStatus) return error(res, failStatus, 'Forbidden');
        let bind: string | undefined;
        try {
          bind = (JSON.parse(raw) as Record<string, string>)['teamsApp@odata.bind'];
        } catch {
          return error(res, 400, 'BadRequest');
        }
        const appId = /appCatalogs\/teamsApps\/([^/?]+)$/.exec(bind ?? '')?.[1];
        if (!appId || !catalog.some((a) => a.id === appId)) return error(res, 400, 'BadRequest');
        if (installs.has(userId)) return error(res, 409, 'Conflict');
        installs.set(userId, { installationId: `inst-${userId}`, appId });
        installCounts.set(userId, (installCounts.get(userId) ?? 0) + 1);
        return reply(res, 201);
      }
      if (req.method === 'GET') {
        const filter = /teamsApp\/id eq '([^']*)'/.exec(q.get('$filter') ?? '');
        const install = installs.get(userId);
        const items = install && (!filter || filter[1] === install.appId)
          ? [{ id: install.installationId, teamsApp: { id: install.appId } }]
          : [];
        return reply(res, 200, { value: items });
      }
    }

    if (req.method === 'GET' && (m = /^\/users\/([^/]+)\/teamwork\/installedApps\/([^/]+)\/chat$/.exec(path))) {
      const userId = decodeURIComponent(m[1]);
      const install = installs.get(userId);
      if (!install || install.installationId !== decodeURIComponent(m[2])) return error(res, 404, 'NotFound');
      return reply(res, 200, { id: personalChatId(userId) });
    }

    return error(res, 404, 'UnknownRoute');
  };

  const server = https.createServer({ key: pems.private, cert: pems.cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = Date.now();
      const path = new URL(req.url ?? '/', 'https://fake').pathname;
      const authorized = /^Bearer \S+/.test(req.headers.authorization ?? '');
      const status = route(req, res, Buffer.concat(chunks).toString('utf8'));
      requests.push({ method: req.method ?? 'GET', path, authorized, status, at });
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    baseUrl,
    ca: pems.cert,
    requests,
    failNext(path, count, retryAfterSeconds = 1, status = 429) {
      for (let i = 0; i < count; i++) failures.push({ path, status, retryAfter: retryAfterSeconds });
    },
    upsertUser(user) {
      users.set(user.id, { ...user, version: ++version });
    },
    removeUser(id, permanently = false) {
      const u = users.get(id);
      if (u) users.set(id, { ...u, removed: permanently ? 'deleted' : 'changed', version: ++version });
    },
    expireDeltaLinks(status = 410) {
      epoch += 1;
      expiredStatus = status;
    },
    deltaUsersServed: () => deltaUsersServed,
    installCount: (userId) => installCounts.get(userId) ?? 0,
    installedFor: () => new Set(installs.keys()),
    maxInstalledAppsCallsPerSecond(): number {
      const times = requests.filter((r) => r.path.includes('/teamwork/installedApps')).map((r) => r.at).sort((a, b) => a - b);
      let max = 0;
      let start = 0;
      for (let end = 0; end < times.length; end++) {
        while (times[end] - times[start] >= 1000) start++;
        max = Math.max(max, end - start + 1);
      }
      return max;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
