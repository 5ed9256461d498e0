/**
 * A fake Bot Connector (the Teams side of proactive messages) on 127.0.0.1 and a free port. It accepts
 * the two shapes botbuilder and our sender use: `POST /v3/conversations` (create a 1:1 conversation) and
 * `POST /v3/conversations/{id}/activities[/{replyToId}]`. It enforces a per-tenant request rate with
 * 429 + Retry-After (a token bucket, or a strict sliding window), answers 403 for users who blocked the bot, and
 * records every delivered activity so tests can count duplicates. It also answers the reads the safeguarding route
 * check makes (`GET /v3/conversations/{id}/pagedmembers`, `GET /v3/teams/{id}/conversations`), and refuses a
 * conversation the way Teams does when the bot may not post there (see TEAMS_REFUSALS).
 */
import http from 'node:http';
import { AddressInfo } from 'node:net';

/** The 1:1 chat id Graph gives for a user's chat with the bot; the fake connector maps it back to the user. */
export function personalChatId(userId: string): string {
  return `19:${userId}_fakebot@unq.gbl.spaces`;
}

/** The user behind a conversation id created by the fake Graph (`19:{user}_...`) or by `POST /v3/conversations` (`a:{user}`). */
export function userOfConversation(conversationId: string): string | undefined {
  return /^19:([^_]+)_/.exec(conversationId)?.[1] ?? /^a:(.+)$/.exec(conversationId)?.[1];
}

/**
 * What Teams answers when it will not let the bot post in (or read) a conversation: the status and error body of the
 * Bot Framework's conversation APIs (Microsoft Teams docs, "Status codes from bot conversational APIs"; the same body
 * shape the Agents Playground answers). None of these is worth retrying.
 */
export const TEAMS_REFUSALS = {
  /** The bot is not a member: it was removed from the team or chat, or never added (or the channel is private and Teams keeps bots out). */
  notInRoster: { status: 403, code: 'BotNotInConversationRoster', message: 'The bot is not part of the conversation roster.' },
  /** No such conversation: a wrong id, or a deleted channel or chat. */
  notFound: { status: 404, code: 'ConversationNotFound', message: 'Conversation not found.' },
  /** The person blocked the bot in their 1:1 chat. */
  blockedByUser: { status: 403, code: 'ConversationBlockedByUser', message: 'User blocked the conversation with the bot.' },
  /** The tenant admin turned the app off for the person. */
  disabledByAdmin: { status: 403, code: 'BotDisabledByAdmin', message: 'The tenant admin disabled this bot' },
} as const;

/** A person in a conversation's member list, as `GET .../pagedmembers` gives them (TeamsChannelAccount). */
export interface FakeMember {
  id: string;
  aadObjectId?: string;
  name?: string;
  userRole?: 'user' | 'guest';
  tenantId?: string;
}

/** A channel as `GET /v3/teams/{teamId}/conversations` lists it (ChannelInfo: type is standard, private or shared). */
export interface FakeChannel {
  id: string;
  name?: string;
  type?: 'standard' | 'private' | 'shared';
}

/** Options of the fake connector. */
export interface FakeConnectorOptions {
  /** Requests per second accepted per tenant (default 50, Teams' limit); 0 disables the limit. */
  ratePerSecond?: number;
  /**
   * How the limit is enforced: a token bucket refilled at `ratePerSecond` holding `burst` tokens (default,
   * burst = a tenth of the rate: about 100 ms of network jitter), or a strict sliding one-second window
   * that refuses the (rate+1)th request within any second.
   */
  enforcement?: 'tokenBucket' | 'slidingWindow';
  /** Bucket capacity for 'tokenBucket' (default ceil(rate / 10)). */
  burst?: number;
  /** Retry-After sent with a 429, in seconds (default 1). */
  retryAfterSeconds?: number;
  /**
   * Retry-After sent with the failures of `failing`, in seconds (default: none). The connector client retries a 503 on
   * its own, after 1, 2 and 4 s without one; with one, after that long.
   */
  failingRetryAfterSeconds?: number;
  /** Delay before answering each request, in ms (default 0). */
  latencyMs?: number;
  /** Users who blocked the bot: every send to them gets 403. */
  blockedUserIds?: Iterable<string>;
}

