import { Client } from '@microsoft/microsoft-graph-client';
import { AppInstaller, DeliveryError, PersonalChat } from '../../features/acknowledgement/sending/sendingPorts';
import { RateLimiter } from '../../features/acknowledgement/sending/rateLimiter';
import { graphStatus, toDeliveryError } from './graphErrors';
import { withoutTrailingSlashes } from '../../shared/linearTrim';

/** Options of the Graph app installer. */
export interface GraphAppInstallerOptions {
  /** Graph base URL without version (the bind URL must point at the same Graph). */
  baseUrl: string;
  /** The app's id in the tenant catalog, when known. */
  catalogId?: string;
  /** The manifest id, to look the catalog id up (`externalId`) when catalogId is not given. */
  manifestId?: string;
  /** The tenant's installedApps budget; every Graph call here draws from it. */
  limiter?: RateLimiter;
}

/**
 * Proactive install through Graph: `POST /users/{id}/teamwork/installedApps` (201, or 409 when already
 * installed), then the installation is found by catalog id and its 1:1 chat read from
 * `.../installedApps/{installationId}/chat`. Each call draws from the 30/s installedApps budget.
 */
export function createGraphAppInstaller(client: Client, options: GraphAppInstallerOptions): AppInstaller {
  const baseUrl = withoutTrailingSlashes(options.baseUrl);
  let catalogId: Promise<string> | undefined = options.catalogId ? Promise.resolve(options.catalogId) : undefined;

  const call = async <T>(fn: () => Promise<T>): Promise<T> => {
    await options.limiter?.acquire();
    return fn();
  };

  async function resolveCatalogId(): Promise<string> {
    if (!options.manifestId) throw new DeliveryError('APP_NOT_IN_CATALOG', 'Neither a catalog id nor a manifest id is configured');
    const manifestId = options.manifestId.replace(/'/g, "''");
    const res = (await call(() => client.api('/appCatalogs/teamsApps').filter(`externalId eq '${manifestId}'`).get())) as {
      value?: { id: string }[];
    };
    const id = res.value?.[0]?.id;
    if (!id) throw new DeliveryError('APP_NOT_IN_CATALOG', 'The app is not in the tenant app catalog');
    return id;
  }

  async function appCatalogId(): Promise<string> {
    catalogId ??= resolveCatalogId().catch((err) => {
      catalogId = undefined;
      throw toDeliveryError(err, 'APP_NOT_IN_CATALOG', 'Looking up the app in the catalog');
    });
    return catalogId;
  }

  return {
    async installForUser(userId: string): Promise<PersonalChat> {
      const appId = await appCatalogId();
      const user = encodeURIComponent(userId);
      let alreadyInstalled = false;
      try {
        await call(() =>
          client.api(`/users/${user}/teamwork/installedApps`).post({
            'teamsApp@odata.bind': `${baseUrl}/v1.0/appCatalogs/teamsApps/${appId}`,
          }),
        );
      } catch (err) {
        const status = graphStatus(err);
        // A 2xx whose (empty) body the client could not parse is still a successful install.
        if (status === 409) alreadyInstalled = true;
        else if (status < 200 || status >= 300) throw toDeliveryError(err, 'INSTALL_FAILED', 'Installing the app');
      }
      try {
        const installs = (await call(() =>
          client
            .api(`/users/${user}/teamwork/installedApps`)
            .expand('teamsApp')
            .filter(`teamsApp/id eq '${appId.replace(/'/g, "''")}'`)
            .get(),
        )) as { value?: { id: string }[] };
        const installationId = installs.value?.[0]?.id;
        // Just after an install the listing can lag behind: worth another try later.
        if (!installationId) throw new DeliveryError('INSTALL_FAILED', 'Installation not listed yet', { transient: true });
        const chat = (await call(() =>
          client.api(`/users/${user}/teamwork/installedApps/${encodeURIComponent(installationId)}/chat`).get(),
        )) as { id?: string };
        if (!chat.id) throw new DeliveryError('INSTALL_FAILED', 'Graph returned no chat id', { transient: true });
        return { conversationId: chat.id, alreadyInstalled };
      } catch (err) {
        if (graphStatus(err) === 404) {
          throw new DeliveryError('INSTALL_FAILED', 'Chat not found yet', { status: 404, transient: true });
        }
        throw toDeliveryError(err, 'INSTALL_FAILED', 'Finding the chat');
      }
    },
  };
}
