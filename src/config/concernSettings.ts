import crypto from 'node:crypto';
import { SafeguardingMember } from '../features/concerns/domain/concernPorts';
import { ConcernRoutingTable, DEFAULT_CONCERN_ROUTES, DestinationAddress } from '../features/concerns/domain/concernRouting';
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
}

/** The variable naming each person-shaped role. */
const PERSON_ROLE_VARS: Readonly<Record<Exclude<DestinationRole, 'dslChannel'>, string>> = {
  deputyDsl: 'CONCERN_DEPUTY_DSL',
  seniorManager: 'CONCERN_SENIOR_MANAGER',
  headteacher: 'CONCERN_HEADTEACHER',
  chairOfGovernors: 'CONCERN_CHAIR_OF_GOVERNORS',
};

/** A fixed, publicly known key so local data survives restarts; never accepted in production. */
export const LOCAL_DEVELOPMENT_CONCERN_KEY = crypto
  .createHash('sha256')
  .update('school-policy-bot LOCAL DEVELOPMENT concern key - NOT SECRET - never use in production')
  .digest();

const isRole = (v: string): v is DestinationRole => (DESTINATION_ROLES as readonly string[]).includes(v);

/** Parses the concern settings; production refuses to start without a key, a team and a DSL channel. */
export function parseConcernSettings(env: Env, mode: AppMode): FragmentResult<ConcernSettings> {
  const errors: string[] = [];

  let encryptionKey = LOCAL_DEVELOPMENT_CONCERN_KEY.toString('base64');
  let encryptionKeySource: ConcernSettings['encryptionKeySource'] = 'localDevelopmentKey';
  const rawKey = readVar(env, 'CONCERN_ENCRYPTION_KEY');
  if (rawKey !== undefined) {
    const key = /^[A-Za-z0-9+/]+={0,2}$/.test(rawKey) ? Buffer.from(rawKey, 'base64') : Buffer.alloc(0);
    if (key.length !== 32) {
      errors.push('CONCERN_ENCRYPTION_KEY must be 32 bytes in base64 (generate one with: openssl rand -base64 32)');
    } else if (key.equals(LOCAL_DEVELOPMENT_CONCERN_KEY) && mode === 'production') {
      errors.push('CONCERN_ENCRYPTION_KEY is the public local development key; production needs its own secret key');
    } else {
      encryptionKey = key.toString('base64');
      encryptionKeySource = key.equals(LOCAL_DEVELOPMENT_CONCERN_KEY) ? 'localDevelopmentKey' : 'configured';
    }
  } else if (mode === 'production') {
    errors.push('CONCERN_ENCRYPTION_KEY is required in production (32 bytes in base64: openssl rand -base64 32); reports are encrypted with it');
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
  if (team.length === 0 && mode === 'production') {
    errors.push('SAFEGUARDING_TEAM is required in production (comma-separated Entra object ids of the DSL and deputies, optionally id=Name)');
  }

  const destinations: Partial<Record<DestinationRole, DestinationAddress>> = {};
  const channel = readVar(env, 'CONCERN_DSL_CHANNEL_ID');
  if (channel) destinations.dslChannel = { kind: 'channel', conversationId: channel };
  else if (mode === 'production') {
    errors.push('CONCERN_DSL_CHANNEL_ID is required in production (the conversation id of the DSL team\'s private channel, 19:...@thread.tacv2)');
  }
  for (const [role, name] of Object.entries(PERSON_ROLE_VARS) as [DestinationRole, string][]) {
    const id = readVar(env, name);
    if (id) destinations[role] = { kind: 'person', aadObjectId: id };
  }

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

  if (mode === 'production') {
    // Any report can be marked "about the headteacher": it then goes to the chair of governors, falling back to
    // the deputy DSL when the configured fallback is the headteacher or a place the headteacher may see.
    const needed = new Set<DestinationRole>([...Object.values(routes), fallback, 'chairOfGovernors']);
    if (['headteacher', 'dslChannel', 'chairOfGovernors'].includes(fallback)) needed.add('deputyDsl');
    for (const role of needed) {
      if (role !== 'dslChannel' && !destinations[role]) {
        errors.push(`${PERSON_ROLE_VARS[role]} is required in production: the routing table sends reports to the ${role} role`);
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
      encryptionKey, encryptionKeySource, team, routing: { routes, destinations, fallback }, referencePrefix, deliveryAttempts,
    },
    errors,
  };
}
