import { ConcernSettings, peopleNotSet } from '../config/concernSettings';
import { createConcernOutbox } from '../features/concerns/domain/concernOutbox';
import { personIdOf } from '../features/concerns/domain/concernRouting';
import { ConcernLog, ConcernStore } from '../features/concerns/domain/concernPorts';
import { createConcernReporting } from '../features/concerns/domain/concernReporting';
import { createReportedMessageSeal, reportedMessageKey } from '../features/concerns/domain/reportedMessageSeal';
import { createConcernTriage } from '../features/concerns/domain/concernTriage';
import { createHeadteacherCheck, createHeadteacherNames } from '../features/concerns/domain/headteacherNames';
import { createSafeguardingRouteCheck } from '../features/concerns/domain/safeguardingRouteCheck';
import { routeNotConfiguredSummary, waitingRolesFor } from '../features/concerns/domain/routeSetup';
import { ConcernFeature, createConcernFeature } from '../features/concerns/teams/concernFeature';
import { createTeamsConcernDelivery, createTeamsReporterNotifier } from '../features/concerns/teams/concernMessaging';
import { createTeamsPlaceReader, createTeamsSafeguardingMessenger, PlaceFacts } from '../features/concerns/teams/safeguardingPlaceTeams';
import { createTeamsContacts } from '../features/concerns/teams/teamsContacts';
import { ProactiveAdapter, ProactiveOrigin } from '../teams/proactive';
import { SharedRecords } from '../shared/sharedRecords';

/** What the concern capability needs: its settings, its store, the adapter that serves /api/messages. */
export interface ConcernCompositionDeps {
  settings: ConcernSettings;
  store: ConcernStore;
  adapter: ProactiveAdapter;
  /** The bot's app id (BOT_ID); empty in local mode. */
  botAppId: string;
  /** Structured logger (AppLogger): ids and codes only. */
  logger: ConcernLog;
  /** The policy owners (POLICY_OWNERS): told about the safeguarding route with the DSL. */
  owners?: readonly string[];
  /**
   * Where to reach Teams for messages no activity prompted (the route check at start-up): production's BOT_SERVICE_URL
   * and the school's tenant. Without it (local mode) the first activity's service address is used.
   */
  teamsOrigin?: ProactiveOrigin;
  now?: () => Date;
  /** Waits between delivery attempts; tests pass one that does not wait. */
  sleep?: (ms: number) => Promise<void>;
  /** How long a reporter's answer waits for delivery before saying "saved and being delivered" (default 4000 ms). */
  deliveryWaitMs?: number;
  /** How long a report may reach no one before the reporter, team and owners are told (default two minutes). */
  undeliveredAlertMs?: number;
  /** Where the instances share the safeguarding route's state and notices (the stores' shared records). */
  shared?: SharedRecords;
  /** A person's name as the staff directory holds it (the acknowledgement's staff): the headteacher's is asked about on a report naming them. */
  staffName?: (aadObjectId: string) => Promise<string | undefined>;
}

/**
 * Dependency order: what Teams tells the bot (contacts, the place's facts) -> Teams delivery, reporter notices and the
 * route check's reader and messenger -> the route check -> outbox -> reporting and triage use cases -> the bot feature.
 */
