import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import restify from 'restify';
import { createFileLinks, FileLinks } from '../../src/teams/fileLinks';
import { createFolderFileStore } from '../../src/teams/fileStore';
import { listen } from '../../src/teams/server';

describe('file links the bot serves', () => {
  let server: restify.Server;
  let links: FileLinks;
  let base: string;
  let clock = Date.parse('2026-11-22T10:00:00Z');

  beforeEach(async () => {
    clock = Date.parse('2026-11-22T10:00:00Z');
    links = createFileLinks({ ttlMs: 15 * 60_000, now: () => clock });
    server = restify.createServer();
    links.route(server);
    const port = await listen(server, 0, '127.0.0.1');
    base = `http://127.0.0.1:${port}`;
    links.setBaseUrl(base);
  });
  afterEach(async () => {
    links.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('when a file is offered, then its signed link downloads it as an attachment with its name, not cached', async () => {
    const offered = await links.offer('acknowledgements-ack-1.csv', 'text/csv; charset=utf-8', 'name,upn\r\nAnn,ann@school\r\n');
    expect(offered?.url).toMatch(new RegExp(`^${base}/files/[0-9a-f]{32}\\?e=\\d+&s=[0-9a-f]{64}$`));
    expect(offered?.expiresAt).toBe('2026-11-22T10:15:00.000Z');
    const res = await fetch(offered!.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toContain('filename="acknowledgements-ack-1.csv"');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.text()).toBe('name,upn\r\nAnn,ann@school\r\n');
  });

  it('when the signature, expiry or id is altered, or the link has expired, then the answer is the same 404 and nothing is served', async () => {
    const offered = await links.offer('a.csv', 'text/csv', 'secret rows');
    const url = new URL(offered!.url);
    const sig = url.searchParams.get('s')!;
    const tampered = [
      offered!.url.replace(/s=[0-9a-f]{64}/, `s=${sig.slice(0, 63)}${sig[63] === '0' ? '1' : '0'}`),
      offered!.url.replace(/e=\d+/, `e=${Number(url.searchParams.get('e')) + 3_600_000}`),
      offered!.url.replace(/files\/[0-9a-f]{32}/, `files/${'0'.repeat(32)}`),
      offered!.url.replace(/\?.*$/, ''),
      `${base}/files/..%2f..%2fetc%2fpasswd?e=1&s=${sig}`,
    ];
    for (const bad of tampered) {
      const res = await fetch(bad);
      expect(res.status).toBe(404);
      expect(await res.text()).not.toContain('secret rows');
    }
    clock += 15 * 60_000;
    expect((await fetch(offered!.url)).status).toBe(404);
  });

  it('when a file is written as it is made, then the link downloads every chunk; a writer that fails leaves no file', async () => {
    const line = 'Person,person@school.example,Maths\r\n';
    const written = await links.offerWritten('text/csv; charset=utf-8', async (sink) => {
      for (let i = 0; i < 5000; i++) await sink.write(line);
      return { fileName: 'acknowledgements-big.csv', rows: 5000 };
    });
    expect(written?.result.rows).toBe(5000);
    expect(written?.offered.bytes).toBe(5000 * line.length);
    const res = await fetch(written!.offered.url);
    expect(res.headers.get('content-disposition')).toContain('filename="acknowledgements-big.csv"');
    expect((await res.text()).length).toBe(5000 * line.length);
    // In a folder of its own (other test files' folders in the same temporary directory come and go meanwhile): a file
    // written whole is there, and one whose writer fails leaves nothing beside it.
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'file-links-test-'));
    const own = createFileLinks({ store: createFolderFileStore(folder), baseUrl: base });
    try {
      expect(await own.offerWritten('text/csv', async (sink) => { await sink.write('whole'); return { fileName: 'a.csv' }; })).toBeDefined();
      const before = fs.readdirSync(folder).length;
      expect(before).toBeGreaterThan(0);
      await expect(own.offerWritten('text/csv', async (sink) => { await sink.write('half'); throw new Error('store down'); })).rejects.toThrow('store down');
      expect(fs.readdirSync(folder).length).toBe(before);
    } finally {
      own.close();
      fs.rmSync(folder, { recursive: true, force: true });
    }
    const noAddress = createFileLinks();
    let called = false;
    expect(await noAddress.offerWritten('text/csv', async () => { called = true; return { fileName: 'a.csv' }; })).toBeUndefined();
    expect(called).toBe(false);
    noAddress.close();
  });

  it('when links expire, then their files are deleted; when the bot has no public address, then nothing is offered', async () => {
    const offered = await links.offer('a.csv', 'text/csv', 'rows');
    const before = fs.readdirSync(require('node:os').tmpdir()).filter((d: string) => d.startsWith('policy-bot-files-'));
    expect(before.length).toBeGreaterThan(0);
    clock += 16 * 60_000;
    links.sweep();
    expect((await fetch(offered!.url)).status).toBe(404);
    const noAddress = createFileLinks();
    expect(await noAddress.offer('a.csv', 'text/csv', 'rows')).toBeUndefined();
    noAddress.close();
  });

  it('when a kept document is offered to two people, then it is read once, each link is signed for its reader, and a download says whose it was; a changed tag is refused', async () => {
    let loads = 0;
    const load = async () => { loads += 1; return { fileName: 'Social media policy.docx', contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', content: Buffer.from('PK word') }; };
    const downloads: string[] = [];
    links.listenDownloads((key, tag) => downloads.push(`${key} ${tag}`));
    const forAnn = await links.offerKept('policy:p:h', load, 'aad-ann~ack-1');
    const forBob = await links.offerKept('policy:p:h', load, 'aad-bob');
    expect(loads).toBe(1);
    // Each offer names the file and its size from what was kept, so a page of the reader reads nothing again.
    expect(forBob).toMatchObject({ fileName: 'Social media policy.docx', bytes: Buffer.byteLength('PK word') });
    expect(forAnn?.url).toMatch(/&t=aad-ann~ack-1$/);
    const res = await fetch(forAnn!.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain('filename="Social_media_policy.docx"');
    expect(await res.text()).toBe('PK word');
    expect(downloads).toEqual(['policy:p:h aad-ann~ack-1']);
    // Someone editing the link to pass as another reader gets the same 404 as any bad link.
    expect((await fetch(forBob!.url.replace('t=aad-bob', 't=aad-ann'))).status).toBe(404);
    clock += 16 * 60_000;
    expect((await fetch(forBob!.url)).status).toBe(404);
    expect(downloads).toHaveLength(1);
  });
});
