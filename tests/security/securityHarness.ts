/**
 * Starts the whole bot (startApp, local mode) on a free loopback port with a temporary SQLite file, the sample
 * policy and made-up safeguarding and owner ids, and a fake Bot Connector that every activity's serviceUrl points
 * at. Helpers post activities as the Teams channel would and read what a person would see.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { main as policyBotCli } from '../../src/cli/policyBot';
import { RunningApp, startApp } from '../../src/compose/startApp';
import { loadConfig } from '../../src/config';
import { AppLogger, createLogger } from '../../src/shared/logger';
import { sendingStepOf } from '../support/cardAssertions';
import { FakeConnector, startFakeConnector } from '../support/fakeConnector';
import { REPO_ROOT } from '../support/repoRoot';

const REPO = REPO_ROOT;
/** The bundled sample policy. */
export const POLICY = path.join(REPO, 'samples', 'policies', 'liverpool-model.txt');
/** The made-up safeguarding team's channel (a standard channel of the DSL's private team). */
export const DSL_CHANNEL = '19:security-dsl@thread.tacv2';
/** The made-up tenant. */
export const TENANT = 'tenant-security';

/** A Teams user as the channel signs them. */
export interface Person {
  id: string;
  aadObjectId: string;
  name: string;
}

/**
 * Made-up people: only the DSL and deputy are on the safeguarding team; only the owner owns the policy; everyone but the
 * outsider is on the staff list (the roster the harness writes), so only the outsider may not acknowledge.
 */
export const PEOPLE = {
  reporter: { id: '29:sec-reporter', aadObjectId: 'aad-sec-reporter', name: 'Rosalind Quillfeather' },
  dsl: { id: '29:sec-dsl', aadObjectId: 'aad-sec-dsl', name: 'Dana DSL' },
  deputy: { id: '29:sec-deputy', aadObjectId: 'aad-sec-deputy', name: 'Dev Deputy' },
  owner: { id: '29:sec-owner', aadObjectId: 'aad-sec-owner', name: 'Olive Owner' },
  outsider: { id: '29:sec-outsider', aadObjectId: 'aad-sec-outsider', name: 'Oli Outsider' },
  head: { id: '29:sec-head', aadObjectId: 'aad-sec-head', name: 'Hal Head' },
} satisfies Record<string, Person>;

/** How long one request may take before it counts as unanswered. */
export const REQUEST_TIMEOUT_MS = 10_000;

/** The reporter's e-mail as Teams might carry it on the activity. */
export const REPORTER_EMAIL = 'rosalind.quillfeather@school.example';

/** An HTTP answer from /api/messages. */
export interface PostResult {
  status: number;
  text: string;
  /** The parsed JSON body, or undefined when it was empty or not JSON. */
  body: unknown;
}

/** A running bot with its fake connector. */
export interface SecurityBot {
  app: RunningApp;
  /** The concern encryption key the bot runs with, so a test can read what it recorded (who acted is encrypted). */
  concernKey: string;
  base: string;
  connector: FakeConnector;
  /** Posts a raw body (already a string) to /api/messages, as JSON unless the headers say otherwise. */
  postRaw(body: string, headers?: Record<string, string>): Promise<PostResult>;
  /** Posts an activity; channel defaults (serviceUrl, channelId, recipient, tenant) are filled unless the activity sets them. */
  post(activity: Record<string, unknown>): Promise<PostResult>;
  /** A message from a person in their 1:1 chat. */
  message(person: Person, text: string, conversation?: Record<string, unknown>): Promise<PostResult>;
  /** An Action.Execute invoke from a person. */
  execute(person: Person, verb: string, data: unknown, conversation?: Record<string, unknown>): Promise<PostResult>;
  /** Row counts of every table in the database. */
  rowCounts(): Record<string, number>;
  close(): Promise<void>;
}

