import path from 'node:path';
import { AppMode, Env, FragmentResult, readList, readPort, readPositiveInteger, readPositiveNumber, readVar } from './settingsFragment';
import { withoutTrailingSlashes } from '../shared/linearTrim';

/** Longest wait for Azure OpenAI before the extractive answer is sent. */
const MAX_OPENAI_TIMEOUT_MS = 60_000;

/** Settings every part of the product needs: mode, HTTP, bot identity, policy documents, storage. */
export interface CoreSettings {
  mode: AppMode;
  host: string;
  port: number;
  logLevel: string;
  /** The school's time zone (IANA name): every time a person reads, exports included, is shown in it. */
  timeZone: string;
  /**
   * The bot's public address (PUBLIC_URL, else https://WEBSITE_HOSTNAME on App Service), for the short-lived download
   * links it serves (exports). Unset in local mode: the loopback address it listens on is used.
   */
  publicUrl?: string;
  bot: {
    /** Entra app (client) id of the bot; unset only in local mode. */
    id?: string;
    password?: string;
    tenantId?: string;
    /** MultiTenant, SingleTenant or UserAssignedMSI, as Bot Framework names them. */
    appType: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
    /**
     * Where the Bot Connector publishes the keys its tokens are signed with (BOT_OPENID_METADATA_URL): the public
     * cloud's by default; https, or http on loopback for a local stand-in in tests.
     */
    openIdMetadataUrl: string;
  };
  /**
   * Policy documents to ingest (.txt, .md, .docx, .pdf); the first is the primary policy. Empty in production when the
   * school's policy comes from an owner in chat (the published versions kept in the store); never a bundled sample there.
   */
  policyFiles: string[];
  storage: {
    kind: 'sqlite' | 'azure';
    sqlitePath: string;
    azureConnectionString?: string;
    azureAccountUrl?: string;
  };
  /** Azure OpenAI settings; when all present the answer may be phrased by a grounded planner. */
  openAI?: { endpoint: string; apiKey: string; deployment: string; timeoutMs: number };
  /** AAD object ids of policy owners (headteacher, HR, SLT). */
  policyOwners: string[];
  /**
   * Entra tenants whose people may use the bot (ALLOWED_TENANT_IDS), lower-case. Production: always set (a single-tenant
   * bot's defaults to BOT_TENANT_ID). Local mode: unset means the tenant is not checked (nothing is authenticated there
   * anyway); set, it is checked as in production, with the Agents Playground's tenant added.
   */
  allowedTenantIds?: string[];
  /**
   * How many reports, questions and card presses one person may send (REPORTS_PER_PERSON_PER_HOUR,
   * QUESTIONS_PER_PERSON_PER_HOUR, PRESSES_PER_PERSON_PER_HOUR).
   */
  personLimits: PersonLimitSettings;
  /**
   * Days a question staff asked is kept (QUESTION_RETENTION_DAYS): the bot deletes older ones daily, keeping only
   * their counts by day. Safeguarding records are never deleted by the bot.
   */
  questionRetentionDays: number;
}

/** Ninety days: long enough for a policy owner to review and teach what the policy failed, short enough to hold little. */
export const DEFAULT_QUESTION_RETENTION_DAYS = 90;
/** Ten years: a longer setting is a mistake, not a retention period. */
const MAX_QUESTION_RETENTION_DAYS = 3650;

/** Per-person budgets: each refills evenly over an hour, and a full budget may be used at once. */
export interface PersonLimitSettings {
  reportsPerHour: number;
  questionsPerHour: number;
  /** Card presses and every other invoke (a report's Send counts as a report instead). */
  pressesPerHour: number;
}

/**
 * Enough for a member of staff reporting a bad afternoon or working through the policy (the whole policy in the reader is
 * a few dozen presses; read a page at a time, a press every 12 seconds never meets the limit); a flood is slowed to one
 * report every 10 minutes, one question a minute and one press every 12 seconds. A person's first urgent report in an
 * hour is never refused.
 */
export const DEFAULT_PERSON_LIMITS: Readonly<PersonLimitSettings> = Object.freeze({ reportsPerHour: 6, questionsPerHour: 60, pressesPerHour: 300 });
const MAX_PER_HOUR = 100_000;

/** The Microsoft 365 Agents Playground's made-up tenant (scripts/playground.ts), always accepted in local mode. */
export const PLAYGROUND_TENANT_ID = '00000000-0000-0000-0000-0000000000001';
/** An Entra tenant id is a GUID; letters, digits and hyphens keep out a domain name, a wildcard or a typo'd list. */
const TENANT_ID = /^[0-9a-z][0-9a-z-]{0,63}$/i;

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);
/** The public cloud's Bot Connector signing-key metadata (botframework-connector's ToBotFromChannelOpenIdMetadataUrl). */
const PUBLIC_OPENID_METADATA_URL = 'https://login.botframework.com/v1/.well-known/openidconfiguration';

function isTrustedMetadataUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname.replace(/^\[|\]$/g, '')));
  } catch {
    return false;
  }
}

