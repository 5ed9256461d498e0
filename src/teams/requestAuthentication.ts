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
/** How long a token already verified is recognised without verifying it again (never past its own expiry). */
const VERIFIED_TTL_MS = 5 * 60_000;
/** Tokens remembered at most: Teams signs one for a while and reuses it, so a handful are live at once. */
const VERIFIED_MAX = 1_000;

/**
 * The Bot Connector's authenticator for a bot identity, with the signing keys published at `openIdMetadataUrl`
 * (the adapter checks tokens against the same keys; see createAdapter.ts).
 */
export function createBotFrameworkAuthenticator(botAppId: string, openIdMetadataUrl: string): RequestAuthenticator {
  const credentials = new SimpleCredentialProvider(botAppId, '');
  const extractor = new JwtTokenExtractor(ChannelValidation.ToBotFromChannelTokenValidationParameters, openIdMetadataUrl, AuthenticationConstants.AllowedSigningAlgorithms);
  let keysChecked: { at: number; ok: boolean } | null = null;
  // Teams reuses one token for many requests: each is verified in full once, then recognised by its exact text until it
  // expires (or for five minutes). A flood of requests with the same token costs one signature check, not thousands.
  const verified = new Map<string, { identity: ClaimsIdentity; until: number }>();
  return {
    async authenticate(header) {
      const known = verified.get(header);
      if (known && Date.now() < known.until) return known.identity;
      if (known) verified.delete(header);
      let identity: ClaimsIdentity;
      try {
        // Signature, lifetime and Teams endorsement of the signing key; then issuer and audience.
        const found = await extractor.getIdentityFromAuthHeader(header, 'msteams');
        if (!found) throw new RequestAuthenticationError();
        identity = await ChannelValidation.validateIdentity(found, credentials);
      } catch {
        throw new RequestAuthenticationError();
      }
      const expiresAt = Number(identity.getClaimValue('exp')) * 1000;
      const until = Math.min(Date.now() + VERIFIED_TTL_MS, Number.isFinite(expiresAt) ? expiresAt : 0);
      if (until > Date.now()) {
        if (verified.size >= VERIFIED_MAX) verified.delete(verified.keys().next().value as string);
        verified.set(header, { identity, until });
      }
      return identity;
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
