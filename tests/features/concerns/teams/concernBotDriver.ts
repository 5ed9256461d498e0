import { composeConcerns, ConcernCompositionDeps } from '../../../../src/compose/concerns';
import { ConcernFeature } from '../../../../src/features/concerns/teams/concernFeature';
import { startBotHost } from '../../../support/botHost';
import { ConnectorCall } from '../../../support/fakeConnector';
import { parseConcernSettings } from '../../../../src/config/concernSettings';
import { createFieldCipher } from '../../../../src/shared/fieldEncryption';
import { createSqliteConcernStore } from '../../../../src/adapters/sqlite/sqliteConcernStore';
import { SqliteDatabase } from '../../../../src/adapters/sqlite/sqliteDatabase';
import { capturedLogger, noSleep } from '../domain/concernFakes';

/**
 * Component tests over real HTTP: the product's bot app and server (tests/support/botHost) serve /api/messages on a
 * free loopback port; the bot's outgoing Bot Framework calls (replies, proactive posts, 1:1 creation, card updates,
 * member lists) go to a fake connector, also on loopback, that records them.
 */

/** The people of the component tests: a Teams id (29:...) and an Entra object id each. */
export const PEOPLE = {
  reporter: { id: '29:reporter', aadObjectId: 'aad-reporter', name: 'Robin Reporter' },
  dsl: { id: '29:dsl', aadObjectId: 'aad-dsl', name: 'Dana DSL' },
  deputy: { id: '29:deputy', aadObjectId: 'aad-deputy', name: 'Dev Deputy' },
  outsider: { id: '29:outsider', aadObjectId: 'aad-outsider', name: 'Oli Outsider' },
  owner: { id: '29:owner', aadObjectId: 'aad-owner', name: 'Olu Owner' },
};

/** A person of the tests. */
export type Person = (typeof PEOPLE)['reporter'];

/** The safeguarding channel's conversation id. */
export const CHANNEL = '19:safeguarding@thread.tacv2';

/** Every role filled; the DSL channel the safeguarding place (by its old name, as schools have it today). */
export const ENV = {
  SAFEGUARDING_TEAM: `${PEOPLE.dsl.aadObjectId}=Dana DSL,${PEOPLE.deputy.aadObjectId}=Dev Deputy`,
  CONCERN_DSL_CHANNEL_ID: CHANNEL,
  CONCERN_DEPUTY_DSL: PEOPLE.deputy.aadObjectId,
  CONCERN_SENIOR_MANAGER: 'aad-senior-manager',
  CONCERN_HEADTEACHER: 'aad-head',
  CONCERN_CHAIR_OF_GOVERNORS: 'aad-chair',
};

/** Starts the concern feature behind the real server; `extra` reaches composeConcerns (owners, origin, watch time). */
export async function startBotServer(
  db: SqliteDatabase, env: Record<string, string>, deliveryWaitMs: number, now?: () => Date,
  extra: Partial<Pick<ConcernCompositionDeps, 'owners' | 'teamsOrigin' | 'undeliveredAlertMs'>> = {},
) {
  const { value: settings, errors } = parseConcernSettings(env, 'local');
  if (errors.length) throw new Error(errors.join('; '));
  const captured = capturedLogger();
  let feature!: ConcernFeature;
  const host = await startBotHost((adapter) => {
    feature = composeConcerns({
      settings, store: createSqliteConcernStore(db, createFieldCipher(settings.encryptionKey)), adapter, botAppId: '',
      logger: captured.logger, sleep: noSleep, deliveryWaitMs, now, ...extra,
    });
    return [feature];
  }, captured.logger);
  return { feature, host, botUrl: host.botUrl, logLines: captured.lines };
}

/** The bot plus helpers that post activities to it as Teams would, from the fake connector's service. */
export async function startBot(
  connectorUrl: string, db: SqliteDatabase, env: Record<string, string>, deliveryWaitMs = 60_000, now?: () => Date,
  extra: Parameters<typeof startBotServer>[4] = {},
) {
  const { feature, host, botUrl, logLines } = await startBotServer(db, env, deliveryWaitMs, now, extra);
  let seq = 0;

  async function send(activity: Record<string, unknown>): Promise<{ status: number; body: unknown }> {
    const res = await fetch(botUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        channelId: 'msteams', serviceUrl: connectorUrl, id: `incoming-${++seq}`, timestamp: new Date().toISOString(),
        recipient: { id: '28:bot', name: 'School Policy Bot' }, channelData: { tenant: { id: 'tenant-1' } }, ...activity,
      }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }
  const personal = (user: Person) => ({ id: `a:personal-${user.id}`, conversationType: 'personal', tenantId: 'tenant-1' });
  const channel = { id: `${CHANNEL};messageid=1`, conversationType: 'channel', isGroup: true, tenantId: 'tenant-1' };

  return {
    feature, logLines, send,
    close: () => host.close(),
    message: (user: Person, text: string, conversation: object = personal(user)) =>
      send({ type: 'message', text, from: user, conversation }),
    execute: (user: Person, verb: string, data: object, conversation: object = personal(user), replyToId = 'card-1') =>
      send({
        type: 'invoke', name: 'adaptiveCard/action', from: user, conversation, replyToId,
        value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
      }),
    invoke: (user: Person, name: string, value: object, conversation: object) =>
      send({ type: 'invoke', name, from: user, conversation, value }),
    channel,
    personal,
  };
}

/** The reference of the report filed last (references are random: a test reads the one it got). */
export const referenceIn = (database: SqliteDatabase): string =>
  (database.prepare('SELECT reference FROM concerns ORDER BY id DESC LIMIT 1').get() as { reference: string }).reference;

type InvokeBody = { statusCode: number; type: string; value: unknown };

/** The card an invoke answered with (it must be a card). */
export function cardOf(body: unknown): Record<string, unknown> {
  const b = body as InvokeBody;
  expect(b.type).toBe('application/vnd.microsoft.card.adaptive');
  return b.value as Record<string, unknown>;
}

/** The cards a connector call carried. */
export function cardsIn(call: ConnectorCall): Record<string, unknown>[] {
  const attachments = (call.body.attachments ?? (call.body.activity as { attachments?: unknown[] } | undefined)?.attachments ?? []) as { content: Record<string, unknown> }[];
  return attachments.map((a) => a.content);
}
