import { AuthenticationConstants, ChannelValidation, ClaimsIdentity, SimpleCredentialProvider } from 'botframework-connector';
// Not re-exported by the package's index; the adapter uses the same class for the same check.
import { JwtTokenExtractor } from 'botframework-connector/lib/auth/jwtTokenExtractor';

/**
 * Checks a Bot Framework request before its body is read: the bearer token must be signed by a key the Bot
 * Connector publishes, issued for this bot, unexpired, and endorsed for Teams. Every failure is the same
 * RequestAuthenticationError, whatever the library said (forged, expired, unreachable key service), so the
 * HTTP layer answers 401 with no detail.
 */
export interface RequestAuthenticator {
  /** Resolves with the token's claims, or rejects with RequestAuthenticationError. */
  authenticate(authorizationHeader: string): Promise<ClaimsIdentity>;
  /** After the body is read: whether the token was issued for the serviceUrl the activity names. */
  serviceUrlMatches(identity: ClaimsIdentity, serviceUrl: string): boolean;
  /** Whether the signing keys can be fetched now (cached for a minute), for the health check. */
  signingKeysReachable(): Promise<boolean>;
}

/** Any reason a request is not authenticated; deliberately without the cause's text. */
export class RequestAuthenticationError extends Error {
  readonly code = 'REQUEST_UNAUTHENTICATED';
  constructor() {
    super('The request is not authenticated');
  }
}

const KEYS_CHECK_TTL_MS = 60_000;
const KEYS_TIMEOUT_MS = 3_000;

/**
 * The Bot Connector's authenticator for a bot identity, with the signing keys published at `openIdMetadataUrl`
 * (the adapter checks tokens against the same keys; see createAdapter.ts).
 */
export function createBotFrameworkAuthenticator(botAppId: string, openIdMetadataUrl: string): RequestAuthenticator {
  const credentials = new SimpleCredentialProvider(botAppId, '');
  const extractor = new JwtTokenExtractor(ChannelValidation.ToBotFromChannelTokenValidationParameters, openIdMetadataUrl, AuthenticationConstants.AllowedSigningAlgorithms);
  let keysChecked: { at: number; ok: boolean } | null = null;
  return {
    async authenticate(header) {
      try {
        // Signature, lifetime and Teams endorsement of the signing key; then issuer and audience.
        const identity = await extractor.getIdentityFromAuthHeader(header, 'msteams');
        if (!identity) throw new RequestAuthenticationError();
        return await ChannelValidation.validateIdentity(identity, credentials);
      } catch {
        throw new RequestAuthenticationError();
      }
    },
    serviceUrlMatches(identity, serviceUrl) {
      const claimed = identity.getClaimValue(AuthenticationConstants.ServiceUrlClaim);
      return typeof claimed === 'string' && claimed === serviceUrl;
    },
    async signingKeysReachable() {
      if (keysChecked && Date.now() - keysChecked.at < KEYS_CHECK_TTL_MS) return keysChecked.ok;
      let ok = false;
      try {
        const metadata = await fetch(openIdMetadataUrl, { signal: AbortSignal.timeout(KEYS_TIMEOUT_MS) });
        const jwksUri = metadata.ok ? ((await metadata.json()) as { jwks_uri?: unknown }).jwks_uri : undefined;
        if (typeof jwksUri === 'string') {
          const keys = await fetch(jwksUri, { signal: AbortSignal.timeout(KEYS_TIMEOUT_MS) });
          ok = keys.ok && Array.isArray(((await keys.json()) as { keys?: unknown }).keys);
        }
      } catch {
        ok = false;
      }
      keysChecked = { at: Date.now(), ok };
      return ok;
    },
  };
}
