import { spawn } from 'node:child_process';
import path from 'node:path';
import { moduleScript } from '../../../shared/moduleScript';
import { PolicyDocument } from '../policyDocument';
import { assertFileWithinLimit, megabytes, PolicyLimitError } from './ingestLimits';
import type { IngestReply, IngestRequest } from './ingestProcess';
import { PolicyLoadError, readPolicyFileBytes, refusedByLimit, uniqueDocumentIds } from './loadPolicyFile';

/**
 * Reading a policy document off the bot's own process (issue 40, hole 1): each document is parsed in a separate Node
 * process with a heap limit and a time limit, so a document that asks for too much costs that process, never the bot.
 * A child process rather than a worker thread: PDF.js inflates streams into ArrayBuffers, which a worker's heap limit
 * does not count, and a fatal V8 error (heap exhausted, an invalid array length) in a worker can end the whole
 * process; a child's death is only an exit code here. The limits checked inside (ingestLimits.ts) refuse hostile
 * documents before the work; these two catch whatever those do not foresee.
 */

/** The reader process's time and heap. */
export interface IsolationLimits {
  timeoutMs: number;
  memoryMb: number;
}

/**
 * 30 s: the real policies take under half a second each as text, Word or PDF, with the process's start (about 0.1 s);
 * 512 MB of heap: they read within 64 MB, and a Word file at the element limit within 256 MB.
 */
export const ISOLATION_LIMITS: IsolationLimits = Object.freeze({ timeoutMs: 30_000, memoryMb: 512 });

/** Documents read at once: each reader process may use its memory limit, and owners rarely send two at a time. */
const MAX_READERS = 2;
let running = 0;
const waiting: (() => void)[] = [];

async function withReaderSlot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= MAX_READERS) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await work();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

/**
 * Reads a policy document (a file an owner sent, or a published version) in a separate process with the given limits.
 * Rejects with PolicyLoadError: POLICY_TOO_LARGE when a limit refused it (time and memory included), else as the
 * reader does.
 */
export async function readPolicyIsolated(content: Buffer, fileName: string, today?: Date, limits: IsolationLimits = ISOLATION_LIMITS): Promise<PolicyDocument> {
  // A file too large to be a policy is not even sent to a reader.
  try {
    assertFileWithinLimit(content.length);
  } catch (err) {
    if (err instanceof PolicyLimitError) throw refusedByLimit(path.basename(fileName), err.limit, err.detail);
    throw err;
  }
  return withReaderSlot(() => readInChild(content, fileName, today, limits));
}

function readInChild(content: Buffer, fileName: string, today: Date | undefined, limits: IsolationLimits): Promise<PolicyDocument> {
  const source = path.basename(fileName);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [`--max-old-space-size=${limits.memoryMb}`, '-e', moduleScript(__filename, 'ingestProcess', '.serveOneDocument()')], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'advanced', windowsHide: true,
    });
    let settled = false;
    let stderr = '';
    const finish = (error: PolicyLoadError | null, doc?: PolicyDocument): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      if (error) reject(error);
      else resolve(doc!);
    };
    const timer = setTimeout(() => finish(refusedByLimit(source, 'parseTime', `reading it took longer than ${limits.timeoutMs / 1000} seconds`)), limits.timeoutMs);
    // Only the end of what the process wrote is kept: V8 names a fatal error there.
    child.stderr!.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString('utf8')).slice(-2000); });
    child.on('message', (reply: IngestReply) => {
      if (reply.ok) finish(null, reply.doc);
      else finish(new PolicyLoadError(reply.code, reply.message, reply.limit));
    });
    child.on('error', (err) => finish(new PolicyLoadError('POLICY_UNREADABLE', `Cannot read ${source}: the reader could not start (${err.message})`)));
    // 'close' comes after the process ended and its IPC channel closed, so after any reply it sent.
    child.on('close', (code, signal) => {
      if (/heap|allocation failed|out of memory|invalid (array|typed array|string) length|invalid size/i.test(stderr) || code === 134 || signal === 'SIGABRT') {
        finish(refusedByLimit(source, 'parseMemory', `reading it needed more than ${megabytes(limits.memoryMb * 1024 * 1024)} of memory`));
      } else {
        finish(new PolicyLoadError('POLICY_UNREADABLE', `Cannot read ${source}: the reader stopped (${signal ?? `exit ${code}`}) before it finished`));
      }
    });
    const request: IngestRequest = { content, fileName, today: today?.toISOString() };
    child.send(request, (err) => {
      if (err) finish(new PolicyLoadError('POLICY_UNREADABLE', `Cannot read ${source}: the reader could not be given the file (${err.message})`));
    });
  });
}

/** Reads a policy file from disk in a separate process (see readPolicyIsolated). */
export async function readPolicyFileIsolated(filePath: string, today?: Date, limits?: IsolationLimits): Promise<PolicyDocument> {
  return readPolicyIsolated(await readPolicyFileBytes(filePath), filePath, today, limits);
}

/** Reads several policy files, each in its own process; ids are made unique as loadPolicyFiles makes them. */
export async function readPolicyFilesIsolated(filePaths: readonly string[], today?: Date): Promise<PolicyDocument[]> {
  return uniqueDocumentIds(await Promise.all(filePaths.map((f) => readPolicyFileIsolated(f, today))));
}
