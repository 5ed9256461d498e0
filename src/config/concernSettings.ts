import crypto from 'node:crypto';
import { SafeguardingMember } from '../features/concerns/domain/concernPorts';
import { ConcernRoutingTable, DEFAULT_CONCERN_ROUTES, DestinationAddress, personIdOf, resolveConcernRoute } from '../features/concerns/domain/concernRouting';
import { SAFEGUARDING_DESTINATIONS, SafeguardingDestination } from '../features/concerns/domain/safeguardingRoute';
import { CONCERN_KINDS, ConcernKind, DESTINATION_ROLES, DestinationRole } from '../features/concerns/domain/concernTypes';
import { AppMode, Env, FragmentResult, readList, readVar } from './settingsFragment';

/** Settings for reporting and triaging concerns. */
export interface ConcernSettings {
  /** AES-256-GCM key for report contents at rest: 32 bytes in base64 (a string, so the config can be frozen). */
  encryptionKey: string;
  /** "localDevelopmentKey" means a fixed, public key: fine on a laptop, refused in production. */
  encryptionKeySource: 'configured' | 'localDevelopmentKey';
  /** The DSL and deputies: the only people who may read and act on concerns. */
  team: SafeguardingMember[];
  routing: ConcernRoutingTable;
  /** References look like `${prefix}-2026-0007`. */
  referencePrefix: string;
  /** Attempts per destination before the fallback route. */
  deliveryAttempts: number;
  /**
   * Where the safeguarding team's alerts arrive (SAFEGUARDING_DESTINATION): a standard channel of a team whose members
   * are the safeguarding team only, a group chat of the team with the bot added, or each member 1:1. Undefined only in
   * local mode when nothing is configured.
   */
  destination?: SafeguardingDestination;
  /**
   * SAFEGUARDING_DESTINATION as set, even while the place it needs is still missing (team-channel before
   * SAFEGUARDING_CHANNEL_ID is filled in): what /healthz names, so IT sees their choice was read.
   */
  chosenDestination?: SafeguardingDestination;
  /** Settings that still work under an old name, each with what to change: logged as warnings at start. */
  deprecations: string[];
  /**
   * Production only: the route settings not filled in yet (variable names, never values), in the order the deployment
   * guide fills them in. While any is missing the route is "not configured": startup says so loudly, and a report for a
   * role that is not set up (routing.waiting) is stored and waits until it is and the app restarts. Empty when everything
   * is set, and always in local mode (which falls back as it always has).
   */
  routeMissing: string[];
}

/** SAFEGUARDING_DESTINATION when it names a destination there is, whether or not its place is set. */
function chosenDestinationOf(env: Env): SafeguardingDestination | undefined {
  const raw = readVar(env, 'SAFEGUARDING_DESTINATION');
  return raw && (SAFEGUARDING_DESTINATIONS as readonly string[]).includes(raw) ? raw as SafeguardingDestination : undefined;
}

/** A Teams channel conversation id: 19:...@thread.tacv2 (or the older @thread.skype). */
const CHANNEL_ID = /^19:[^\s;]+@thread\.(tacv2|skype)$/;
/** A Teams group chat conversation id: 19:...@thread.v2. */
const CHAT_ID = /^19:[^\s;]+@thread\.v2$/;

/** The variable naming each person-shaped role. */
const PERSON_ROLE_VARS: Readonly<Record<Exclude<DestinationRole, 'dslChannel'>, string>> = {
  deputyDsl: 'CONCERN_DEPUTY_DSL',
  seniorManager: 'CONCERN_SENIOR_MANAGER',
  headteacher: 'CONCERN_HEADTEACHER',
  chairOfGovernors: 'CONCERN_CHAIR_OF_GOVERNORS',
};

/**
 * The people reports may go to whose setting is empty (variable names, never ids), as the start-up log warns of them.
 * A report for one goes to its route's fallback (the chair's: the deputy DSL).
 */
export function peopleNotSet(settings: Pick<ConcernSettings, 'routing'>): string[] {
  return (Object.entries(PERSON_ROLE_VARS) as [DestinationRole, string][])
    .filter(([role]) => !settings.routing.destinations[role]).map(([, name]) => name);
}

/** A fixed, publicly known key so local data survives restarts; never accepted in production. */
export const LOCAL_DEVELOPMENT_CONCERN_KEY = crypto
  .createHash('sha256')
  .update('school-policy-bot LOCAL DEVELOPMENT concern key - NOT SECRET - never use in production')
  .digest();

