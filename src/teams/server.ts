import restify from 'restify';
import { Activity } from 'botbuilder';
import { TeamsAdapter } from '@microsoft/teams-ai';
import { AppLogger } from '../shared/logger';
import { activityShapeProblem, isLoopbackUrl } from './activityShape';
import { BotApp } from './botFeature';
import { foreignRequestProblem } from './loopbackRequest';
import { RequestAuthenticator } from './requestAuthentication';
import { loggableTenant, TenantGate, tenantsOf } from './tenantGate';
import { createFairTurns } from './fairTurns';
import { InvokeAnswer, personOf, TurnLimits } from './turnLimits';

/** Largest request body accepted: Teams activities are far smaller; anything bigger is refused with 413. */
export const MAX_BODY_BYTES = 256 * 1024;
/** How long a request's body may take to arrive once its headers have (Teams sends its few kilobytes at once). */
export const BODY_DEADLINE_MS = 10_000;
/** How long a request's headers may take to arrive. */
export const HEADERS_DEADLINE_MS = 10_000;

/** Extra routes a feature needs on the bot's HTTP server (for example a signed export download). */
export type RouteInstaller = (server: restify.Server) => void;

/** Everything the HTTP layer needs. */
export interface ServerDeps {
  adapter: TeamsAdapter;
  app: BotApp;
  logger: AppLogger;
  /**
   * Production: every request's Bot Framework token is checked before its body is read (401 otherwise), and the
   * activity's serviceUrl must be the one the token was issued for. Without it (local mode, loopback only) the
   * bot replies only to a serviceUrl on this machine: the Agents Playground.
   */
  authenticator?: RequestAuthenticator;
  /**
   * Only the school's tenants reach the bot (ALLOWED_TENANT_IDS): checked after authentication, before the adapter or
   * any feature sees the activity; anything else is 403. Always set in production; in local mode only when configured.
   */
  tenantGate?: TenantGate;
  /**
   * The per-person limits (the same object the bot app has): an invoke is counted after the tenant gate, and one over
   * its person's budget is answered here, before the adapter or any feature sees it.
   */
  limits?: Pick<TurnLimits, 'answerOverBudgetInvoke'>;
  routes?: readonly RouteInstaller[];
  /**
   * What `/healthz?detail=1` adds for IT (for example the safeguarding route's check). /healthz is public in production:
   * it must name no person and hold no id of one, no conversation id and no report.
   */
  healthDetail?: () => Record<string, unknown>;
}

const MESSAGES_PATH = '/api/messages';

/** Whether a request's body is JSON: the only kind the messaging endpoint reads. */
function isJson(contentType: string | undefined): boolean {
  return /^application\/json\s*(;|$)/i.test(String(contentType ?? '').trim());
}

/** What a caller is told when a turn fails: never the error's own text. */
const TURN_FAILED = { error: 'The bot could not process this activity.' };

