/**
 * An outside security test (29 Nov) found that when the bot cannot reach the address an activity says to reply to, the
 * HTTP answer carried the adapter's error text ("connect ECONNREFUSED 127.0.0.1:<port>", a connector's path). A failed
 * turn is answered with a generic error, named in the log by its kind only.
 */
import { freePort } from '../../scripts/playground';
import { PEOPLE, SecurityBot, TENANT, startSecurityBot } from './securityHarness';

describe('when the reply address cannot be reached', () => {
  let bot: SecurityBot;
  beforeAll(async () => { bot = await startSecurityBot(); });
  afterAll(async () => { await bot?.close(); });

  it('then the answer carries no internal error text', async () => {
    // A loopback port with nothing listening on it.
    const port = await freePort();
    // botbuilder prints a failed turn's error to stderr itself, outside the app's log.
    const printed: string[] = [];
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => { printed.push(String(chunk)); return true; });
    // Sent straight, not through the harness: the connector client retries for about ten seconds before it gives up.
    const res = await fetch(`${bot.base}/api/messages`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, signal: AbortSignal.timeout(25_000),
      body: JSON.stringify({
        type: 'message', text: 'help', channelId: 'msteams', serviceUrl: `http://127.0.0.1:${port}`, from: PEOPLE.outsider,
        recipient: { id: '28:school-policy-bot' }, conversation: { id: `a:${PEOPLE.outsider.aadObjectId}`, conversationType: 'personal', tenantId: TENANT },
      }),
    });
    const text = await res.text();
    stderr.mockRestore();
    expect(res.status).toBeGreaterThanOrEqual(400);
    // What it prints is the failure's kind, never the request it made (the conversation's address, the reply it carried).
    expect(printed.join('')).toContain('TurnFailedError: a turn failed (RestError ECONNREFUSED)');
    expect(printed.join('')).not.toMatch(/aad-sec-outsider|\/v3\/conversations|127\.0\.0\.1|request|help/i);
    expect(text).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|\/v3\/conversations/);
    expect(text).toContain('The bot could not process this activity.');
  }, 30_000);
});
