import { text } from 'node:stream/consumers';
import { FileStore } from '../../../src/teams/fileStore';

const id = (n: number) => n.toString(16).padStart(32, '0');

/** One contract for every file store: what the file links rely on, over two handles of one store (two instances). */
export function describeFileStoreContract(name: string, makeTwo: () => Promise<[FileStore, FileStore]>): void {
  describe(`file store contract: ${name}`, () => {
    let a: FileStore;
    let b: FileStore;
    beforeAll(async () => {
      [a, b] = await makeTwo();
    });

    it('when a file is written chunk by chunk on one instance, then the other reads it whole with its name, type and size', async () => {
      const line = 'Ann Teacher,ann@school.example,Maths\r\n';
      const written = await a.write(id(1), { contentType: 'text/csv; charset=utf-8', expiresAt: Date.now() + 60_000 }, async (sink) => {
        for (let i = 0; i < 3000; i++) await sink.write(line);
        return { fileName: 'acknowledgements é.csv', rows: 3000 };
      });
      expect(written).toEqual({ result: { fileName: 'acknowledgements é.csv', rows: 3000 }, bytes: 3000 * line.length });
      const opened = await b.open(id(1));
      expect(opened?.file).toEqual({ fileName: 'acknowledgements é.csv', contentType: 'text/csv; charset=utf-8', expiresAt: expect.any(Number), bytes: 3000 * line.length });
      expect(await text(opened!.content)).toBe(line.repeat(3000));
      expect(await b.stat(id(1))).toMatchObject({ fileName: 'acknowledgements é.csv' });
    });

    it('when a writer fails part way, then nothing is left under its id', async () => {
      await expect(a.write(id(2), { contentType: 'text/csv', expiresAt: Date.now() + 60_000 }, async (sink) => {
        await sink.write('half');
        throw new Error('store down');
      })).rejects.toThrow('store down');
      expect(await b.stat(id(2))).toBeUndefined();
      expect(await b.open(id(2))).toBeUndefined();
    });

    it('when two instances keep the same document at once, then one copy is kept and both read it', async () => {
      const doc = { fileName: 'Policy.docx', contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', expiresAt: Number.MAX_SAFE_INTEGER, kept: 'policy:p:h' };
      await Promise.all([a.put(id(3), doc, Buffer.from('PK first')), b.put(id(3), doc, Buffer.from('PK first'))]);
      await a.put(id(3), doc, Buffer.from('PK another'));
      const opened = await b.open(id(3));
      expect(opened?.file).toMatchObject({ kept: 'policy:p:h', bytes: 8 });
      expect(await text(opened!.content)).toBe('PK first');
    });

    it('when files expire, then a sweep on either instance deletes them and leaves kept ones and the rest', async () => {
      await a.write(id(4), { contentType: 'text/csv', expiresAt: Date.now() - 1 }, async (sink) => { await sink.write('old'); return { fileName: 'old.csv' }; });
      await a.write(id(5), { contentType: 'text/csv', expiresAt: Date.now() + 60_000 }, async (sink) => { await sink.write('new'); return { fileName: 'new.csv' }; });
      expect(await b.sweep(Date.now())).toBeGreaterThanOrEqual(1);
      expect(await a.stat(id(4))).toBeUndefined();
      expect(await a.stat(id(5))).toBeDefined();
      expect(await a.stat(id(3))).toBeDefined();
    });
  });
}
