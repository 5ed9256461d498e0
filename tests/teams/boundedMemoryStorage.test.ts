import { BoundedMemoryStorage } from '../../src/teams/boundedMemoryStorage';

describe('bounded turn-state storage', () => {
  it('when more conversations than the bound have state, then the least recently used are dropped and the size stays bounded', async () => {
    const storage = new BoundedMemoryStorage(3);
    for (const k of ['a', 'b', 'c']) await storage.write({ [k]: { n: k } });
    await storage.read(['a']);
    await storage.write({ d: { n: 'd' } });
    expect(storage.size).toBe(3);
    expect(Object.keys(await storage.read(['a', 'b', 'c', 'd'])).sort()).toEqual(['a', 'c', 'd']);
    for (let i = 0; i < 1000; i++) await storage.write({ [`k${i}`]: { i } });
    expect(storage.size).toBe(3);
  });

  it('when a write carries a stale eTag, then it is refused as MemoryStorage does; deleted keys are gone', async () => {
    const storage = new BoundedMemoryStorage(10);
    await storage.write({ a: { v: 1 } });
    const first = (await storage.read(['a'])).a as { eTag: string };
    await storage.write({ a: { v: 2, eTag: first.eTag } });
    await expect(storage.write({ a: { v: 3, eTag: first.eTag } })).rejects.toThrow(/eTag conflict/);
    expect((await storage.read(['a'])).a).toMatchObject({ v: 2 });
    await storage.delete(['a']);
    expect(storage.size).toBe(0);
  });
});