/** One activity the fake accepted. */
export interface DeliveredActivity {
  conversationId: string;
  /** The user the conversation belongs to, when the id says so. */
  userId?: string;
  activityId: string;
  replyToId?: string;
  tenantId: string;
  activity: Record<string, unknown>;
  /** Arrival time (ms since epoch). */
  at: number;
}

/** Counts of what the fake saw. */
export interface FakeConnectorStats {
  /** Every request that reached the fake. */
  requests: number;
  accepted: number;
  throttled: number;
  blocked: number;
  injectedFailures: number;
  /** The most requests (accepted or not) that arrived within any one-second window. */
  maxArrivalsPerSecond: number;
}

/** One request the fake received, whatever it answered. */
export interface ConnectorCall {
  method: string;
  path: string;
  /** The conversation posted to, or the one created by `POST /v3/conversations` (`a:{member}`). */
  conversationId: string;
  body: Record<string, unknown>;
  /** The status the fake answered. */
  status: number;
  /** Arrival time (ms since epoch). */
  at: number;
}

/** An activity the bot replaced (`PUT .../activities/{id}`), such as a card updated for everyone. */
export interface UpdatedActivity {
  conversationId: string;
  activityId: string;
  activity: Record<string, unknown>;
  at: number;
}

/** A running fake connector. */
export interface FakeConnector {
  /** The serviceUrl to send to (no trailing slash). */
  readonly serviceUrl: string;
  /** The same with a trailing slash, as Teams sends it in activities. */
  readonly url: string;
  /** Every request, in arrival order, with the status it got. */
  readonly calls: readonly ConnectorCall[];
  /** Every activity update accepted. */
  readonly updates: readonly UpdatedActivity[];
  /** Conversation id prefixes that fail, with the status they fail with (503 is retried by the connector client, 404 is not). */
  readonly failing: Map<string, number>;
  /** Every activity accepted, in arrival order. */
  readonly deliveries: readonly DeliveredActivity[];
  /** Activities accepted for one user (through any conversation). */
  deliveriesTo(userId: string): DeliveredActivity[];
  /** Activities beyond the first, summed over conversations: what a user would see as spam. */
  duplicates(): number;
  /** Distinct users who received at least one activity. */
  recipients(): Set<string>;
  stats(): FakeConnectorStats;
  /** Makes a user's chat answer 403 from now on. */
  blockUser(userId: string): void;
  /** Answers the next `count` activity posts with `status` (e.g. 500, 502, 412) before behaving normally. */
  failNext(count: number, status: number, retryAfterSeconds?: number): void;
  /** Sets the tenant rate limit (0 = unlimited). */
  setRatePerSecond(rate: number): void;
  /**
   * Conversation id prefixes Teams refuses, with how (TEAMS_REFUSALS): posts, card updates, 1:1 creation for the
   * member and member-list reads all get the refusal's status and body.
   */
  readonly refusing: Map<string, (typeof TEAMS_REFUSALS)[keyof typeof TEAMS_REFUSALS]>;
  /** Sets who is in a conversation (a channel's team, a group chat), as its paged member list gives them. */
  setMembers(conversationId: string, members: readonly FakeMember[]): void;
  /** Sets a team's channels, as its channel list gives them. */
  setTeamChannels(teamId: string, channels: readonly FakeChannel[]): void;
  close(): Promise<void>;
}

