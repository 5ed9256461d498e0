import { TableClient } from '@azure/data-tables';
import { GroupInsert } from '../../../src/adapters/azureTables/azureTableGroupInsert';

/** A table in memory that refuses a transaction holding an existing row as the service does: 409, all or nothing. */
function memoryTable(indexInMessage: boolean) {
  const rows = new Set<string>();
  const calls: string[] = [];
  const refuse = (message: string) => Object.assign(new Error(message), { statusCode: 409 });
  const table = {
    async createEntity(e: { rowKey: string }) {
      calls.push('one');
      await Promise.resolve();
      if (rows.has(e.rowKey)) throw refuse('The specified entity already exists.');
      rows.add(e.rowKey);
    },
    async submitTransaction(actions: [string, { rowKey: string }][]) {
      calls.push(`batch ${actions.length}`);
      await Promise.resolve();
      const at = actions.findIndex(([, e]) => rows.has(e.rowKey));
      if (at >= 0) throw refuse(indexInMessage ? `${at}:The specified entity already exists.` : 'The specified entity already exists.');
      for (const [, e] of actions) rows.add(e.rowKey);
    },
  };
  return { rows, calls, table: table as unknown as TableClient };
}

describe('grouped inserts of rows never changed afterwards', () => {
  for (const indexInMessage of [true, false]) {
    it(`when a batch holds rows already there (refusal ${indexInMessage ? 'names' : 'does not name'} the row), then those are told so and every other row is created`, async () => {
      const t = memoryTable(indexInMessage);
      const g = new GroupInsert(t.table);
      await g.insert({ partitionKey: 'p', rowKey: 'r10' });
      await g.insert({ partitionKey: 'p', rowKey: 'r55' });
      t.calls.length = 0;
      const keys = [...Array.from({ length: 80 }, (_, i) => `r${i}`), 'r3'];
      const results = await Promise.all(keys.map((rowKey) => g.insert({ partitionKey: 'p', rowKey })));
      const exists = keys.filter((_, i) => results[i] === 'exists');
      expect(exists.sort()).toEqual(['r10', 'r3', 'r55']);
      expect(t.rows.size).toBe(80);
      // Transactions: far fewer requests than rows, a few more when the refused rows must be hunted for by halving.
      expect(t.calls.length).toBeLessThan(indexInMessage ? 8 : 30);
      expect(t.calls.filter((c) => c.startsWith('batch')).length).toBeGreaterThan(0);
    });
  }

  it('when one row of a batch is refused as invalid, then only its insert fails and the others are created', async () => {
    const t = memoryTable(true);
    const submit = t.table.submitTransaction.bind(t.table);
    const create = t.table.createEntity.bind(t.table);
    const invalid = (rowKey: string) => Object.assign(new Error(`${rowKey}:The property value exceeds the maximum allowed size.`), { statusCode: 400 });
    t.table.submitTransaction = (async (actions: [string, { rowKey: string }][]) => {
      const at = actions.findIndex(([, e]) => e.rowKey === 'bad');
      if (at >= 0) throw invalid(String(at));
      return submit(actions as never);
    }) as never;
    t.table.createEntity = (async (e: { rowKey: string }) => {
      if (e.rowKey === 'bad') throw Object.assign(new Error('too big'), { statusCode: 400 });
      return create(e as never);
    }) as never;
    const g = new GroupInsert(t.table);
    const keys = ['a', 'b', 'bad', 'c', 'd'];
    const results = await Promise.allSettled(keys.map((rowKey) => g.insert({ partitionKey: 'p', rowKey })));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect([...t.rows].sort()).toEqual(['a', 'b', 'c', 'd']);
  });

  it('when the service fails otherwise, then every insert of that batch fails with it and later ones still go', async () => {
    const t = memoryTable(true);
    let fail = true;
    const submit = t.table.submitTransaction.bind(t.table);
    t.table.submitTransaction = (async (a: never) => {
      if (fail) { fail = false; throw Object.assign(new Error('server busy'), { statusCode: 503 }); }
      return submit(a);
    }) as never;
    const g = new GroupInsert(t.table);
    const results = await Promise.allSettled(['a', 'b', 'c'].map((rowKey) => g.insert({ partitionKey: 'p', rowKey })));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected']);
    expect(await g.insert({ partitionKey: 'p', rowKey: 'b' })).toBe('created');
  });
});
