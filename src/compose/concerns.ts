import { ConcernSettings } from '../config/concernSettings';
import { createConcernOutbox } from '../features/concerns/domain/concernOutbox';
import { ConcernLog, ConcernStore } from '../features/concerns/domain/concernPorts';
import { createConcernReporting } from '../features/concerns/domain/concernReporting';
import { createConcernTriage } from '../features/concerns/domain/concernTriage';
import { ConcernFeature, createConcernFeature } from '../features/concerns/teams/concernFeature';
import { createTeamsConcernDelivery, createTeamsReporterNotifier } from '../features/concerns/teams/concernMessaging';
import { ProactiveAdapter } from '../teams/proactive';

/** What the concern capability needs: its settings, its store, the adapter that serves /api/messages. */
export interface ConcernCompositionDeps {
  settings: ConcernSettings;
  store: ConcernStore;
  adapter: ProactiveAdapter;
  /** The bot's app id (BOT_ID); empty in local mode. */
  botAppId: string;
  /** Structured logger (AppLogger): ids and codes only. */
  logger: ConcernLog;
  now?: () => Date;
  /** Waits between delivery attempts; tests pass one that does not wait. */
  sleep?: (ms: number) => Promise<void>;
  /** How long a reporter's answer waits for delivery before saying "saved and being delivered" (default 4000 ms). */
  deliveryWaitMs?: number;
}

/**
 * Dependency order: Teams delivery and reporter notices -> outbox -> reporting and triage use cases -> the
 * bot feature that serves them.
 */
export function composeConcerns(deps: ConcernCompositionDeps): ConcernFeature {
  const delivery = createTeamsConcernDelivery(deps.adapter, deps.botAppId, deps.settings);
  const notifier = createTeamsReporterNotifier(deps.adapter, deps.botAppId);
  const outbox = createConcernOutbox({
    store: deps.store, delivery, notifier, routing: deps.settings.routing, log: deps.logger, now: deps.now,
    sleep: deps.sleep, attemptsPerDestination: deps.settings.deliveryAttempts,
  });
  const head = deps.settings.routing.destinations.headteacher;
  const headteacherId = head?.kind === 'person' ? head.aadObjectId : undefined;
  const reporting = createConcernReporting({
    store: deps.store, outbox, routing: deps.settings.routing, referencePrefix: deps.settings.referencePrefix,
    log: deps.logger, now: deps.now, deliveryWaitMs: deps.deliveryWaitMs, headteacherId,
  });
  const triage = createConcernTriage({ store: deps.store, outbox, team: deps.settings.team, log: deps.logger, now: deps.now, headteacherId });
  return createConcernFeature({
    settings: deps.settings, reporting, triage, outbox, adapter: deps.adapter, botAppId: deps.botAppId, logger: deps.logger,
  });
}
