import { createBotConnectorSender } from '../../../src/adapters/botConnector/botConnectorSender';
import { FakeConnector, startFakeConnector } from '../../support/fakeConnector';

describe('posting an activity to the Bot Connector', () => {
  let connector: FakeConnector;

  afterEach(async () => {
    await connector.close();
  });

  it('when the request is on the wire, then the sender says so at once, before the connector answers', async () => {
    // The connector takes 300 ms to answer, as Teams may: the budget must count the request from when it left, not then.
    connector = await startFakeConnector({ latencyMs: 300 });
    const sender = createBotConnectorSender();
    let answered = false;
    let answeredWhenWritten: boolean | undefined;
    const sending = sender.send({ serviceUrl: connector.serviceUrl, conversationId: 'a:u1' }, { type: 'message', text: 'hello' }, () => { answeredWhenWritten ??= answered; });
    const result = await sending.finally(() => { answered = true; });

    expect(result.status).toBe(201);
    expect(connector.deliveriesTo('u1')).toHaveLength(1);
    // Told while the connector still held the answer back, not when it came.
    expect(answeredWhenWritten).toBe(false);
  });

  it('when the connector cannot be reached, then the sender says it will not go, and the status is 0', async () => {
    connector = await startFakeConnector({});
    const url = connector.serviceUrl;
    await connector.close();
    connector = await startFakeConnector({});
    let told = 0;
    const result = await createBotConnectorSender().send({ serviceUrl: url, conversationId: 'a:u1' }, { type: 'message' }, () => { told += 1; });

    expect(result).toEqual({ status: 0, errorCode: 'Unreachable' });
    expect(told).toBeGreaterThanOrEqual(1);
  });
});