export function composeConcerns(deps: ConcernCompositionDeps): ConcernFeature {
  const { settings, logger } = deps;
  for (const warning of settings.deprecations) logger.warn({ event: 'config.deprecated' }, warning);
  if (!settings.routing.destinations.chairOfGovernors && !settings.routeMissing.includes('CONCERN_CHAIR_OF_GOVERNORS')) {
    // Left empty where nothing else says so (production names it with the route's missing settings, below): not an error
    // (a school may have no chair yet), but IT should know where reports about the headteacher go.
    logger.warn({ event: 'concernRoute.peopleNotSet', notSet: peopleNotSet(settings) },
      'CONCERN_CHAIR_OF_GOVERNORS is not set: reports about the headteacher, and alerts that the headteacher tried to open one, go to the chair\'s fallback (the deputy DSL). Set it to the chair\'s Entra object id.');
  }
  // The roles reports are for that wait (a missing fallback holds no report back).
  const waiting = waitingRolesFor(settings.routing);
  if (settings.routeMissing.length > 0) {
    // Production started before the route was set (docs/deployment.md, step 6): said once, loudly, with what is missing.
    logger.error(
      { event: 'safeguardingRoute.notConfigured', missing: settings.routeMissing, waiting },
      `${routeNotConfiguredSummary(settings.routeMissing)}. Reports for these routes are stored and wait; every report form says so. `
        + 'Fill in the settings and restart the app: waiting reports are then sent.',
    );
  }
  const contacts = createTeamsContacts(deps.teamsOrigin);
  const facts: PlaceFacts = {};
  const delivery = createTeamsConcernDelivery(deps.adapter, deps.botAppId, settings, contacts);
  const notifier = createTeamsReporterNotifier(deps.adapter, deps.botAppId, settings);
  const routeCheck = createSafeguardingRouteCheck({
    destination: settings.destination, chosenDestination: settings.chosenDestination, place: settings.routing.destinations.dslChannel, team: settings.team,
    deputyId: personIdOf(settings.routing.destinations.deputyDsl), owners: deps.owners ?? [],
    reader: createTeamsPlaceReader(deps.adapter, deps.botAppId, contacts, facts),
    messenger: createTeamsSafeguardingMessenger(deps.adapter, deps.botAppId, contacts),
    store: deps.store, log: logger, now: deps.now, missing: settings.routeMissing, waiting,
    // Without Teams' address (local mode) the route is first checked once the Playground has sent something.
    checksAtStart: deps.teamsOrigin !== undefined,
    ...(deps.shared ? { shared: deps.shared } : {}),
  });
  const outbox = createConcernOutbox({
    store: deps.store, delivery, notifier, routing: settings.routing, log: logger, now: deps.now,
    sleep: deps.sleep, attemptsPerDestination: settings.deliveryAttempts, route: routeCheck, routeMissing: settings.routeMissing,
  });
  const headteacherId = personIdOf(settings.routing.destinations.headteacher);
  const staffName = deps.staffName;
  const headteacher = createHeadteacherCheck(
    headteacherId && staffName ? createHeadteacherNames(() => staffName(headteacherId)) : undefined,
    headteacherId !== undefined && settings.team.some((m) => m.aadObjectId === headteacherId),
  );
  // The feature runs the outbox when a report's delivery watch falls due; it exists only once reporting does.
  let wake: (at: Date) => void = () => undefined;
  // A reported message's seal, from the concern key every instance shares: sealed by one, checked by any.
  const messageSeal = createReportedMessageSeal(reportedMessageKey(settings.encryptionKey));
  const reporting = createConcernReporting({
    store: deps.store, outbox, routing: settings.routing, referencePrefix: settings.referencePrefix,
    log: logger, now: deps.now, deliveryWaitMs: deps.deliveryWaitMs, headteacherId, headteacher,
    undeliveredAlertMs: deps.undeliveredAlertMs, wakeAt: (at) => wake(at), messageSeal,
  });
  // Everyone a report is sent to by name may list the open ones sent to them.
  const recipients = new Set(Object.values(settings.routing.destinations).map(personIdOf).filter((id): id is string => id !== undefined));
  const triage = createConcernTriage({ store: deps.store, outbox, team: settings.team, log: logger, now: deps.now, headteacherId, recipients, routing: settings.routing, undeliveredAlertMs: deps.undeliveredAlertMs });
  const feature = createConcernFeature({
    settings, reporting, triage, outbox, adapter: deps.adapter, botAppId: deps.botAppId, logger, routeCheck, contacts, facts, messageSeal, headteacher,
  });
  wake = feature.wakeOutboxAt;
  return feature;
}
