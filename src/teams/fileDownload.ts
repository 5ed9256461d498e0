import { isLoopbackUrl } from './activityShape';

/** A file a person sent the bot in chat, as Teams describes it. */
export interface SentFile {
  name: string;
  downloadUrl: string;
}

/** The content type of a file a person sent in a 1:1 chat (the bot has `supportsFiles` in its manifest). */
export const FILE_DOWNLOAD_INFO = 'application/vnd.microsoft.teams.file.download.info';

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

/**
 * Teams gives a short-lived, pre-authorised SharePoint or OneDrive URL for a file sent in a 1:1 chat. Anything
 * else is refused before a request is made: the URL comes from a message, so it must not reach inside the network.
 */
export function createFileDownloader(options: { allowLoopbackHttp: boolean; maxBytes: number; timeoutMs: number }): FileDownloader {
  return async (file) => {
    let url: URL;
    try {
      url = new URL(file.downloadUrl);
    } catch {
      throw new FileDownloadError('FILE_URL_REFUSED', 'The file link Teams gave could not be read.');
    }
    const loopback = isLoopbackUrl(url.href);
    const privateHost = /^(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|169\.254\.|127\.|0\.|\[?::1\]?$|\[?f[cd])/i.test(url.hostname) || /^\d+\.\d+\.\d+\.\d+$/.test(url.hostname);
    const allowed = options.allowLoopbackHttp ? loopback && (url.protocol === 'http:' || url.protocol === 'https:') : url.protocol === 'https:' && !loopback && !privateHost;
    if (!allowed) throw new FileDownloadError('FILE_URL_REFUSED', 'That file link is not one Teams gives for a file sent in chat.');
    let response: Response;
    try {
      response = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(options.timeoutMs) });
    } catch {
      throw new FileDownloadError('FILE_UNAVAILABLE', 'The file could not be fetched from Teams. Please send it again.');
    }
    if (!response.ok || !response.body) throw new FileDownloadError('FILE_UNAVAILABLE', `The file could not be fetched from Teams (HTTP ${response.status}). Please send it again.`);
    const declared = Number(response.headers.get('content-length') ?? 0);
    if (declared > options.maxBytes) throw new FileDownloadError('FILE_TOO_LARGE', `The file is larger than ${Math.round(options.maxBytes / 1024 / 1024)} MB.`);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.length;
      if (size > options.maxBytes) throw new FileDownloadError('FILE_TOO_LARGE', `The file is larger than ${Math.round(options.maxBytes / 1024 / 1024)} MB.`);
      chunks.push(Buffer.from(chunk));
    }
    return Buffer.concat(chunks);
  };
}