const isRole = (v: string): v is DestinationRole => (DESTINATION_ROLES as readonly string[]).includes(v);

/** How IT makes the key on any system, with the project's own CLI (no openssl): src/cli/policyBot.ts, `secrets`. */
const MAKE_KEY = 'Make one with `npx policy-bot secrets` (it prints SECRET_CONCERN_ENCRYPTION_KEY=<key>: the value is the key; '
  + '`npx policy-bot secrets --file env/.env.dev.user` fills it in there for the Toolkit) and keep it: reports sealed with a key are read only with it';

/**
 * Parses the concern settings. Production refuses to start without the encryption key (reports are stored encrypted even
 * while they wait) or with any value that is present but wrong; route settings not filled in yet are not errors but the
 * named state `routeMissing` (the guide fills them in after provisioning, step 6).
 */
export function parseConcernSettings(env: Env, mode: AppMode): FragmentResult<ConcernSettings> {
  const errors: string[] = [];

  let encryptionKey = LOCAL_DEVELOPMENT_CONCERN_KEY.toString('base64');
  let encryptionKeySource: ConcernSettings['encryptionKeySource'] = 'localDevelopmentKey';
  const rawKey = readVar(env, 'CONCERN_ENCRYPTION_KEY');
  if (rawKey !== undefined) {
    const key = /^[A-Za-z0-9+/]+={0,2}$/.test(rawKey) ? Buffer.from(rawKey, 'base64') : Buffer.alloc(0);
    if (key.length !== 32) {
      errors.push(`CONCERN_ENCRYPTION_KEY must be 32 bytes in base64. ${MAKE_KEY}`);
    } else if (key.equals(LOCAL_DEVELOPMENT_CONCERN_KEY) && mode === 'production') {
      errors.push('CONCERN_ENCRYPTION_KEY is the public local development key; production needs its own secret key');
    } else {
      encryptionKey = key.toString('base64');
      encryptionKeySource = key.equals(LOCAL_DEVELOPMENT_CONCERN_KEY) ? 'localDevelopmentKey' : 'configured';
    }
  } else if (mode === 'production') {
    errors.push(`CONCERN_ENCRYPTION_KEY is required in production (32 bytes in base64); reports are encrypted with it. ${MAKE_KEY}`);
  }

  const team: SafeguardingMember[] = [];
  for (const entry of readList(env, 'SAFEGUARDING_TEAM')) {
    const [id, ...name] = entry.split('=');
    const aadObjectId = id.trim();
    if (!aadObjectId) {
      errors.push(`SAFEGUARDING_TEAM has an entry without an id ("${entry}"); use objectId or objectId=Display Name`);
      continue;
    }
    team.push({ aadObjectId, name: name.join('=').trim() || undefined });
  }
  // Production may start before the route is set up (docs/deployment.md fills it in at step 6): what is missing is named.
  const missing: string[] = [];
  if (team.length === 0 && mode === 'production') missing.push('SAFEGUARDING_TEAM');

  const destinations: Partial<Record<DestinationRole, DestinationAddress>> = {};
  for (const [role, name] of Object.entries(PERSON_ROLE_VARS) as [DestinationRole, string][]) {
    const id = readVar(env, name);
    if (id) destinations[role] = { kind: 'person', aadObjectId: id };
  }
  const deprecations: string[] = [];
  const place = readSafeguardingPlace(env, mode, team, destinations.deputyDsl, errors, deprecations, missing);
  if (place) destinations.dslChannel = place.address;

  const routes: Record<ConcernKind, DestinationRole> = { ...DEFAULT_CONCERN_ROUTES };
  for (const entry of readList(env, 'CONCERN_ROUTES')) {
    const [kind, role] = entry.split('=').map((s) => s.trim());
    if (!(CONCERN_KINDS as readonly string[]).includes(kind) || !role || !isRole(role)) {
      errors.push(`CONCERN_ROUTES entry "${entry}" must be kind=role with kind one of ${CONCERN_KINDS.join(', ')} and role one of ${DESTINATION_ROLES.join(', ')}`);
      continue;
    }
    routes[kind as ConcernKind] = role;
  }
  const rawFallback = readVar(env, 'CONCERN_FALLBACK_ROUTE') ?? 'deputyDsl';
  let fallback: DestinationRole = 'deputyDsl';
  if (isRole(rawFallback)) fallback = rawFallback;
  else errors.push(`CONCERN_FALLBACK_ROUTE must be one of ${DESTINATION_ROLES.join(', ')} (got "${rawFallback}")`);

  // A report about the headteacher that cannot reach the chair of governors goes to this role's person, so it must
  // not be the headteacher (in a small school the head may also be named as the deputy DSL).
  const aboutHeadFallback = resolveConcernRoute({ kind: 'other', aboutHeadteacher: true }, { routes, destinations, fallback }).fallback;
  const headteacherId = personIdOf(destinations.headteacher);
  if (headteacherId && aboutHeadFallback !== 'dslChannel' && personIdOf(destinations[aboutHeadFallback]) === headteacherId) {
    errors.push(`${PERSON_ROLE_VARS[aboutHeadFallback]} is the headteacher (CONCERN_HEADTEACHER): a report about the headteacher that `
      + 'cannot reach the chair of governors goes there, to the person it is about. Name someone who is not the headteacher '
      + `(a deputy DSL${aboutHeadFallback === 'deputyDsl' ? '' : ', or set CONCERN_FALLBACK_ROUTE=deputyDsl'}).`);
  }

  // The roles not set up yet: reports for them wait (production only; local mode falls back as it always has).
  const waiting: DestinationRole[] = [];
  if (mode === 'production') {
    // The safeguarding team's route needs its place and its people: without SAFEGUARDING_TEAM no one could open a report there.
    if (!place || team.length === 0) waiting.push('dslChannel');
    // Any report can be marked "about the headteacher": it then goes to the chair of governors, falling back to
    // the deputy DSL when the configured fallback is the headteacher or a place the headteacher may see.
    const needed = new Set<DestinationRole>([...Object.values(routes), fallback, 'chairOfGovernors']);
    if (['headteacher', 'dslChannel', 'chairOfGovernors'].includes(fallback)) needed.add('deputyDsl');
    for (const [role, name] of Object.entries(PERSON_ROLE_VARS) as [DestinationRole, string][]) {
      if (needed.has(role) && !destinations[role]) {
        missing.push(name);
        waiting.push(role);
      }
    }
  }

  const referencePrefix = (readVar(env, 'CONCERN_REFERENCE_PREFIX') ?? 'SG').toUpperCase();
  if (!/^[A-Z]{1,6}$/.test(referencePrefix)) errors.push(`CONCERN_REFERENCE_PREFIX must be 1-6 letters (got "${referencePrefix}")`);

  const rawAttempts = readVar(env, 'CONCERN_DELIVERY_ATTEMPTS');
  let deliveryAttempts = 3;
  if (rawAttempts !== undefined) {
    const n = Number(rawAttempts);
    if (Number.isInteger(n) && n >= 1 && n <= 10) deliveryAttempts = n;
    else errors.push(`CONCERN_DELIVERY_ATTEMPTS must be a whole number from 1 to 10 (got "${rawAttempts}")`);
  }

  return {
    value: {
      encryptionKey, encryptionKeySource, team,
      routing: { routes, destinations, fallback, teamDirect: teamDirectOf(team, destinations.deputyDsl), ...(mode === 'production' ? { waiting } : {}) },
      referencePrefix, deliveryAttempts, destination: place?.destination, chosenDestination: place?.destination ?? chosenDestinationOf(env),
      deprecations, routeMissing: missing,
    },
    errors,
  };
}

