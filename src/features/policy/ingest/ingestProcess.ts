import { loadPolicyBuffer, PolicyLoadError, PolicyLoadErrorCode } from './loadPolicyFile';
import { PolicyDocument } from '../policyDocument';
import { PolicyLimit } from './ingestLimits';

/** What the bot asks the reader process: one document, as bytes, with its file name (the format) and the date. */
export interface IngestRequest {
  content: Uint8Array;
  fileName: string;
  today?: string;
}

/** What the reader process answers: the parsed document, or why it was not read. */
export type IngestReply =
  | { ok: true; doc: PolicyDocument }
  | { ok: false; code: PolicyLoadErrorCode; message: string; limit?: PolicyLimit };

/**
 * The reader process's side (isolatedIngest.ts starts it): reads the one document it is sent, answers, and exits. If
 * the bot goes away first, so does this process.
 */
export function serveOneDocument(): void {
  process.on('disconnect', () => process.exit(0));
  process.once('message', (request: IngestRequest) => {
    void answer(request).then((reply) => process.send!(reply, () => process.exit(0)));
  });
}

async function answer(request: IngestRequest): Promise<IngestReply> {
  try {
    const today = request.today ? new Date(request.today) : undefined;
    return { ok: true, doc: await loadPolicyBuffer(Buffer.from(request.content), request.fileName, today) };
  } catch (err) {
    if (err instanceof PolicyLoadError) return { ok: false, code: err.code, message: err.message, limit: err.limit };
    return { ok: false, code: 'POLICY_UNREADABLE', message: `Cannot read ${request.fileName}: ${(err as Error).message}` };
  }
}
