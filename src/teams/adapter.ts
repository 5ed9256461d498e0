import { CallerIdConstants, ConfigurationServiceClientCredentialFactory } from 'botbuilder';
import {
  AuthenticateRequestResult, AuthenticationConstants, BotFrameworkAuthentication, ClaimsIdentity, ConnectorClient, ConnectorFactory,
  ServiceClientCredentialsFactory, UserTokenClient,
} from 'botframework-connector';
import { TeamsAdapter } from '@microsoft/teams-ai';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import { AppConfig } from '../config';
import { OutboundBudget } from './outboundBudget';
import { budgetedTurns } from './budgetedTurns';

/**
 * Production: the bot's Entra identity is configured, so every incoming request must carry a valid Bot
 * Framework JWT (the adapter answers 401 otherwise) and outgoing calls are authenticated.
 * Local mode: no identity, so requests are accepted unauthenticated; config refuses this off loopback.
 * With `budget`, every request a turn makes to Teams first takes its turn in the app's outbound budget (budgetedTurns.ts).
 * `outgoingCredentials` replaces how outgoing calls get their token (tests: a fixed token for a fake connector on
 * loopback, since the Entra token endpoint cannot be reached); incoming tokens are checked the same either way.
 */
export function createAdapter(config: AppConfig, outgoingCredentials?: ServiceClientCredentialsFactory, budget?: Pick<OutboundBudget, 'acquire'>): TeamsAdapter {
  const adapter = createTeamsAdapter(config, outgoingCredentials);
  reuseTurnClients(adapter);
  // Every reply and card update draws from the app's one budget with Teams, shared with the campaign sender.
  if (budget) adapter.use(budgetedTurns(budget));
  return adapter;
}

function createTeamsAdapter(config: AppConfig, outgoingCredentials?: ServiceClientCredentialsFactory): TeamsAdapter {
  if (config.mode === 'local') {
    return new TeamsAdapter({}, new ConfigurationServiceClientCredentialFactory({}));
  }
  const settings = {
    MicrosoftAppId: config.bot.id,
    MicrosoftAppPassword: config.bot.password,
    MicrosoftAppType: config.bot.appType,
    MicrosoftAppTenantId: config.bot.tenantId,
  };
  // The public cloud's settings, named so that the signing-key metadata is the one the HTTP layer checks tokens
  // against before reading a body (config.bot.openIdMetadataUrl; see requestAuthentication.ts).
  const authentication = {
    ...settings,
    ValidateAuthority: true,
    ToChannelFromBotLoginUrl: AuthenticationConstants.ToChannelFromBotLoginUrl,
    ToChannelFromBotOAuthScope: AuthenticationConstants.ToChannelFromBotOAuthScope,
    ToBotFromChannelTokenIssuer: AuthenticationConstants.ToBotFromChannelTokenIssuer,
    OAuthUrl: AuthenticationConstants.OAuthUrl,
    ToBotFromChannelOpenIdMetadataUrl: config.bot.openIdMetadataUrl,
    ToBotFromEmulatorOpenIdMetadataUrl: AuthenticationConstants.ToBotFromEmulatorOpenIdMetadataUrl,
    CallerId: CallerIdConstants.PublicAzureChannel,
  };
  return new TeamsAdapter(authentication, outgoingCredentials ?? new ConfigurationServiceClientCredentialFactory(settings));
}

/**
 * How long one request of a turn to Teams (a reply, a card update) may wait for Teams to start answering. Teams
 * answers in well under a second; without a limit, a reply address that accepts and never answers held the turn, and
 * the HTTP request that carried it, open for minutes. Under Teams' own wait for a bot's answer (15 s), so the person
 * sees the bot's error rather than Teams' time-out.
 */
export const TURN_CALL_TIMEOUT_MS = 10_000;

/** A request of a turn that set no limit of its own gets TURN_CALL_TIMEOUT_MS; the HTTP client aborts it then. */
export const turnCallTimeout: PipelinePolicy = {
  name: 'schoolPolicyBot_turnCallTimeout',
  sendRequest: (request, next) => {
    if (!(request.timeout > 0)) request.timeout = TURN_CALL_TIMEOUT_MS;
    return next(request);
  },
};

