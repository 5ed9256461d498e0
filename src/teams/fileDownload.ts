import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { isLoopbackUrl } from './activityShape';

/** A file a person sent the bot in chat, as Teams describes it. */
export interface SentFile {
  name: string;
  downloadUrl: string;
}

/** The content type of a file a person sent in a 1:1 chat (the bot has `supportsFiles` in its manifest). */
export const FILE_DOWNLOAD_INFO = 'application/vnd.microsoft.teams.file.download.info';

/**
 * Where Teams keeps a file sent to a bot in a 1:1 chat: the sender's OneDrive, which is SharePoint Online
 * (`contoso-my.sharepoint.com`). Bots cannot receive files in GCC High, DoD or 21Vianet, so no other cloud's hosts.
 */
export const TEAMS_FILE_HOST_SUFFIXES: readonly string[] = ['.sharepoint.com'];

/** Raised when a sent file cannot be fetched; `code` says why, the message is safe to show. */
export class FileDownloadError extends Error {
  constructor(readonly code: 'FILE_URL_REFUSED' | 'FILE_TOO_LARGE' | 'FILE_UNAVAILABLE', message: string) {
    super(message);
  }
}

/** The files attached to a message (Teams file-download attachments only). */
export function sentFiles(attachments: unknown): SentFile[] {
  if (!Array.isArray(attachments)) return [];
  return attachments.flatMap((a: { contentType?: unknown; name?: unknown; content?: { downloadUrl?: unknown } }) =>
    a?.contentType === FILE_DOWNLOAD_INFO && typeof a.name === 'string' && typeof a.content?.downloadUrl === 'string'
      ? [{ name: a.name.slice(0, 200), downloadUrl: a.content.downloadUrl }]
      : []);
}

/** Fetches a sent file: https only (plain http to this machine in local mode), bounded in size and time. */
export type FileDownloader = (file: SentFile) => Promise<Buffer>;

/** Options of the downloader; `hostSuffixes` defaults to the hosts Teams uses for files sent in chat. */
export interface FileDownloaderOptions {
  /** Local mode: only the Playground or a test server on this machine, over http or https. */
  allowLoopbackHttp: boolean;
  maxBytes: number;
  timeoutMs: number;
  hostSuffixes?: readonly string[];
  /** Name resolution (tests replace it to make a public name resolve inside); dns.lookup by default. */
  lookup?: typeof dns.lookup;
}

const REFUSED = 'That file link is not one Teams gives for a file sent in chat.';

/** True for an address on the public internet: not private, loopback, link-local, mapped, unspecified or reserved. */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  // An IPv4-mapped IPv6 address (::ffff:127.0.0.1) is judged as the IPv4 address it carries, and refused anyway:
  // Teams' file hosts are never reached that way.
  const parsed = ipaddr.parse(address);
  return parsed.range() === 'unicast';
}

/**
 * The hostname as a DNS name: lower case, without the trailing dot that makes "localhost." resolve like
 * "localhost", and undefined for an IP literal (Teams never gives one).
 */
function dnsName(hostname: string): string | undefined {
  const bare = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (ipaddr.isValid(bare) || bare.includes(':')) return undefined;
  return bare.endsWith('.') ? bare.slice(0, -1) : bare;
}

/** Whether a URL names one of the allowed hosts (a subdomain of a suffix, never the bare suffix). */
function isAllowedHost(url: URL, suffixes: readonly string[]): boolean {
  const name = dnsName(url.hostname);
  return name !== undefined && !url.port && suffixes.some((s) => name.endsWith(s) && name.length > s.length);
}

/**
 * A lookup that lets a connection go only to addresses `accept` allows. The check runs on the address the socket
 * will connect to, after resolution, so a name that resolves inside the network (or is re-pointed there between a
 * check and the connect: DNS rebinding) is refused at connect time.
 */
function checkedLookup(resolve: typeof dns.lookup, accept: (address: string) => boolean): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      const list = addresses as unknown as dns.LookupAddress[];
      const refused = list.find((a) => !accept(a.address));
      if (list.length === 0 || refused) {
        const denied = Object.assign(new Error('address refused'), { code: 'FILE_ADDRESS_REFUSED' });
        return callback(denied, '', 0);
      }
      if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, list);
      return callback(null, list[0].address, list[0].family);
    });
  };
}

/**
 * Teams gives a short-lived, pre-authorised SharePoint (OneDrive) URL for a file sent in a 1:1 chat. Anything else
 * is refused before a request is made, and the address the connection goes to is checked when it is made: the URL
 * comes from a message, so it must never reach inside the network.
 */
export function createFileDownloader(options: FileDownloaderOptions): FileDownloader {
  const suffixes = options.hostSuffixes ?? TEAMS_FILE_HOST_SUFFIXES;
  const resolve = options.lookup ?? dns.lookup;
  const loopbackOnly = (address: string) => ipaddr.isValid(address) && ipaddr.process(address).range() === 'loopback';
  return async (file) => {
    let url: URL;
    try {
      url = new URL(file.downloadUrl);
    } catch {
      throw new FileDownloadError('FILE_URL_REFUSED', 'The file link Teams gave could not be read.');
    }
    const allowed = options.allowLoopbackHttp
      ? isLoopbackUrl(url.href) && (url.protocol === 'http:' || url.protocol === 'https:')
      : url.protocol === 'https:' && !url.username && !url.password && isAllowedHost(url, suffixes);
    if (!allowed) throw new FileDownloadError('FILE_URL_REFUSED', REFUSED);
    const lookup = checkedLookup(resolve, options.allowLoopbackHttp ? loopbackOnly : isPublicAddress);
    return download(url, lookup, options);
  };
}

function download(url: URL, lookup: LookupFunction, options: FileDownloaderOptions): Promise<Buffer> {
  const tooLarge = () => new FileDownloadError('FILE_TOO_LARGE', `The file is larger than ${Math.round(options.maxBytes / 1024 / 1024)} MB.`);
  const unavailable = (status?: number) => new FileDownloadError('FILE_UNAVAILABLE',
    `The file could not be fetched from Teams${status ? ` (HTTP ${status})` : ''}. Please send it again.`);
  return new Promise((resolvePromise, reject) => {
    const get = url.protocol === 'https:' ? https.get : http.get;
    // No agent: every download opens its own connection, so the checked lookup runs for each one.
    const request = get(url, { lookup, agent: false, timeout: options.timeoutMs, headers: { accept: '*/*' } }, (response) => {
      const status = response.statusCode ?? 0;
      // Redirects are not followed: the place they point to would escape the host check.
      if (status < 200 || status > 299) {
        response.resume();
        return reject(unavailable(status));
      }
      if (Number(response.headers['content-length'] ?? 0) > options.maxBytes) {
        request.destroy();
        return reject(tooLarge());
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > options.maxBytes) {
          request.destroy();
          reject(tooLarge());
          return;
        }
        chunks.push(chunk);
      });
      response.on('end', () => resolvePromise(Buffer.concat(chunks)));
      response.on('error', () => reject(unavailable()));
    });
    const deadline = setTimeout(() => request.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })), options.timeoutMs);
    request.on('close', () => clearTimeout(deadline));
    request.on('timeout', () => request.destroy());
    request.on('error', (err: Error & { code?: string }) => {
      reject(err.code === 'FILE_ADDRESS_REFUSED' ? new FileDownloadError('FILE_URL_REFUSED', REFUSED) : unavailable());
    });
  });
}