/** Starts a fake connector on 127.0.0.1 on a free port. */
export async function startFakeConnector(options: FakeConnectorOptions = {}): Promise<FakeConnector> {
  let rate = options.ratePerSecond ?? 50;
  const retryAfter = options.retryAfterSeconds ?? 1;
  const failingHeaders: Record<string, string> = options.failingRetryAfterSeconds === undefined ? {} : { 'retry-after': String(options.failingRetryAfterSeconds) };
  const latency = options.latencyMs ?? 0;
  const blocked = new Set(options.blockedUserIds ?? []);
  const deliveries: DeliveredActivity[] = [];
  const arrivals: number[] = [];
  const acceptedByTenant = new Map<string, number[]>();
  const stats = { requests: 0, accepted: 0, throttled: 0, blocked: 0, injectedFailures: 0 };
  const failures: { status: number; retryAfter?: number }[] = [];
  const calls: ConnectorCall[] = [];
  const updates: UpdatedActivity[] = [];
  const failing = new Map<string, number>();
  const refusing: FakeConnector['refusing'] = new Map();
  const members = new Map<string, FakeMember[]>();
  const teamChannels = new Map<string, FakeChannel[]>();
  let nextId = 1;

  const send = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
    res.end(text);
  };

  const enforcement = options.enforcement ?? 'tokenBucket';
  const buckets = new Map<string, { tokens: number; at: number }>();
  const admit = (tenantId: string, now: number): boolean => {
    if (rate <= 0) return true;
    if (enforcement === 'tokenBucket') {
      const burst = options.burst ?? Math.max(1, Math.ceil(rate / 10));
      const bucket = buckets.get(tenantId) ?? { tokens: burst, at: now };
      bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) * rate) / 1000);
      bucket.at = now;
      buckets.set(tenantId, bucket);
      if (bucket.tokens < 1) return false;
      bucket.tokens -= 1;
      return true;
    }
    // Sliding window per tenant: a request is refused when `rate` were accepted in the last second.
    const times = acceptedByTenant.get(tenantId) ?? [];
    while (times.length > 0 && times[0] <= now - 1000) times.shift();
    if (times.length >= rate) {
      acceptedByTenant.set(tenantId, times);
      return false;
    }
    times.push(now);
    acceptedByTenant.set(tenantId, times);
    return true;
  };

  const handle = (req: http.IncomingMessage, res: http.ServerResponse, raw: string, now: number): void => {
    stats.requests += 1;
    arrivals.push(now);
    const url = new URL(req.url ?? '/', 'http://fake');
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    let body: Record<string, unknown> = {};
    let bodyIsJson = true;
    try {
      body = raw ? JSON.parse(raw) : {};
    } catch {
      bodyIsJson = false;
    }
    const call: ConnectorCall = { method: req.method ?? '', path: decodeURIComponent(url.pathname), conversationId: parts[2] ?? '', body, status: 0, at: now };
    calls.push(call);
    const reply = (status: number, replyBody: unknown, headers: Record<string, string> = {}): void => {
      call.status = status;
      send(res, status, replyBody, headers);
    };
    const failingStatus = (conversationId: string): number | undefined => [...failing].find(([prefix]) => conversationId.startsWith(prefix))?.[1];
    const refusal = (conversationId: string) => [...refusing].find(([prefix]) => conversationId.startsWith(prefix))?.[1];
    const refuse = (r: NonNullable<ReturnType<typeof refusal>>) => reply(r.status, { error: { code: r.code, message: r.message } });
    if (req.method === 'GET' && parts[0] === 'v3' && parts[1] === 'conversations' && parts[3] === 'pagedmembers') {
      // The Bot Framework's paged member list: pageSize and continuationToken in the query.
      const conversationId = parts[2];
      const refused = refusal(conversationId);
      if (refused) return refuse(refused);
      const list = members.get(conversationId.split(';')[0]);
      if (!list) return refuse(TEAMS_REFUSALS.notFound);
      const size = Math.max(1, Math.min(500, Number(url.searchParams.get('pageSize') ?? 200) || 200));
      const start = Number(url.searchParams.get('continuationToken') ?? 0) || 0;
      const page = list.slice(start, start + size);
      return reply(200, { members: page, ...(start + size < list.length ? { continuationToken: String(start + size) } : {}) });
    }
    if (req.method === 'GET' && parts[0] === 'v3' && parts[1] === 'teams' && parts[3] === 'conversations') {
      const channels = teamChannels.get(parts[2]);
      if (!channels) return reply(404, { error: { code: 'BadArgument', message: 'Cannot find team with provided id' } });
      return reply(200, { conversations: channels });
    }
    if (parts[0] !== 'v3' || parts[1] !== 'conversations' || !(req.method === 'POST' || (req.method === 'PUT' && parts.length === 5))) {
      return reply(404, { error: { code: 'NotFound', message: 'Unknown route' } });
    }
    if (!bodyIsJson) return reply(400, { error: { code: 'BadSyntax', message: 'Body is not JSON' } });
    const refusedHere = parts.length > 2 ? refusal(parts[2]) : undefined;
    if (refusedHere) return refuse(refusedHere);
    if (req.method === 'PUT') {
      // Updating an activity the bot sent (a card replaced for everyone).
      const status = failingStatus(parts[2]);
      if (status) return reply(status, { error: { code: 'Injected', message: 'Injected failure' } }, failingHeaders);
      updates.push({ conversationId: parts[2], activityId: parts[4], activity: body, at: now });
      return reply(200, { id: parts[4] });
    }
    const channelTenant = (body.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id;
    const conversationTenant = (body.conversation as { tenantId?: string } | undefined)?.tenantId;
    const tenantId = String(body.tenantId ?? channelTenant ?? conversationTenant ?? 'default');
    if (!admit(tenantId, now)) {
      stats.throttled += 1;
      return reply(429, { error: { code: 'Throttled', message: 'Too many requests' } }, { 'retry-after': String(retryAfter) });
    }

    if (parts.length === 2) {
      // Create a 1:1 conversation with the first member.
      const member = (body.members as { id?: string; aadObjectId?: string }[] | undefined)?.[0];
      const userId = member?.aadObjectId ?? member?.id;
      if (!userId) return reply(400, { error: { code: 'BadArgument', message: 'members is required' } });
      call.conversationId = `a:${userId}`;
      const refusedMember = refusal(call.conversationId);
      if (refusedMember) return refuse(refusedMember);
      const status = failingStatus(call.conversationId);
      if (status) return reply(status, { error: { code: 'ServiceUnavailable', message: 'Injected failure' } }, failingHeaders);
      if (blocked.has(userId)) {
        stats.blocked += 1;
        return reply(403, { error: { code: 'ConversationBlockedByUser', message: 'User blocked the conversation with the bot.' } });
      }
      return reply(201, { id: `a:${userId}`, activityId: undefined, serviceUrl: undefined });
    }
    if (parts.length < 4 || parts[3] !== 'activities') {
      return reply(404, { error: { code: 'NotFound', message: 'Unknown route' } });
    }
    const conversationId = parts[2];
    const userId = userOfConversation(conversationId);
    const failingConversation = failingStatus(conversationId);
    if (failingConversation) return reply(failingConversation, { error: { code: 'ServiceUnavailable', message: 'Injected failure' } }, failingHeaders);
    const failure = failures.shift();
    if (failure) {
      stats.injectedFailures += 1;
      const headers: Record<string, string> = failure.retryAfter !== undefined ? { 'retry-after': String(failure.retryAfter) } : {};
      return reply(failure.status, { error: { code: 'Injected', message: 'Injected failure' } }, headers);
    }
    if (userId && blocked.has(userId)) {
      stats.blocked += 1;
      return reply(403, { error: { code: 'ConversationBlockedByUser', message: 'User blocked the conversation with the bot.' } });
    }
    const activityId = `1:${nextId++}`;
    stats.accepted += 1;
    deliveries.push({ conversationId, userId, activityId, replyToId: parts[4], tenantId, activity: body, at: now });
    return reply(201, { id: activityId });
  };

  const server = http.createServer((req, res) => {
    // Arrival is when the request line and headers came in, not when the body finished.
    const arrivedAt = Date.now();
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      if (latency > 0) setTimeout(() => handle(req, res, raw, arrivedAt), latency);
      else handle(req, res, raw, arrivedAt);
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    serviceUrl: `http://127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}/`,
    calls,
    updates,
    failing,
    deliveries,
    deliveriesTo: (userId) => deliveries.filter((d) => d.userId === userId),
    duplicates(): number {
      const perConversation = new Map<string, number>();
      for (const d of deliveries) perConversation.set(d.conversationId, (perConversation.get(d.conversationId) ?? 0) + 1);
      let extra = 0;
      for (const n of perConversation.values()) extra += n - 1;
      return extra;
    },
    recipients: () => new Set(deliveries.map((d) => d.userId ?? d.conversationId)),
    stats(): FakeConnectorStats {
      let max = 0;
      let start = 0;
      for (let end = 0; end < arrivals.length; end++) {
        while (arrivals[end] - arrivals[start] >= 1000) start++;
        max = Math.max(max, end - start + 1);
      }
      return { ...stats, maxArrivalsPerSecond: max };
    },
    blockUser: (userId) => void blocked.add(userId),
    failNext(count, status, retryAfterSeconds) {
      for (let i = 0; i < count; i++) failures.push({ status, retryAfter: retryAfterSeconds });
    },
    setRatePerSecond: (r) => {
      rate = r;
    },
    refusing,
    setMembers: (conversationId, list) => void members.set(conversationId, [...list]),
    setTeamChannels: (teamId, channels) => void teamChannels.set(teamId, [...channels]),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
