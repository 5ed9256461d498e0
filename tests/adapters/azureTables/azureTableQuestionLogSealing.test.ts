import crypto from 'node:crypto';
import { TableClient } from '@azure/data-tables';
import { createAzureTableQuestionLogOn, QUESTION_PARTITION, QUESTION_TABLE, questionEntity, sealPlainQuestionEntities } from '../../../src/adapters/azureTables/azureTableQuestionLog';
import { openRecordTable } from '../../../src/adapters/azureTables/azureTableRecords';
import { createQuestionSealing } from '../../../src/adapters/questionSealing';
import { AzuriteTables, startAzuriteTables } from '../../support/azuriteServer';

/** The Azure question log keeps its text sealed too, with the same contexts as SQLite (issue 40, hole 5). */
describe('Azure Table question log: sealed at rest (Azurite)', () => {
  let azurite: AzuriteTables;
  let client: TableClient;
  const sealing = createQuestionSealing(crypto.randomBytes(32));
  beforeAll(async () => { azurite = await startAzuriteTables(); });
  afterAll(async () => { await azurite?.stop(); });
  beforeEach(async () => {
    const tablePrefix = `s${crypto.randomUUID().replace(/-/g, '').slice(0, 12)}`;
    client = await openRecordTable({ connectionString: azurite.connectionString, allowInsecureConnection: true, tablePrefix }, QUESTION_TABLE);
  });

  /** Every property of every entity in the table, as text: what anyone with the storage account's keys reads. */
  const everythingStored = async (): Promise<string> => {
    const out: unknown[] = [];
    for await (const e of client.listEntities()) out.push(e);
    return JSON.stringify(out);
  };

  it('when a question and its phrasing are recorded, then the table holds neither in the clear, and both read back with the key', async () => {
    const log = createAzureTableQuestionLogOn(client, sealing);
    const id = await log.recordQuestion({
      question: 'Can I share the quibbleton fete photos?', answered: true, citedSection: 'policy#4', askedAt: '2026-11-21T09:00:00.000Z',
      phrasing: { text: 'Only on the marrowfax school account.', section: 'policy#4' },
    });
    await log.recordFeedback(id, false, '2026-11-21T09:01:00.000Z');

    expect(await everythingStored()).not.toMatch(/quibbleton|marrowfax/);
    expect((await log.listFailed(10))[0]).toMatchObject({ id, question: 'Can I share the quibbleton fete photos?', phrasing: { text: 'Only on the marrowfax school account.' } });
  });

  it('when a person chooses a section on a "not sure" reply, then the table holds the choice sealed, and it reads back with the key', async () => {
    const log = createAzureTableQuestionLogOn(client, sealing);
    const id = await log.recordQuestion({ question: 'Can I share my sister\'s gofundme?', answered: true, citedSection: 'policy#4', askedAt: '2026-11-21T09:00:00.000Z', sure: false });
    await log.recordChoice(id, 'quibbleton-policy#12', '2026-11-21T09:01:00.000Z');

    expect(await everythingStored()).not.toMatch(/quibbleton|gofundme/);
    expect((await log.listSuggested(10))[0]).toMatchObject({ id, sure: false, choice: { section: 'quibbleton-policy#12', review: 'open' } });
  });

  it('when an entity was stored in the clear before sealing, then it still reads as it was', async () => {
    await client.createEntity(questionEntity({
      id: 'old-1', question: 'Can I tag pupils?', answered: false, citedSection: null, askedAt: '2026-01-01T00:00:00.000Z',
      phrasedText: null, phrasedSection: null, helpful: null,
    }));

    const log = createAzureTableQuestionLogOn(client, sealing);

    expect(await log.getQuestion('old-1')).toMatchObject({ question: 'Can I tag pupils?' });
    expect((await log.listFailed(10)).map((q) => q.question)).toEqual(['Can I tag pupils?']);
  });

  it('when entities were stored in the clear by an older release, then opening with the key seals them once, and they read as they were', async () => {
    await client.createEntity(questionEntity({
      id: 'old-2', question: 'Can I tag the snorkelwick pupils?', answered: true, citedSection: 'policy#3', askedAt: '2026-01-01T00:00:00.000Z',
      phrasedText: 'Not on the gribble account.', phrasedSection: 'policy#3', helpful: false,
    }));
    const log = createAzureTableQuestionLogOn(client, sealing);
    const recent = await log.recordQuestion({ question: 'already sealed one', answered: false, citedSection: null, askedAt: '2026-02-01T00:00:00.000Z' });

    expect(await sealPlainQuestionEntities(client, sealing)).toBe(1);

    expect(await everythingStored()).not.toMatch(/snorkelwick|gribble/);
    expect(await log.getQuestion('old-2')).toMatchObject({ question: 'Can I tag the snorkelwick pupils?', phrasing: { text: 'Not on the gribble account.' } });
    expect(await log.getQuestion(recent)).toMatchObject({ question: 'already sealed one' });
    // Done once: a later open finds the marker and reads nothing more.
    expect(await sealPlainQuestionEntities(client, sealing)).toBe(0);
  });

  it('when the key does not open the questions already sealed, then nothing is sealed with it', async () => {
    const log = createAzureTableQuestionLogOn(client, sealing);
    await log.recordQuestion({ question: 'sealed with the right key', answered: false, citedSection: null, askedAt: '2026-02-01T00:00:00.000Z' });
    await client.createEntity(questionEntity({
      id: 'old-3', question: 'plain wibblesworth', answered: false, citedSection: null, askedAt: '2026-01-01T00:00:00.000Z',
      phrasedText: null, phrasedSection: null, helpful: null,
    }));

    await expect(sealPlainQuestionEntities(client, createQuestionSealing(crypto.randomBytes(32)))).rejects.toMatchObject({ code: 'FIELD_DECRYPT_FAILED' });
    expect(await everythingStored()).toMatch(/plain wibblesworth/);
  });

  it('when the log has no key, then it records nothing', async () => {
    const log = createAzureTableQuestionLogOn(client);

    await expect(log.recordQuestion({ question: 'in the clear?', answered: false, citedSection: null, askedAt: '2026-11-21T09:00:00.000Z' }))
      .rejects.toMatchObject({ code: 'QUESTION_LOG_KEY_MISSING' });
    expect(await everythingStored()).toBe('[]');
  });

  it('when a disclosure-like question is noted, then only the day is kept and it is never among the failures', async () => {
    const log = createAzureTableQuestionLogOn(client, sealing);

    await log.recordDisclosureLike('2026-11-21T09:14:03.000Z');

    const stored: Record<string, unknown>[] = [];
    for await (const e of client.listEntities({ queryOptions: { filter: `PartitionKey eq '${QUESTION_PARTITION}'` } })) stored.push(e);
    expect(stored.map(({ askedOn }) => askedOn)).toEqual(['2026-11-21']);
    // The day and how it read (offered the report, or held back): nothing else.
    expect(Object.keys(stored[0]).filter((k) => !['partitionKey', 'rowKey', 'etag', 'timestamp', 'odata.etag', 'odata.metadata'].includes(k)).sort()).toEqual(['askedOn', 'reading']);
    expect(stored[0].reading).toBe('offered');
    expect(await log.listFailed(10)).toEqual([]);
  });
});
