import os from 'node:os';
import path from 'node:path';
import { AppMode, Env, FragmentResult, readPositiveNumber, readVar } from './settingsFragment';
import { withoutTrailingSlashes } from '../shared/linearTrim';

/** How the app reads the directory and installs itself through Microsoft Graph. */
export interface GraphSettings {
  /** Base URL without the version segment, e.g. https://graph.microsoft.com (a local https fake in tests). */
  baseUrl: string;
  tenantId?: string;
  /** Entra app (client) id used for Graph; with managed identity, the user-assigned identity's client id. */
  clientId?: string;
  clientSecret?: string;
  /** Authenticate with a managed identity instead of a client secret. */
  useManagedIdentity: boolean;
}

/** Settings of staff discovery and campaign delivery. */
export interface DeliverySettings {
  /** Where staff come from: Graph (group or all users) in production, a roster CSV in local mode. */
  directory: { kind: 'graph'; groupId?: string } | { kind: 'roster'; rosterFile: string };
  /** Graph access; absent in local mode unless configured. */
  graph?: GraphSettings;
  /** The app in the tenant's catalog (catalog id), or its manifest id to look the catalog id up. */
  teamsApp: { catalogId?: string; manifestId?: string };
  /** Bot Connector service URL for chats created through Graph installs (Teams: https://smba.trafficmanager.net/teams/). */
  botServiceUrl: string;
  /** Tenant-wide Bot Framework send budget, shared by every instance (Teams allows 50/s per app per tenant). */
  sendRatePerSecond: number;
  /**
   * How much later than others a request may reach Teams (SEND_ARRIVAL_SPREAD_MS, 25): each instance counts its share over
   * a second and this much, so requests bunched on the way never put more than the limit in a second at Teams. Raise it
   * if the log says `sending.throttled` (Teams answered 429); each 10 ms costs about 1% of a roll-out's pace.
   */
  sendArrivalSpreadMs: number;
  /** Tenant-wide Graph installedApps budget (Graph allows 30/s per app per tenant). */
  installRatePerSecond: number;
  /** How long a claimed delivery stays with one sender before another may take it over. */
  leaseSeconds: number;
  /** Attempts (claims) per recipient before the delivery is recorded as failed. */
  maxAttempts: number;
  /** This instance's id in leases and heartbeats. */
  workerId: string;
  /** Minutes between staff directory syncs after the one at start (STAFF_SYNC_MINUTES, 60, at most 1440; Graph reads only changes). */
  syncMinutes: number;
}

/** The longest gap between staff syncs STAFF_SYNC_MINUTES accepts. */
const MAX_SYNC_MINUTES = 1440;

const TEAMS_SERVICE_URL = 'https://smba.trafficmanager.net/teams/';

/** The sample roster local mode reads when ROSTER_FILE is unset. */
export const DEFAULT_ROSTER_FILE = path.join('samples', 'roster.csv');

