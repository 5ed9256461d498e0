import restify from 'restify';
import { TeamsAdapter } from '@microsoft/teams-ai';
import { AppLogger } from '../logger';
import { activityShapeProblem } from './activityShape';
import { BotApp } from './botFeature';

/** Largest request body accepted: Teams activities are far smaller; anything bigger is refused with 413. */
export const MAX_BODY_BYTES = 256 * 1024;

/** Extra routes a feature needs on the bot's HTTP server (for example a signed export download). */
export type RouteInstaller = (server: restify.Server) => void;

/** Everything the HTTP layer needs. */
export interface ServerDeps {
  adapter: TeamsAdapter;
  app: BotApp;
  logger: AppLogger;
  /** In production every request must carry a Bearer token; checked before the body is even read. */
  requireAuthorizationHeader?: boolean;
  routes?: readonly RouteInstaller[];
}

/** The one place HTTP lives: /api/messages hands each activity to the bot; /healthz says only "ok". */
export function createServer(deps: ServerDeps): restify.Server {
  const server = restify.createServer({ name: 'school-policy-bot', handleUncaughtExceptions: false });
  // Teams never compresses requests. restify would inflate a compressed body unbounded (past the size
  // limit) and an invalid one crashes the process (restify#1975), so refuse encodings before parsing.
  server.pre((req, res, next) => {
    const encoding = String(req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
    if (encoding !== 'identity' && encoding !== '') {
      res.send(415, { error: 'Compressed request bodies are not accepted.' });
      return next(false);
    }
    if (deps.requireAuthorizationHeader && req.method === 'POST' && req.getPath() === '/api/messages'
      && !/^Bearer\s+\S+/i.test(String(req.headers.authorization ?? ''))) {
      res.send(401, { error: 'Unauthorized' });
      return next(false);
    }
    return next();
  });
  server.use(restify.plugins.bodyParser({ maxBodySize: MAX_BODY_BYTES, mapParams: false, rejectUnknown: true }));

  server.post('/api/messages', async (req, res) => {
    const problem = activityShapeProblem(req.body as unknown);
    if (problem) {
      res.send(400, { error: problem });
      return;
    }
    try {
      await deps.adapter.process(req, res, async (context) => {
        await deps.app.run(context);
      });
    } catch (err) {
      deps.logger.error({ event: 'http.messages.error', name: (err as Error).name }, 'activity processing failed');
      if (!res.headersSent) res.send(500, { error: 'The bot could not process this activity.' });
      // Never echo internal error text to the caller.
    }
  });

  server.get('/healthz', (_req, res, next) => {
    res.send(200, { status: 'ok' });
    return next();
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

/** Starts listening and resolves with the bound port (0 picks a free one). */
export function listen(server: restify.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}
