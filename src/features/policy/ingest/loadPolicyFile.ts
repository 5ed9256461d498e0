import fs from 'node:fs/promises';
import path from 'node:path';
import { assemblePolicy } from './assemblePolicy';
import { readMarkdownPolicy } from './markdownPolicyReader';
import { PolicyDocument } from '../policyDocument';
import { readTextPolicy } from './textPolicyReader';
import { DocxFormatError, readDocxText } from './docxReader';
import { PdfNoTextError, readPdfText } from './pdfReader';

/** Raised when a policy file cannot be read or is of a kind the product does not ingest. */
export class PolicyLoadError extends Error {
  constructor(readonly code: 'POLICY_UNSUPPORTED_FORMAT' | 'POLICY_UNREADABLE' | 'POLICY_NO_TEXT', message: string) {
    super(message);
    this.name = 'PolicyLoadError';
  }
}

/** The formats a school can hand over: the text export, Markdown, the Word document itself, or its PDF. */
export const SUPPORTED_EXTENSIONS = ['.txt', '.md', '.markdown', '.docx', '.pdf'] as const;

/** Loads and parses one policy document from disk, choosing the reader by file extension. */
export async function loadPolicyFile(filePath: string, today?: Date): Promise<PolicyDocument> {
  const ext = path.extname(filePath).toLowerCase();
  if (!(SUPPORTED_EXTENSIONS as readonly string[]).includes(ext)) throw unsupported(ext, path.basename(filePath));
  let buffer: Buffer;
  try {
    buffer = await fs.readFile(filePath);
  } catch (err) {
    throw new PolicyLoadError('POLICY_UNREADABLE', `Cannot read policy file ${filePath}: ${(err as Error).message}`);
  }
  return loadPolicyBuffer(buffer, filePath, today);
}

/** Parses a policy document held in memory (a file an owner sent in chat), by its file name's extension. */
export async function loadPolicyBuffer(buffer: Buffer, fileName: string, today?: Date): Promise<PolicyDocument> {
  const ext = path.extname(fileName).toLowerCase();
  const source = path.basename(fileName);
  if (ext === '.txt') return assemblePolicy(readTextPolicy(buffer.toString('utf8')), { source, today });
  if (ext === '.md' || ext === '.markdown') return assemblePolicy(readMarkdownPolicy(buffer.toString('utf8')), { source, today });
  if (ext === '.docx') return assemblePolicy(await readDocx(buffer, fileName), { source, today });
  if (ext === '.pdf') return assemblePolicy(await readPdf(buffer, fileName), { source, today });
  throw unsupported(ext, source);
}

function unsupported(ext: string, source: string): PolicyLoadError {
  return new PolicyLoadError('POLICY_UNSUPPORTED_FORMAT', `Unsupported policy format "${ext || '(none)'}" for ${source}: use ${SUPPORTED_EXTENSIONS.join(', ')}`);
}

/** Loads several documents (a policy plus, say, the code of conduct); ids are made unique. */
export async function loadPolicyFiles(filePaths: readonly string[], today?: Date): Promise<PolicyDocument[]> {
  const docs = await Promise.all(filePaths.map((f) => loadPolicyFile(f, today)));
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
    if (err instanceof PdfNoTextError) throw new PolicyLoadError('POLICY_NO_TEXT', `Cannot read ${path.basename(filePath)}: ${err.message}`);
    throw new PolicyLoadError('POLICY_UNREADABLE', `Cannot read PDF ${filePath}: ${(err as Error).message}`);
  }
  return readTextPolicy(text);
}