/** The one place HTTP lives: /api/messages hands each activity to the bot; /healthz says only "ok". */
export function createServer(deps: ServerDeps): restify.Server {
  const server = restify.createServer({ name: 'school-policy-bot', handleUncaughtExceptions: false });
  // Headers that stop arriving are answered 408 after this (Node's default is a minute, checked every 30 s): Teams sends
  // its headers at once.
  server.server.headersTimeout = HEADERS_DEADLINE_MS;
  // Teams never compresses requests. restify would inflate a compressed body unbounded (past the size
  // limit) and an invalid one crashes the process (restify#1975), so refuse encodings before parsing.
  server.pre((req, res, next) => {
    // A request line Node's URL parser refuses ("GET http://[/healthz") would throw inside restify's router, outside
    // any handler, and take the process down: it is answered 400 here, before anything else reads the URL. The WHATWG
    // parser is asked first: the legacy one restify uses reads some broken hosts ("http://[::1/") with a deprecation
    // warning (DEP0170) instead of refusing them, and a future Node throws there.
    try {
      new URL(req.url ?? '', 'http://localhost');
      req.getUrl();
    } catch {
      res.send(400, { error: 'The request line does not hold a valid URL.' });
      return next(false);
    }
    // Local mode (no authentication): a browser page reaching the loopback port through DNS rebinding sends its own
    // Host, and any page may send its Origin. Neither is answered, on any path, before a byte of the body is read.
    const foreign = deps.authenticator ? null : foreignRequestProblem(req.headers, req.socket?.localPort);
    if (foreign) {
      deps.logger.warn({ event: 'http.foreignRequest', path: req.getPath?.() }, 'local mode refused a request not addressed to this machine');
      res.send(403, { error: foreign });
      return next(false);
    }
    const encoding = String(req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
    if (encoding !== 'identity' && encoding !== '') {
      res.send(415, { error: 'Compressed request bodies are not accepted.' });
      return next(false);
    }
    if (req.method !== 'POST' || req.getPath() !== MESSAGES_PATH) {
      // Only /api/messages takes a body: one sent anywhere else (a download link, /healthz) is refused before a byte of it
      // is read, rather than waited for (an outside review held a download open for the body's whole deadline).
      const declared = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
      if (declared) {
        res.setHeader('connection', 'close');
        res.send(400, { error: 'This address takes no request body.' });
        return next(false);
      }
      return next();
    }
    // A web page can post a form or a file to a local port without any CORS check; only JSON is read, so
    // nothing else is ever parsed, written to disk or acted on.
    if (!isJson(req.headers['content-type'])) {
      res.send(415, { error: 'Only application/json is accepted.' });
      return next(false);
    }
    if (!deps.authenticator) return next();
    const header = String(req.headers.authorization ?? '');
    if (!/^Bearer\s+\S+/i.test(header)) {
      res.send(401, { error: 'Unauthorized' });
      return next(false);
    }
    // The token is checked before a byte of the body is read; every failure is the same 401, with no detail.
    deps.authenticator.authenticate(header).then(
      (identity) => {
        (req as unknown as { botIdentity?: unknown }).botIdentity = identity;
        next();
      },
      () => {
        res.send(401, { error: 'Unauthorized' });
        next(false);
      },
    );
    return undefined;
  });
  // A body that stops arriving (headers and a few bytes, then nothing) would hold its connection open for Node's
  // default of five minutes: it is answered 408 once BODY_DEADLINE_MS have passed, and the connection closed.
  server.use((req, res, next) => {
    if (req.complete) return next();
    const deadline = setTimeout(() => {
      if (req.complete || res.headersSent) return;
      deps.logger.warn({ event: 'http.slowBody', path: req.getPath?.() }, 'a request body did not arrive in time');
      res.setHeader('connection', 'close');
      res.once('finish', () => req.socket?.destroy());
      res.send(408, { error: 'The request body did not arrive in time.' });
    }, BODY_DEADLINE_MS);
    deadline.unref();
    const done = () => clearTimeout(deadline);
    req.once('end', done);
    req.once('close', done);
    res.once('close', done);
    return next();
  });
  server.use(restify.plugins.bodyReader({ maxBodySize: MAX_BODY_BYTES }));
  server.use(restify.plugins.jsonBodyParser({ mapParams: false, bodyReader: true }));

  // Each person's activities wait in a line of their own, taken in turns between people a few milliseconds at a time
  // (fairTurns.ts): however many one person sends, another's report is next but one, and /healthz is read in between.
  const turns = createFairTurns();

  /**
   * The response as the adapter writes it, except that a failed turn's 500 carries no error text: the adapter sends its
   * error's message ("connect ECONNREFUSED 127.0.0.1:3994", a connector's path), which is the bot's business, not the
   * caller's. The failure is in the log by name.
   */
  function withoutErrorText(res: restify.Response): restify.Response {
    let code = 200;
    return new Proxy(res, {
      get(target, prop, receiver) {
        if (prop === 'status') return (status: number) => { code = status; return target.status(status); };
        if (prop === 'send') return (...args: unknown[]) => (code >= 500 ? target.send(TURN_FAILED) : (target.send as (...a: unknown[]) => unknown)(...args));
        const value = Reflect.get(target, prop, receiver) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  }

  /** Hands the activity to the adapter and the app: a turn. */
  async function processActivity(req: restify.Request, res: restify.Response): Promise<void> {
    try {
      await deps.adapter.process(req, withoutErrorText(res), async (context) => {
        await deps.app.run(context);
      });
    } catch (err) {
      const authFailure = (err as { statusCode?: number }).statusCode === 401 || /AuthenticationError|Unauthorized/i.test((err as Error).name ?? '');
      deps.logger.error({ event: 'http.messages.error', name: (err as Error).name }, 'activity processing failed');
      // Never echo internal error text to the caller.
      if (!res.headersSent) res.send(authFailure ? 401 : 500, authFailure ? { error: 'Unauthorized' } : TURN_FAILED);
    }
  }

  /** Answers an invoke over its person's budget with the limits' answer; no turn, nothing sent to Teams. */
  function refuse(res: restify.Response, overBudget: InvokeAnswer): void {
    res.send(overBudget.status, overBudget.body);
  }

  server.post(MESSAGES_PATH, async (req, res) => {
    const problem = activityShapeProblem(req.body as unknown);
    if (problem) {
      res.send(400, { error: problem });
      return;
    }
    const serviceUrl = (req.body as { serviceUrl: string }).serviceUrl;
    if (deps.authenticator) {
      const identity = (req as unknown as { botIdentity?: Parameters<RequestAuthenticator['serviceUrlMatches']>[0] }).botIdentity;
      if (!identity || !deps.authenticator.serviceUrlMatches(identity, serviceUrl)) {
        res.send(401, { error: 'Unauthorized' });
        return;
      }
    } else if (!isLoopbackUrl(serviceUrl)) {
      // Local mode has no authentication: it replies only to the Playground on this machine, never to an address
      // a forged request names.
      res.send(400, { error: 'In local mode the bot replies only to a serviceUrl on this machine.' });
      return;
    }
    const refusal = deps.tenantGate?.refusal(req.body);
    if (refusal) {
      // No person, no text: which tenants were named (an organisation's ids) is what IT needs to check ALLOWED_TENANT_IDS.
      const tenants = tenantsOf(req.body);
      deps.logger.warn({
        event: 'tenant.refused', reason: refusal, activityType: String((req.body as { type: string }).type).slice(0, 40),
        conversationTenant: loggableTenant(tenants.conversationTenant), channelDataTenant: loggableTenant(tenants.channelDataTenant),
      }, 'activity from a tenant that is not allowed: refused');
      res.send(403, { error: 'Forbidden' });
      return;
    }
    const activity = req.body as Partial<Activity>;
    await turns.run(personOf(activity), () => {
      // A press over its person's budget ends here: answered with the slow-down notice, no turn run, nothing sent to Teams.
      // A refusal known at once is sent before this piece of work returns, as a value: the turns count its time in their
      // slice and may start the person's next piece at once (an await would send it after the slice, with every other
      // refusal the slice started).
      const answer = deps.limits?.answerOverBudgetInvoke(activity);
      if (answer instanceof Promise) return answer.then((overBudget) => (overBudget ? refuse(res, overBudget) : processActivity(req, res)));
      return answer ? refuse(res, answer) : processActivity(req, res);
    });
  });

  server.get('/healthz', async (req, res) => {
    const detail = deps.healthDetail && /^(1|true|yes)$/i.test(String(new URL(req.url ?? '/', 'http://localhost').searchParams.get('detail') ?? '')) ? deps.healthDetail() : {};
    // A bot that cannot fetch the Bot Connector's signing keys refuses every message: say so rather than "ok".
    if (deps.authenticator && !(await deps.authenticator.signingKeysReachable())) {
      res.send(503, { status: 'cannot authenticate: the Bot Connector signing keys could not be fetched', ...detail });
      return;
    }
    res.send(200, { status: 'ok', ...detail });
  });

  for (const install of deps.routes ?? []) install(server);

  server.on('restifyError', (req, res, err, callback) => {
    const status = (err as { statusCode?: number }).statusCode;
    // 404/405 are probes and typos (the Playground checks the endpoint with a GET); other refusals matter.
    const level = status === 404 || status === 405 ? 'debug' : 'warn';
    deps.logger[level]({ event: 'http.error', status, path: req.getPath?.() }, 'request refused');
    return callback();
  });
  return server;
}

/**
 * Connections the kernel holds for the bot before it accepts them (capped by net.core.somaxconn). Node's default, 511,
 * overflows when thousands of requests open connections at once: a dropped connection is retried by its client only
 * after a second or more, so a report or a health check caught in the burst would wait that long before the bot sees it.
 */
export const LISTEN_BACKLOG = 4096;

/** Starts listening and resolves with the bound port (0 picks a free one). */
export function listen(server: restify.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, LISTEN_BACKLOG, () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}
