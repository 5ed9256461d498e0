import { randomUUID } from 'node:crypto';
import { TableClient, TransactionAction } from '@azure/data-tables';
import { submitTransaction } from '../../../src/adapters/azureTables/azureTableTransactions';
import { AzuriteTables, startAzuriteTables } from '../../support/azuriteServer';

/**
 * The store's entity group transactions, written without the SDK's per-call client, against Azurite: each case is run
 * through the SDK's own `submitTransaction` too, in a partition of its own, and both must leave the same rows and answer
 * alike (etags, refusals with their status and the refused operation's index).
 */

let azurite: AzuriteTables;
let table: TableClient;
beforeAll(async () => {
  azurite = await startAzuriteTables();
  table = TableClient.fromConnectionString(azurite.connectionString, `tx${randomUUID().replace(/-/g, '').slice(0, 10)}`, { allowInsecureConnection: true });
  await table.createTable();
});
afterAll(async () => { await azurite?.stop(); });

type Submit = (actions: TransactionAction[]) => Promise<{ subResponses: { status: number; etag?: string }[] }>;
const lean: Submit = (actions) => submitTransaction(table, actions);
const sdk: Submit = (actions) => table.submitTransaction(actions);

/** The rows of a partition as the SDK reads them, without the service's own fields. */
async function rows(pk: string): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for await (const e of table.listEntities<Record<string, unknown>>({ queryOptions: { filter: `PartitionKey eq '${pk.replace(/'/g, "''")}'` } })) {
    const { etag: _etag, timestamp: _timestamp, partitionKey: _pk, ...rest } = e;
    out.push(rest);
  }
  return out;
}

/** Keys with a quote, a bar and a percent sign: as encoded user ids and shard suffixes make them. */
const partitionOf = (who: string) => `c'${who}|07`;

describe('an entity group transaction sent by the store', () => {
  it('when it creates, merges under an etag, replaces, upserts both ways and deletes, then the rows are those the SDK\'s own method leaves, and each etag is the row\'s', async () => {
    const written: Record<string, Record<string, unknown>[]> = {};
    for (const [name, submit] of [['lean', lean], ['sdk', sdk]] as const) {
      const pk = partitionOf(name);
      const first = await table.createEntity({ partitionKey: pk, rowKey: 'u%20merge', kept: 'yes', n: 1 });
      await table.createEntity({ partitionKey: pk, rowKey: 'replace', gone: 'this goes' });
      await table.createEntity({ partitionKey: pk, rowKey: 'delete', x: 1 });
      await table.createEntity({ partitionKey: pk, rowKey: 'upsert-merge', kept: 'yes' });
      const res = await submit([
        ['create', { partitionKey: pk, rowKey: "o'brien", text: 'Ünïcödé — "quoted" \r\n line', n: 3, f: 1.5, b: true,
          when: { value: '2026-01-02T03:04:05.678Z', type: 'DateTime' }, big: { value: '9007199254740993', type: 'Int64' }, whole: { value: '2', type: 'Double' } }],
        ['update', { partitionKey: pk, rowKey: 'u%20merge', n: 2 }, 'Merge', { etag: first.etag }],
        ['update', { partitionKey: pk, rowKey: 'replace', only: 'this' }, 'Replace'],
        ['upsert', { partitionKey: pk, rowKey: 'upsert-merge', added: 'too' }, 'Merge'],
        ['upsert', { partitionKey: pk, rowKey: 'upsert-new', fresh: true }, 'Replace'],
        ['delete', { partitionKey: pk, rowKey: 'delete' }],
      ]);
      expect(res.subResponses.map((r) => r.status)).toEqual([204, 204, 204, 204, 204, 204]);
      const merged = await table.getEntity(pk, 'u%20merge');
      expect(res.subResponses[1].etag).toBe(merged.etag);
      expect((await table.getEntity(pk, "o'brien")).etag).toBe(res.subResponses[0].etag);
      written[name] = await rows(pk);
    }
    expect(written.lean).toEqual(written.sdk);
    expect(written.lean.map((r) => r.rowKey)).toEqual(["o'brien", 'replace', 'u%20merge', 'upsert-merge', 'upsert-new']);
    const typed = await table.getEntity<Record<string, unknown>>(partitionOf('lean'), "o'brien", { disableTypeConversion: true });
    expect(typed).toMatchObject({ when: { type: 'DateTime' }, big: { value: '9007199254740993', type: 'Int64' }, b: { type: 'Boolean' }, f: { type: 'Double' } });
    expect(await table.getEntity(partitionOf('lean'), 'u%20merge')).toMatchObject({ kept: 'yes', n: 2 });
    expect(await table.getEntity(partitionOf('lean'), 'replace')).not.toHaveProperty('gone');
  });

  it('when one operation is refused (a stale etag, a row already there, a row missing), then nothing of it is applied and the refusal is the SDK\'s: status, code and the operation\'s index', async () => {
    for (const [refusal, build] of [
      ['stale etag', (pk: string, stale: string): TransactionAction[] => [
        ['create', { partitionKey: pk, rowKey: 'new' }], ['update', { partitionKey: pk, rowKey: 'row', v: 3 }, 'Merge', { etag: stale }]]],
      ['already there', (pk: string): TransactionAction[] => [['create', { partitionKey: pk, rowKey: 'new' }], ['create', { partitionKey: pk, rowKey: 'row' }]]],
      ['missing', (pk: string): TransactionAction[] => [['create', { partitionKey: pk, rowKey: 'new' }], ['update', { partitionKey: pk, rowKey: 'absent', v: 1 }, 'Merge']]],
    ] as const) {
      const answers: Record<string, { statusCode?: number; code?: string; message?: string }> = {};
      for (const [name, submit] of [['lean', lean], ['sdk', sdk]] as const) {
        const pk = partitionOf(`${name}-${refusal}`);
        const made = await table.createEntity({ partitionKey: pk, rowKey: 'row', v: 1 });
        await table.updateEntity({ partitionKey: pk, rowKey: 'row', v: 2 }, 'Merge', { etag: made.etag });
        const err = await submit(build(pk, made.etag!)).then(() => undefined, (e: { statusCode?: number; code?: string; message?: string }) => e);
        expect(err).toBeDefined();
        answers[name] = { statusCode: err!.statusCode, code: err!.code, message: /^\d+:/.exec(err!.message ?? '')?.[0] };
        expect((await rows(pk)).map((r) => r.rowKey)).toEqual(['row']);
        expect(await table.getEntity(pk, 'row')).toMatchObject({ v: 2 });
      }
      expect(answers.lean).toEqual(answers.sdk);
      expect(answers.lean.statusCode).toBe({ 'stale etag': 412, 'already there': 409, missing: 404 }[refusal]);
      expect(answers.lean.message).toBe('1:');
    }
  });

  it('when its operations name two partitions, then nothing is sent', async () => {
    await expect(lean([['create', { partitionKey: 'a', rowKey: '1' }], ['create', { partitionKey: 'b', rowKey: '1' }]])).rejects.toThrow(/same partitionKey/);
    expect(await rows('a')).toEqual([]);
  });

  it('when the client was not told it may use plain http, then the transaction is refused as every other call of that client is', async () => {
    const strict = TableClient.fromConnectionString(azurite.connectionString, table.tableName);
    await expect(strict.getEntity('p', 'r')).rejects.toThrow(/allowInsecureConnection/);
    await expect(submitTransaction(strict, [['create', { partitionKey: 'strict', rowKey: '1' }]])).rejects.toThrow(/allowInsecureConnection/);
    expect(await rows('strict')).toEqual([]);
  });
});