/** The bundled sample policy used by local mode when no POLICY_FILES is given. */
export const DEFAULT_POLICY_FILE = path.join('samples', 'policies', 'liverpool-model.txt');

/** Parses the core settings, collecting every problem rather than stopping at the first. */
export function parseCoreSettings(env: Env): FragmentResult<CoreSettings> {
  const errors: string[] = [];
  const rawMode = readVar(env, 'APP_MODE') ?? 'production';
  let mode: AppMode = 'production';
  if (rawMode === 'local' || rawMode === 'production') mode = rawMode;
  else errors.push(`APP_MODE must be "local" or "production" (got "${rawMode}")`);

  const host = readVar(env, 'HOST') ?? (mode === 'local' ? '127.0.0.1' : '0.0.0.0');
  const port = readPort(env, 'PORT', 3978, errors);
  const botId = readVar(env, 'BOT_ID');
  const rawType = readVar(env, 'BOT_TYPE') ?? 'MultiTenant';
  let appType: CoreSettings['bot']['appType'] = 'MultiTenant';
  if (rawType === 'MultiTenant' || rawType === 'SingleTenant' || rawType === 'UserAssignedMSI') appType = rawType;
  else errors.push(`BOT_TYPE must be MultiTenant, SingleTenant or UserAssignedMSI (got "${rawType}")`);

  const bot: CoreSettings['bot'] = {
    id: botId,
    password: readVar(env, 'BOT_PASSWORD'),
    tenantId: readVar(env, 'BOT_TENANT_ID'),
    appType,
    openIdMetadataUrl: readVar(env, 'BOT_OPENID_METADATA_URL') ?? PUBLIC_OPENID_METADATA_URL,
  };
  if (!isTrustedMetadataUrl(bot.openIdMetadataUrl)) {
    errors.push('BOT_OPENID_METADATA_URL must be an https URL (or http on loopback for a local stand-in)');
  }

  if (mode === 'production') {
    if (!bot.id) errors.push('BOT_ID is required in production (the bot\'s Entra app id); set APP_MODE=local to run without credentials');
    if (appType !== 'UserAssignedMSI' && !bot.password) errors.push('BOT_PASSWORD is required in production unless BOT_TYPE=UserAssignedMSI');
    if (appType !== 'MultiTenant' && !bot.tenantId) errors.push(`BOT_TENANT_ID is required when BOT_TYPE=${appType}`);
  } else if (!LOOPBACK.has(host)) {
    // Local mode accepts unauthenticated requests: it never faces a network, with or without a bot identity.
    errors.push(`APP_MODE=local listens on loopback only (127.0.0.1, localhost or ::1), not HOST=${host}; use production mode to listen on a network`);
  }

  const policyFiles = readList(env, 'POLICY_FILES');
  // Production may start with none: an owner then sends the school's policy in chat (kept in the store, never the repository).
  // Production refuses a bundled sample once the files are read (compose/policy.ts): it is told by what it reads as,
  // whatever its format, which a look at the bytes here could not tell.
  if (policyFiles.length === 0 && mode === 'local') policyFiles.push(DEFAULT_POLICY_FILE);

  const rawStorage = readVar(env, 'STORAGE') ?? 'sqlite';
  let kind: CoreSettings['storage']['kind'] = 'sqlite';
  if (rawStorage === 'sqlite' || rawStorage === 'azure') kind = rawStorage;
  else errors.push(`STORAGE must be "sqlite" or "azure" (got "${rawStorage}")`);
  const storage: CoreSettings['storage'] = {
    kind,
    sqlitePath: readVar(env, 'SQLITE_PATH') ?? path.join('data', 'policy-bot.sqlite'),
    azureConnectionString: readVar(env, 'AZURE_STORAGE_CONNECTION_STRING'),
    azureAccountUrl: readVar(env, 'AZURE_STORAGE_ACCOUNT_URL'),
  };
  if (kind === 'azure' && !storage.azureConnectionString && !storage.azureAccountUrl) {
    errors.push('STORAGE=azure needs AZURE_STORAGE_CONNECTION_STRING or AZURE_STORAGE_ACCOUNT_URL');
  }

  const openAIVars = ['AZURE_OPENAI_ENDPOINT', 'AZURE_OPENAI_API_KEY', 'AZURE_OPENAI_DEPLOYMENT'] as const;
  const present = openAIVars.filter((v) => readVar(env, v) !== undefined);
  let openAI: CoreSettings['openAI'];
  if (present.length === openAIVars.length) {
    openAI = {
      endpoint: readVar(env, 'AZURE_OPENAI_ENDPOINT')!,
      apiKey: readVar(env, 'AZURE_OPENAI_API_KEY')!,
      deployment: readVar(env, 'AZURE_OPENAI_DEPLOYMENT')!,
      timeoutMs: readPositiveNumber(env, 'AZURE_OPENAI_TIMEOUT_MS', 4000, errors),
    };
    // Past a minute staff have given up on the answer; past 2^31 ms Node fires a timer at once.
    if (openAI.timeoutMs > MAX_OPENAI_TIMEOUT_MS) errors.push(`AZURE_OPENAI_TIMEOUT_MS must be at most ${MAX_OPENAI_TIMEOUT_MS} (got "${openAI.timeoutMs}")`);
    // teams-ai refuses a non-https Azure endpoint when the model is built; say so with the other settings.
    if (!/^https:\/\//.test(openAI.endpoint)) errors.push(`AZURE_OPENAI_ENDPOINT must be an https URL (got "${openAI.endpoint}")`);
  } else if (present.length > 0) {
    const missing = openAIVars.filter((v) => !present.includes(v));
    errors.push(`Azure OpenAI is partly configured: also set ${missing.join(', ')} (or unset all three)`);
  }

  const websiteHost = readVar(env, 'WEBSITE_HOSTNAME');
  const rawPublicUrl = readVar(env, 'PUBLIC_URL') ?? (websiteHost ? `https://${websiteHost}` : undefined);
  const publicUrl = rawPublicUrl === undefined ? undefined : withoutTrailingSlashes(rawPublicUrl);
  if (publicUrl !== undefined && !isPublicUrl(publicUrl, mode)) {
    errors.push(`PUBLIC_URL must be the bot's https address with no path, such as https://policybot.azurewebsites.net (got "${publicUrl}")`);
  }

  const timeZone = readVar(env, 'SCHOOL_TIME_ZONE') ?? 'Europe/London';
  if (!isTimeZone(timeZone)) errors.push(`SCHOOL_TIME_ZONE must be an IANA time zone such as Europe/London (got "${timeZone}")`);

  const allowedTenantIds = parseAllowedTenants(env, mode, bot, errors);
  const personLimits: PersonLimitSettings = {
    reportsPerHour: readPositiveInteger(env, 'REPORTS_PER_PERSON_PER_HOUR', DEFAULT_PERSON_LIMITS.reportsPerHour, MAX_PER_HOUR, errors),
    questionsPerHour: readPositiveInteger(env, 'QUESTIONS_PER_PERSON_PER_HOUR', DEFAULT_PERSON_LIMITS.questionsPerHour, MAX_PER_HOUR, errors),
    pressesPerHour: readPositiveInteger(env, 'PRESSES_PER_PERSON_PER_HOUR', DEFAULT_PERSON_LIMITS.pressesPerHour, MAX_PER_HOUR, errors),
  };

  return {
    value: {
      mode, host, port, logLevel: readVar(env, 'LOG_LEVEL') ?? 'info', timeZone, publicUrl, bot, policyFiles, storage, openAI,
      policyOwners: readList(env, 'POLICY_OWNERS'), allowedTenantIds, personLimits,
      questionRetentionDays: readPositiveInteger(env, 'QUESTION_RETENTION_DAYS', DEFAULT_QUESTION_RETENTION_DAYS, MAX_QUESTION_RETENTION_DAYS, errors),
    },
    errors,
  };
}

/**
 * ALLOWED_TENANT_IDS: required in production, where an Azure Bot registered multi-tenant receives activities from any
 * organisation that installs the app; a single-tenant bot (BOT_TYPE=SingleTenant or UserAssignedMSI) defaults to its
 * own BOT_TENANT_ID. Optional in local mode.
 */
function parseAllowedTenants(env: Env, mode: AppMode, bot: CoreSettings['bot'], errors: string[]): string[] | undefined {
  const listed = readList(env, 'ALLOWED_TENANT_IDS');
  const bad = listed.filter((t) => !TENANT_ID.test(t));
  if (bad.length > 0) {
    errors.push(`ALLOWED_TENANT_IDS must list Entra tenant ids, comma-separated: the "Tenant ID" GUID on the Microsoft Entra admin centre's Overview page, not a domain name (got ${bad.map((b) => `"${b}"`).join(', ')})`);
  }
  const ids = [...new Set(listed.filter((t) => TENANT_ID.test(t)).map((t) => t.toLowerCase()))];
  if (mode === 'local') return listed.length > 0 ? [...new Set([...ids, PLAYGROUND_TENANT_ID])] : undefined;
  if (ids.length > 0) return ids;
  if (listed.length === 0 && bot.appType !== 'MultiTenant' && bot.tenantId) return [bot.tenantId.toLowerCase()];
  if (listed.length === 0) {
    errors.push('ALLOWED_TENANT_IDS is required in production: the Entra tenant id of the school\'s staff (comma-separated if the school uses several). '
      + 'Without it, people of any organisation that installs the app could use the bot. A single-tenant bot (BOT_TYPE=SingleTenant or UserAssignedMSI) defaults to BOT_TENANT_ID.');
  }
  return [];
}

/** An origin only (no path, query or credentials): https, or http on loopback in local mode. */
function isPublicUrl(value: string, mode: AppMode): boolean {
  try {
    const url = new URL(value);
    const loopback = LOOPBACK.has(url.hostname.replace(/^\[|\]$/g, ''));
    const schemeOk = url.protocol === 'https:' || (url.protocol === 'http:' && mode === 'local' && loopback);
    return schemeOk && url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password;
  } catch {
    return false;
  }
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