/** Each member of the safeguarding team, and the deputy DSL, 1:1: where reports go when the shared place refuses them. */
function teamDirectOf(team: readonly SafeguardingMember[], deputy: DestinationAddress | undefined): DestinationAddress | undefined {
  const ids = team.map((m) => m.aadObjectId);
  if (deputy?.kind === 'person' && !ids.includes(deputy.aadObjectId)) ids.push(deputy.aadObjectId);
  return ids.length > 0 ? { kind: 'eachMember', aadObjectIds: ids } : undefined;
}

/**
 * Reads where the safeguarding team's alerts go. SAFEGUARDING_DESTINATION names the kind of place; the channel or chat
 * id goes with it. CONCERN_DSL_CHANNEL_ID, the old name of SAFEGUARDING_CHANNEL_ID, still works (with a warning). In
 * production a setting not filled in yet goes on `missing` (the place is then undefined); in local mode an id a kind
 * needs is an error, as it always was.
 */
function readSafeguardingPlace(
  env: Env, mode: AppMode, team: readonly SafeguardingMember[], deputy: DestinationAddress | undefined,
  errors: string[], deprecations: string[], missing: string[],
): { destination: SafeguardingDestination; address: DestinationAddress } | undefined {
  const oldChannel = readVar(env, 'CONCERN_DSL_CHANNEL_ID');
  let channel = readVar(env, 'SAFEGUARDING_CHANNEL_ID');
  if (oldChannel) {
    if (channel && channel !== oldChannel) {
      errors.push('CONCERN_DSL_CHANNEL_ID and SAFEGUARDING_CHANNEL_ID name different channels: remove CONCERN_DSL_CHANNEL_ID (the old name) and keep SAFEGUARDING_CHANNEL_ID');
    } else {
      deprecations.push('CONCERN_DSL_CHANNEL_ID is the old name of SAFEGUARDING_CHANNEL_ID: rename it, and set SAFEGUARDING_DESTINATION=team-channel. '
        + 'Teams may refuse bot posts in a private channel: use a standard channel of a team whose members are the safeguarding team only (docs/deployment.md)');
      channel = channel ?? oldChannel;
    }
  }
  const chat = readVar(env, 'SAFEGUARDING_CHAT_ID');
  const raw = readVar(env, 'SAFEGUARDING_DESTINATION');
  const destination = (raw ?? (channel ? 'team-channel' : chat ? 'group-chat' : undefined)) as SafeguardingDestination | undefined;
  if (destination === undefined) {
    if (mode === 'production') missing.push('SAFEGUARDING_DESTINATION');
    return undefined;
  }
  if (!(SAFEGUARDING_DESTINATIONS as readonly string[]).includes(destination)) {
    errors.push(`SAFEGUARDING_DESTINATION must be one of ${SAFEGUARDING_DESTINATIONS.join(', ')} (got "${destination}")`);
    return undefined;
  }
  if (destination === 'team-channel') {
    if (chat) errors.push('SAFEGUARDING_CHAT_ID is set but SAFEGUARDING_DESTINATION is team-channel: remove one of them');
    if (!channel) {
      if (mode === 'production') missing.push('SAFEGUARDING_CHANNEL_ID');
      else errors.push('SAFEGUARDING_CHANNEL_ID is required with SAFEGUARDING_DESTINATION=team-channel: the id of a standard channel (19:...@thread.tacv2) in a team whose members are the safeguarding team only');
      return undefined;
    }
    if (mode === 'production' && !CHANNEL_ID.test(channel)) {
      errors.push(`SAFEGUARDING_CHANNEL_ID must be a channel id, 19:...@thread.tacv2 (URL-decoded from the channel's link); got "${channel.slice(0, 80)}"`);
    }
    return { destination, address: { kind: 'channel', conversationId: channel } };
  }
  if (destination === 'group-chat') {
    if (channel) errors.push('SAFEGUARDING_CHANNEL_ID (or CONCERN_DSL_CHANNEL_ID) is set but SAFEGUARDING_DESTINATION is group-chat: remove one of them');
    if (!chat) {
      if (mode === 'production') missing.push('SAFEGUARDING_CHAT_ID');
      else errors.push('SAFEGUARDING_CHAT_ID is required with SAFEGUARDING_DESTINATION=group-chat: the id of the safeguarding team\'s group chat (19:...@thread.v2) with the bot added');
      return undefined;
    }
    if (mode === 'production' && !CHAT_ID.test(chat)) {
      errors.push(`SAFEGUARDING_CHAT_ID must be a group chat id, 19:...@thread.v2; got "${chat.slice(0, 80)}"`);
    }
    return { destination, address: { kind: 'groupChat', conversationId: chat } };
  }
  if (channel || chat) errors.push('SAFEGUARDING_DESTINATION is one-to-one: remove SAFEGUARDING_CHANNEL_ID, SAFEGUARDING_CHAT_ID and CONCERN_DSL_CHANNEL_ID');
  const direct = teamDirectOf(team, deputy);
  if (!direct) {
    // Production has named SAFEGUARDING_TEAM as missing already.
    if (mode !== 'production') errors.push('SAFEGUARDING_DESTINATION=one-to-one needs SAFEGUARDING_TEAM (or CONCERN_DEPUTY_DSL): each member is alerted in their 1:1 chat');
    return undefined;
  }
  return { destination, address: direct };
}