/** Parses the delivery settings, collecting every problem rather than stopping at the first. */
export function parseDeliverySettings(env: Env, mode: AppMode): FragmentResult<DeliverySettings> {
  const errors: string[] = [];

  const baseUrl = withoutTrailingSlashes(readVar(env, 'GRAPH_BASE_URL') ?? 'https://graph.microsoft.com').replace(/\/v1\.0$/, '');
  if (!/^https:\/\//.test(baseUrl)) errors.push(`GRAPH_BASE_URL must be an https URL (got "${baseUrl}")`);
  const useManagedIdentity = parseBoolean(env, 'GRAPH_USE_MANAGED_IDENTITY', errors);
  const tenantId = readVar(env, 'GRAPH_TENANT_ID');
  const clientId = readVar(env, 'GRAPH_CLIENT_ID');
  const clientSecret = readVar(env, 'GRAPH_CLIENT_SECRET');
  const graphConfigured = useManagedIdentity || tenantId !== undefined || clientId !== undefined || clientSecret !== undefined;

  let graph: GraphSettings | undefined;
  if (mode === 'production' || graphConfigured) {
    graph = { baseUrl, tenantId, clientId, clientSecret, useManagedIdentity };
    if (!useManagedIdentity) {
      const missing = (['GRAPH_TENANT_ID', 'GRAPH_CLIENT_ID', 'GRAPH_CLIENT_SECRET'] as const)
        .filter((name) => readVar(env, name) === undefined);
      if (missing.length > 0) {
        errors.push(`Graph needs ${missing.join(', ')} (or GRAPH_USE_MANAGED_IDENTITY=true) to read staff and install the app`);
      }
    }
  }

  const rosterFile = readVar(env, 'ROSTER_FILE');
  const groupId = readVar(env, 'STAFF_GROUP_ID');
  let directory: DeliverySettings['directory'];
  if (rosterFile) directory = { kind: 'roster', rosterFile };
  else if (mode === 'local' && !graph) directory = { kind: 'roster', rosterFile: DEFAULT_ROSTER_FILE };
  else directory = { kind: 'graph', groupId };

  const teamsApp = { catalogId: readVar(env, 'TEAMS_APP_CATALOG_ID'), manifestId: readVar(env, 'TEAMS_APP_ID') };
  if (mode === 'production' && !teamsApp.catalogId && !teamsApp.manifestId) {
    errors.push('TEAMS_APP_CATALOG_ID or TEAMS_APP_ID (the manifest id) is required in production to install the app for staff');
  }

  const botServiceUrl = readVar(env, 'BOT_SERVICE_URL') ?? TEAMS_SERVICE_URL;
  if (!/^https?:\/\//.test(botServiceUrl)) errors.push(`BOT_SERVICE_URL must be an http(s) URL (got "${botServiceUrl}")`);

  const syncMinutes = readPositiveNumber(env, 'STAFF_SYNC_MINUTES', 60, errors);
  // Graph's users delta links live 7 days: a longer gap would make every sync a full read of the tenant.
  if (syncMinutes > MAX_SYNC_MINUTES) errors.push(`STAFF_SYNC_MINUTES must be at most ${MAX_SYNC_MINUTES} (a day; got "${syncMinutes}")`);

  const maxAttempts = readPositiveNumber(env, 'DELIVERY_MAX_ATTEMPTS', 5, errors);
  if (!Number.isInteger(maxAttempts)) errors.push(`DELIVERY_MAX_ATTEMPTS must be a whole number (got "${maxAttempts}")`);

  return {
    value: {
      directory,
      graph,
      teamsApp,
      botServiceUrl,
      sendRatePerSecond: readPositiveNumber(env, 'SEND_RATE_PER_SECOND', 50, errors),
      sendArrivalSpreadMs: readPositiveNumber(env, 'SEND_ARRIVAL_SPREAD_MS', 25, errors),
      installRatePerSecond: readPositiveNumber(env, 'GRAPH_INSTALL_RATE_PER_SECOND', 30, errors),
      leaseSeconds: readPositiveNumber(env, 'DELIVERY_LEASE_SECONDS', 60, errors),
      maxAttempts,
      syncMinutes,
      // Stable across restarts, so a restarted instance takes back the deliveries it had claimed at once instead
      // of waiting out their lease: App Service's per-instance id, else the host name (docs/operations.md).
      workerId: readVar(env, 'WORKER_ID') ?? readVar(env, 'WEBSITE_INSTANCE_ID') ?? os.hostname(),
    },
    errors,
  };
}

function parseBoolean(env: Env, name: string, errors: string[]): boolean {
  const raw = readVar(env, name);
  if (raw === undefined) return false;
  if (/^(true|1|yes)$/i.test(raw)) return true;
  if (/^(false|0|no)$/i.test(raw)) return false;
  errors.push(`${name} must be true or false (got "${raw}")`);
  return false;
}
