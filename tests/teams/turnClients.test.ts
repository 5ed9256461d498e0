import { AuthenticateRequestResult, ClaimsIdentity, ConnectorClient, UserTokenClient } from 'botframework-connector';
import { reuseTurnClients, turnCallTimeout, TURN_CALL_TIMEOUT_MS } from '../../src/teams/adapter';

/** A stand-in for the Bot Framework's authentication, counting what it is asked to make. */
function fakeAuthentication() {
  const made = { authenticated: 0, connectors: [] as string[], tokenClients: 0, policies: [] as string[][] };
  // A client as the Bot Framework makes one, with the HTTP pipeline the bot adds its time limit to.
  const client = (serviceUrl: string) => {
    const policies: string[] = [];
    made.policies.push(policies);
    return { serviceUrl, client: { pipeline: { addPolicy: (policy: { name: string }) => policies.push(policy.name) } } } as unknown as ConnectorClient;
  };
  let refuse = false;
  let failNextCreate = false;
  const identity = (aud: string) => new ClaimsIdentity([{ type: 'aud', value: aud }], true);
  const auth = {
    async authenticateRequest(activity: { serviceUrl?: string }, authHeader: string): Promise<AuthenticateRequestResult> {
      made.authenticated += 1;
      if (refuse || authHeader !== 'Bearer good') throw Object.assign(new Error('Unauthorized'), { statusCode: 401 });
      return {
        audience: 'https://api.botframework.com', callerId: 'urn:botframework:azure', claimsIdentity: identity('bot-app'),
        connectorFactory: {
          async create(serviceUrl: string, audience?: string) {
            if (failNextCreate) { failNextCreate = false; throw new Error('token endpoint down'); }
            made.connectors.push(`${serviceUrl} ${audience}`);
            return client(serviceUrl);
          },
        },
      };
    },
    createConnectorFactory(_identity: ClaimsIdentity) {
      return { create: async (serviceUrl: string) => client(serviceUrl) };
    },
    async createUserTokenClient(_identity: ClaimsIdentity): Promise<UserTokenClient> {
      made.tokenClients += 1;
      return {} as UserTokenClient;
    },
  };
  return { adapter: { botFrameworkAuthentication: auth }, auth, made, identity, refuseAll: () => { refuse = true; }, failNextCreate: () => { failNextCreate = true; } };
}

describe('connector and user-token clients made once, not per turn', () => {
  it('when many turns arrive, then every one is authenticated, and one client is made per service URL and one token client per bot', async () => {
    const { adapter, auth, made, identity } = fakeAuthentication();
    reuseTurnClients(adapter as never);
    for (let i = 0; i < 5; i++) {
      const result = await auth.authenticateRequest({}, 'Bearer good');
      await result.connectorFactory!.create('https://smba.one/', result.audience);
      await result.connectorFactory!.create(i % 2 ? 'https://smba.two/' : 'https://smba.one/', result.audience);
      await auth.createUserTokenClient(identity('bot-app'));
    }
    expect(made.authenticated).toBe(5);
    expect(made.connectors).toEqual(['https://smba.one/ https://api.botframework.com', 'https://smba.two/ https://api.botframework.com']);
    expect(made.tokenClients).toBe(1);
    // Each client made has the time limit on its requests, once, however often it is reused.
    expect(made.policies).toEqual([[turnCallTimeout.name], [turnCallTimeout.name]]);
    await auth.createUserTokenClient(identity('another-bot'));
    expect(made.tokenClients).toBe(2);
  });

  it('when a request is not authenticated, then it is refused even though clients are kept from earlier turns', async () => {
    const { adapter, auth, refuseAll } = fakeAuthentication();
    reuseTurnClients(adapter as never);
    const first = await auth.authenticateRequest({}, 'Bearer good');
    await first.connectorFactory!.create('https://smba.one/', first.audience);
    await expect(auth.authenticateRequest({}, 'Bearer forged')).rejects.toMatchObject({ statusCode: 401 });
    refuseAll();
    await expect(auth.authenticateRequest({}, 'Bearer good')).rejects.toMatchObject({ statusCode: 401 });
  });

  it('when making a client fails, then the failure is not kept: the next turn makes one afresh', async () => {
    const { adapter, auth, made, failNextCreate } = fakeAuthentication();
    reuseTurnClients(adapter as never);
    failNextCreate();
    const result = await auth.authenticateRequest({}, 'Bearer good');
    await expect(result.connectorFactory!.create('https://smba.one/', result.audience)).rejects.toThrow('token endpoint down');
    await new Promise((resolve) => setImmediate(resolve));
    await expect((await auth.authenticateRequest({}, 'Bearer good')).connectorFactory!.create('https://smba.one/', result.audience)).resolves.toBeDefined();
    expect(made.connectors).toHaveLength(1);
  });

  it('when a proactive message makes its client, then that client has the time limit too', async () => {
    const { adapter, auth, made, identity } = fakeAuthentication();
    reuseTurnClients(adapter as never);
    await (auth as unknown as { createConnectorFactory(i: ClaimsIdentity): { create(url: string): Promise<ConnectorClient> } })
      .createConnectorFactory(identity('bot-app')).create('https://smba.one/');
    expect(made.policies).toEqual([[turnCallTimeout.name]]);
  });

  it('when a request of a turn sets no limit of its own, then it gets the time limit; one that set its own keeps it', async () => {
    const seen: number[] = [];
    const next = async (request: { timeout: number }) => { seen.push(request.timeout); return {} as never; };
    await turnCallTimeout.sendRequest({ timeout: 0 } as never, next as never);
    await turnCallTimeout.sendRequest({ timeout: 2_500 } as never, next as never);
    expect(seen).toEqual([TURN_CALL_TIMEOUT_MS, 2_500]);
  });
});
