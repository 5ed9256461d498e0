import { CallerIdConstants, ConfigurationServiceClientCredentialFactory } from 'botbuilder';
import { AuthenticationConstants, ServiceClientCredentialsFactory } from 'botframework-connector';
import { TeamsAdapter } from '@microsoft/teams-ai';
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
