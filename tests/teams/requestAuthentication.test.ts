import crypto from 'node:crypto';
import { createBotFrameworkAuthenticator, RequestAuthenticationError } from '../../src/teams/requestAuthentication';
import { BotKeyService, PRODUCTION_BOT_ID, startBotKeyService } from '../support/productionBot';
import { quietExpectedLibraryErrors } from '../support/expectedLibraryErrors';

/**
 * Issue 49: Teams signs one token and reuses it for many requests, and a flood of ten thousand presses carried the same
 * token ten thousand times, each verified in full. A token is verified once and then recognised by its exact text until
 * it expires; anything else (another token, a forged or altered one) is still verified in full.
 */
describe('the request authenticator recognises a token it has verified', () => {
  quietExpectedLibraryErrors();
  let keys: BotKeyService;
  beforeAll(async () => { keys = await startBotKeyService(); });
  afterAll(async () => { await keys.close(); });

  const now = () => Math.floor(Date.now() / 1000);
  const claims = (extra: Record<string, unknown> = {}) => ({
    iss: 'https://api.botframework.com', aud: PRODUCTION_BOT_ID, iat: now() - 10, nbf: now() - 10, exp: now() + 600, serviceurl: 'https://smba.example/', ...extra,
  });

  it('when the same token comes many times, then its signature is checked once; another token, or an altered one, is checked in full', async () => {
    const authenticator = createBotFrameworkAuthenticator(PRODUCTION_BOT_ID, keys.url);
    const token = keys.sign(claims());
    // Fetch the signing keys first, so only signature checks are counted.
    await authenticator.authenticate(`Bearer ${keys.sign(claims({ jti: 'warm' }))}`);
    const verify = jest.spyOn(crypto, 'createVerify');
    try {
      for (let i = 0; i < 100; i++) {
        const identity = await authenticator.authenticate(`Bearer ${token}`);
        expect(authenticator.serviceUrlMatches(identity, 'https://smba.example/')).toBe(true);
      }
      expect(verify).toHaveBeenCalledTimes(1);
      await authenticator.authenticate(`Bearer ${keys.sign(claims({ jti: 'another' }))}`);
      expect(verify).toHaveBeenCalledTimes(2);

      const altered = `${token.slice(0, -4)}${token.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;
      await expect(authenticator.authenticate(`Bearer ${altered}`)).rejects.toBeInstanceOf(RequestAuthenticationError);
      const forged = keys.sign(claims(), { key: crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey });
      await expect(authenticator.authenticate(`Bearer ${forged}`)).rejects.toBeInstanceOf(RequestAuthenticationError);
      // A refused token is not remembered: each try is checked again.
      await expect(authenticator.authenticate(`Bearer ${forged}`)).rejects.toBeInstanceOf(RequestAuthenticationError);
      expect(verify.mock.calls.length).toBeGreaterThanOrEqual(4);
    } finally {
      verify.mockRestore();
    }
  });

  it('when a token for another bot comes, then it is refused however often it is sent', async () => {
    const authenticator = createBotFrameworkAuthenticator(PRODUCTION_BOT_ID, keys.url);
    const other = keys.sign(claims({ aud: '99999999-9999-9999-9999-999999999999' }));
    for (let i = 0; i < 3; i++) await expect(authenticator.authenticate(`Bearer ${other}`)).rejects.toBeInstanceOf(RequestAuthenticationError);
  });
});