/** The connector client's HTTP pipeline (botbuilder keeps it on a private field of its compatibility layer). */
function withTurnCallTimeout(client: ConnectorClient): ConnectorClient {
  const pipeline = (client as unknown as { client?: { pipeline?: { addPolicy(policy: PipelinePolicy): void } } }).client?.pipeline;
  // Refuses to start rather than run turns with no limit, should a botbuilder upgrade move the pipeline.
  if (!pipeline) throw new Error('the Bot Framework connector client has no HTTP pipeline to set a time limit on');
  pipeline.addPolicy(turnCallTimeout);
  return client;
}

/** Clients kept per bot identity and service URL: a handful in practice (one identity, a few Teams service URLs). */
const KEPT_CLIENTS = 64;

function keep<T>(kept: Map<string, Promise<T>>, key: string, make: () => Promise<T>): Promise<T> {
  let client = kept.get(key);
  if (!client) {
    client = make();
    // A client that failed to be made is not kept: the next turn tries again.
    const made = client;
    made.catch(() => { if (kept.get(key) === made) kept.delete(key); });
    if (kept.size >= KEPT_CLIENTS) kept.delete(kept.keys().next().value as string);
    kept.set(key, client);
  }
  return client;
}

/**
 * The Bot Framework builds a new connector client (an HTTP pipeline of a dozen policies) and a new user-token client
 * for every turn, about a fifth of the CPU an acknowledgement press costs the bot. Both hold nothing of a turn (the
 * credentials they carry cache the bot's own token), so they are made once per bot identity, service URL and audience
 * and reused; every request is still authenticated first, as before. Each request they make has a time limit
 * (TURN_CALL_TIMEOUT_MS).
 */
export function reuseTurnClients(adapter: Pick<TeamsAdapter, never>): void {
  const auth = (adapter as unknown as { botFrameworkAuthentication: BotFrameworkAuthentication }).botFrameworkAuthentication;
  const connectors = new Map<string, Promise<ConnectorClient>>();
  const tokenClients = new Map<string, Promise<UserTokenClient>>();
  // The bot identity the clients are made for, from the claims the Bot Framework's own factories take it from (the
  // token's audience; its app id claim for the Emulator).
  const appIdOf = (identity: ClaimsIdentity) =>
    `${identity.getClaimValue(AuthenticationConstants.AudienceClaim) ?? ''}|${identity.getClaimValue(AuthenticationConstants.AppIdClaim) ?? ''}`;
  const authenticateRequest = auth.authenticateRequest.bind(auth);
  auth.authenticateRequest = async (activity, authHeader): Promise<AuthenticateRequestResult> => {
    const result = await authenticateRequest(activity, authHeader);
    const factory = result.connectorFactory;
    if (!factory) return result;
    const appId = appIdOf(result.claimsIdentity);
    const reused: ConnectorFactory = {
      create: (serviceUrl: string, audience?: string) => keep(connectors, `${appId}\n${serviceUrl}\n${audience ?? ''}`, async () => withTurnCallTimeout(await factory.create(serviceUrl, audience))),
    };
    return { ...result, connectorFactory: reused };
  };
  // Proactive messages (a concern's alert to the safeguarding team, a reply in a person's 1:1 chat) make their
  // clients here: not kept (each is made for its own claims), but given the same time limit.
  const createConnectorFactory = auth.createConnectorFactory.bind(auth);
  auth.createConnectorFactory = (identity: ClaimsIdentity): ConnectorFactory => {
    const factory = createConnectorFactory(identity);
    return { create: async (serviceUrl: string, audience?: string) => withTurnCallTimeout(await factory.create(serviceUrl, audience)) };
  };
  const createUserTokenClient = auth.createUserTokenClient.bind(auth);
  auth.createUserTokenClient = (identity: ClaimsIdentity) => keep(tokenClients, appIdOf(identity), () => createUserTokenClient(identity));
}
