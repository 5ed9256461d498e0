import { ConfigurationServiceClientCredentialFactory } from 'botbuilder';
import { TeamsAdapter } from '@microsoft/teams-ai';
import { AppConfig } from '../config';

/**
 * Production: the bot's Entra identity is configured, so every incoming request must carry a valid Bot
 * Framework JWT (the adapter answers 401 otherwise) and outgoing calls are authenticated.
 * Local mode: no identity, so requests are accepted unauthenticated; config refuses this off loopback.
 */
export function createAdapter(config: AppConfig): TeamsAdapter {
  if (config.mode === 'local') {
    return new TeamsAdapter({}, new ConfigurationServiceClientCredentialFactory({}));
  }
  const settings = {
    MicrosoftAppId: config.bot.id,
    MicrosoftAppPassword: config.bot.password,
    MicrosoftAppType: config.bot.appType,
    MicrosoftAppTenantId: config.bot.tenantId,
  };
  return new TeamsAdapter(settings, new ConfigurationServiceClientCredentialFactory(settings));
}
