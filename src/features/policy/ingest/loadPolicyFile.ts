import fs from 'node:fs/promises';
import path from 'node:path';
import { assemblePolicy } from './assemblePolicy';
import { readMarkdownPolicy } from './markdownPolicyReader';
import { PolicyDocument } from '../policyDocument';
import { readTextPolicy } from './textPolicyReader';
import { DocxFormatError, readDocxText } from './docxReader';
import { PdfNoTextError, readPdfText } from './pdfReader';
import { assertFileWithinLimit, fileTooLarge, INGEST_LIMITS, PolicyLimit, PolicyLimitError } from './ingestLimits';

/** Why a policy file was not read; POLICY_TOO_LARGE: it asks for more than a limit allows (`limit` says which). */
export type PolicyLoadErrorCode = 'POLICY_UNSUPPORTED_FORMAT' | 'POLICY_UNREADABLE' | 'POLICY_NO_TEXT' | 'POLICY_TOO_LARGE';

/** Raised when a policy file cannot be read or is of a kind the product does not ingest. */
export class PolicyLoadError extends Error {
  constructor(readonly code: PolicyLoadErrorCode, message: string, readonly limit?: PolicyLimit) {
    super(message);
    this.name = 'PolicyLoadError';
  }
}

/** The owner's message for a document a limit refused: which limit, by how much, and what to do. */
export function refusedByLimit(source: string, limit: PolicyLimit, detail: string): PolicyLoadError {
  return new PolicyLoadError('POLICY_TOO_LARGE', `${source} was refused: ${detail}. Check that it is the policy document; if it is, `
    + 'save it again from Word as a new .docx (or export the PDF again) and send that.', limit);
}

/** The formats a school can hand over: the text export, Markdown, the Word document itself, or its PDF. */
export const SUPPORTED_EXTENSIONS = ['.txt', '.md', '.markdown', '.docx', '.pdf'] as const;

/** Loads and parses one policy document from disk, choosing the reader by file extension. */
export async function loadPolicyFile(filePath: string, today?: Date): Promise<PolicyDocument> {
  return loadPolicyBuffer(await readPolicyFileBytes(filePath), filePath, today);
}

/** A policy file's bytes, after checking its kind, and its size before reading it. */
export async function readPolicyFileBytes(filePath: string): Promise<Buffer> {
  const ext = path.extname(filePath).toLowerCase();
  if (!(SUPPORTED_EXTENSIONS as readonly string[]).includes(ext)) throw unsupportedFormat(filePath);
  let size: number;
  try {
    size = (await fs.stat(filePath)).size;
  } catch (err) {
    throw new PolicyLoadError('POLICY_UNREADABLE', `Cannot read policy file ${filePath}: ${(err as Error).message}`);
  }
  if (size > INGEST_LIMITS.fileBytes) throw refusedByLimit(path.basename(filePath), 'fileBytes', fileTooLarge(size));
  try {
    return await fs.readFile(filePath);
  } catch (err) {
    throw new PolicyLoadError('POLICY_UNREADABLE', `Cannot read policy file ${filePath}: ${(err as Error).message}`);
  }
}

/**
 * Parses a policy document held in memory (a file an owner sent in chat), by its file name's extension, in this
 * process: for tests and tools. The bot and the CLI read documents with readPolicyIsolated (isolatedIngest.ts), in a
 * separate process with a time and memory limit, which runs this.
 */
export async function loadPolicyBuffer(buffer: Buffer, fileName: string, today?: Date): Promise<PolicyDocument> {
  try {
    assertFileWithinLimit(buffer.length);
    return await parseByFormat(buffer, fileName, today);
  } catch (err) {
    if (err instanceof PolicyLimitError) throw refusedByLimit(path.basename(fileName), err.limit, err.detail);
    throw err;
  }
}

async function parseByFormat(buffer: Buffer, fileName: string, today?: Date): Promise<PolicyDocument> {
  const ext = path.extname(fileName).toLowerCase();
  const source = path.basename(fileName);
  if (ext === '.txt') return assemblePolicy(readTextPolicy(buffer.toString('utf8')), { source, today });
  if (ext === '.md' || ext === '.markdown') return assemblePolicy(readMarkdownPolicy(buffer.toString('utf8')), { source, today });
  if (ext === '.docx') return assemblePolicy(await readDocx(buffer, fileName), { source, today });
  if (ext === '.pdf') return assemblePolicy(await readPdf(buffer, fileName), { source, today });
  throw unsupportedFormat(fileName);
}

/** The error for a file of a kind the product does not read. */
export function unsupportedFormat(fileName: string): PolicyLoadError {
  const ext = path.extname(fileName).toLowerCase();
  const source = path.basename(fileName);
  return new PolicyLoadError('POLICY_UNSUPPORTED_FORMAT', `Unsupported policy format "${ext || '(none)'}" for ${source}: use ${SUPPORTED_EXTENSIONS.join(', ')}`);
}

/** Loads several documents (a policy plus, say, the code of conduct); ids are made unique. */
export async function loadPolicyFiles(filePaths: readonly string[], today?: Date): Promise<PolicyDocument[]> {
  return uniqueDocumentIds(await Promise.all(filePaths.map((f) => loadPolicyFile(f, today))));
}

/** Makes documents' ids unique in reading order: a second "policy" becomes "policy-2". */
export function uniqueDocumentIds(docs: PolicyDocument[]): PolicyDocument[] {
  const seen = new Map<string, number>();
  for (const d of docs) {
    const n = (seen.get(d.id) ?? 0) + 1;
    seen.set(d.id, n);
    if (n > 1) d.id = `${d.id}-${n}`;
  }
  return docs;
}

/** Word documents, read as Word shows them (generated numbers included), then read like a text export. */
async function readDocx(buffer: Buffer, filePath: string) {
  try {
    return readTextPolicy((await readDocxText(buffer)).text);
  } catch (err) {
    if (err instanceof PolicyLimitError) throw err;
    const why = err instanceof DocxFormatError ? err.message : (err as Error).message;
    throw new PolicyLoadError('POLICY_UNREADABLE', `Cannot read Word document ${filePath}: ${why}`);
  }
}

/** PDFs, read from their layout (headings by font size, furniture and tables by position), then like a text export. */
async function readPdf(buffer: Buffer, filePath: string) {
  let text: string;
  try {
    text = (await readPdfText(buffer)).text;
  } catch (err) {
    if (err instanceof PolicyLimitError) throw err;
    if (err instanceof PdfNoTextError) throw new PolicyLoadError('POLICY_NO_TEXT', `Cannot read ${path.basename(filePath)}: ${err.message}`);
    throw new PolicyLoadError('POLICY_UNREADABLE', `Cannot read PDF ${filePath}: ${(err as Error).message}`);
  }
  return readTextPolicy(text);
}