/** A person's 1:1 conversation with the bot. */
export function personalConversation(person: Person): Record<string, unknown> {
  return { id: `a:${person.aadObjectId}`, conversationType: 'personal', tenantId: TENANT };
}

/** The safeguarding team's channel, as a reply thread. */
export function dslConversation(): Record<string, unknown> {
  return { id: `${DSL_CHANNEL};messageid=1700000000000`, conversationType: 'channel', isGroup: true, tenantId: TENANT };
}

/** A pino destination that keeps every line. */
export function captureLines(): { lines: string[]; destination: pino.DestinationStream } {
  const lines: string[] = [];
  return { lines, destination: { write: (s: string) => { lines.push(s); } } };
}

/**
 * Starts the bot and its fake connector. The live policy's rules for "check my post" are read at the first draft, not at
 * start (about 0.85 s of CPU a start), unless `readDraftRulesAtStart` asks for the product's own start.
 */
export async function startSecurityBot(options: { logger?: AppLogger; env?: Record<string, string>; readDraftRulesAtStart?: boolean } = {}): Promise<SecurityBot> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bot-security-'));
  const connector = await startFakeConnector({ ratePerSecond: 0 });
  const roster = path.join(dir, 'roster.csv');
  fs.writeFileSync(roster, ['aadObjectId,name,upn', ...Object.values(PEOPLE).filter((p) => p !== PEOPLE.outsider)
    .map((p) => `${p.aadObjectId},${p.name},${p.aadObjectId}@school.example`)].join('\n'));
  const config = loadConfig({
    APP_MODE: 'local',
    HOST: '127.0.0.1',
    PORT: '0',
    POLICY_FILES: POLICY,
    SQLITE_PATH: path.join(dir, 'bot.sqlite'),
    SAFEGUARDING_TEAM: `${PEOPLE.dsl.aadObjectId}=${PEOPLE.dsl.name},${PEOPLE.deputy.aadObjectId}=${PEOPLE.deputy.name}`,
    CONCERN_DSL_CHANNEL_ID: DSL_CHANNEL,
    CONCERN_DEPUTY_DSL: PEOPLE.deputy.aadObjectId,
    CONCERN_SENIOR_MANAGER: PEOPLE.deputy.aadObjectId,
    CONCERN_HEADTEACHER: PEOPLE.head.aadObjectId,
    CONCERN_CHAIR_OF_GOVERNORS: 'aad-sec-chair',
    CONCERN_ENCRYPTION_KEY: crypto.randomBytes(32).toString('base64'),
    POLICY_OWNERS: PEOPLE.owner.aadObjectId,
    BOT_SERVICE_URL: connector.serviceUrl,
    ROSTER_FILE: roster,
    ...options.env,
  });
  const app = await startApp(config, options.logger ?? createLogger('silent'), { readDraftRulesAtStart: options.readDraftRulesAtStart ?? false });
  const base = `http://127.0.0.1:${app.port}`;
  let seq = 0;

  async function postRaw(body: string, headers: Record<string, string> = {}): Promise<PostResult> {
    // A request the bot never answers must fail this one case, not hang the suite.
    const res = await fetch(`${base}/api/messages`, {
      method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await res.text();
    let parsed: unknown;
    try { parsed = text ? JSON.parse(text) : undefined; } catch { parsed = undefined; }
    return { status: res.status, text, body: parsed };
  }

  const post = (activity: Record<string, unknown>) => postRaw(JSON.stringify({
    channelId: 'msteams',
    serviceUrl: connector.serviceUrl,
    id: `sec-${++seq}`,
    timestamp: new Date().toISOString(),
    recipient: { id: '28:school-policy-bot', name: 'School Policy Bot' },
    channelData: { tenant: { id: TENANT } },
    locale: 'en-GB',
    ...activity,
  }));

  return {
    app, base, connector, postRaw, post, concernKey: config.concerns.encryptionKey,
    message: (person, text, conversation = personalConversation(person)) =>
      post({ type: 'message', text, textFormat: 'plain', from: person, conversation }),
    execute: (person, verb, data, conversation = personalConversation(person)) => post({
      type: 'invoke', name: 'adaptiveCard/action', from: person, conversation, replyToId: `card-${seq}`,
      value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
    }),
    rowCounts() {
      const tables = (app.db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`).all() as { name: string }[])
        .map((t) => t.name);
      return Object.fromEntries(tables.map((t) => [t, (app.db.prepare(`SELECT COUNT(*) AS n FROM "${t}"`).get() as { n: number }).n]));
    },
    async close() {
      await app.close();
      await connector.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Asks a question in a person's 1:1 chat and sends it to the policy owners as its reply offers (issue 69: a question is
 * kept only when its asker sends it): Send at once on "the policy doesn't cover that", or after "No" on "Was this
 * helpful?" or "None of these". `typed` is what the box holds when Send is pressed (the question itself by default).
 * Returns Send's answer and the question's id; throws when the reply offers no way to send.
 */
export async function askAndSend(bot: SecurityBot, person: Person, question: string, typed = question): Promise<PostResult & { questionId: string }> {
  const before = bot.connector.deliveries.length;
  await bot.message(person, question);
  const reply = bot.connector.deliveries.slice(before).map((d) => d.activity);
  let { send, first } = sendingStepOf(reply);
  if (!send && first) send = sendingStepOf((await bot.execute(person, first.verb, first.data)).body).send;
  if (!send) throw new Error(`the reply to "${question}" offered no way to send it to the policy owners`);
  return { ...(await bot.execute(person, send.verb, { ...send.data, question: typed })), questionId: String(send.data.questionId) };
}

/** What `policy-bot unanswered` prints from the bot's database, as an owner on the server runs it (the card's twin). */
export async function unansweredFromCli(bot: SecurityBot): Promise<string> {
  const lines: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation((line: string) => { lines.push(line); });
  try {
    const code = await policyBotCli(['unanswered', '--db', bot.app.db.name], { APP_MODE: 'local', POLICY_FILES: POLICY, CONCERN_ENCRYPTION_KEY: bot.concernKey });
    if (code !== 0) throw new Error(`policy-bot unanswered exited with ${code}`);
  } finally {
    log.mockRestore();
  }
  return lines.join('\n');
}

/** A valid concern form, as the card's inputs send it back. */
export function concernForm(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    kind: 'childSafety',
    whatHappened: 'A pupil said something worrying in a chat.',
    whenHappened: 'Yesterday afternoon',
    where: 'Class Teams chat',
    link: '',
    peopleInvolved: 'not known',
    evidence: '',
    immediateDanger: 'false',
    aboutHeadteacher: 'false',
    ...overrides,
  };
}

/** All human-readable text in an invoke response or a delivered activity (message text and card text). */
export function readableText(value: unknown): string {
  const out: string[] = [];
  const walk = (n: unknown): void => {
    if (typeof n === 'string') { out.push(n); return; }
    if (Array.isArray(n)) { n.forEach(walk); return; }
    if (!n || typeof n !== 'object') return;
    Object.values(n as Record<string, unknown>).forEach(walk);
  };
  walk(value);
  return out.join('\n');
}

/** Signs that internals leaked to a person: an error name, a stack frame or a source path. */
export const LEAK_PATTERNS: readonly RegExp[] = [
  /\b(Type|Reference|Range|Syntax)?Error:/,
  /^\s*at .+\(.+\)$/m,
  /\bat .+\.(js|ts):\d+/,
  /\/(work|home|usr|tmp)\/\S+\.(js|ts)\b/,
  /node_modules/,
  /\bSQLITE_[A-Z]+/,
  /CONCERN_APPEND_ONLY/,
];

/** The first leak pattern the text matches, or undefined. */
export function leakIn(text: string): string | undefined {
  return LEAK_PATTERNS.find((p) => p.test(text))?.source;
}
