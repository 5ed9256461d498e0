import fs from 'node:fs/promises';
import path from 'node:path';
import mammoth from 'mammoth';
import { assemblePolicy } from './assemblePolicy';
import { readMarkdownPolicy } from './markdownPolicyReader';
import { PolicyDocument } from '../policyDocument';
import { readTextPolicy } from './textPolicyReader';
import { wordHtmlToMarkdown } from './wordHtmlToMarkdown';

/** Raised when a policy file cannot be read or is of a kind the product does not ingest. */
export class PolicyLoadError extends Error {
  constructor(readonly code: 'POLICY_UNSUPPORTED_FORMAT' | 'POLICY_UNREADABLE', message: string) {
    super(message);
    this.name = 'PolicyLoadError';
  }
}

/** The formats a school can hand over: the text export, Markdown, or the Word document itself. */
export const SUPPORTED_EXTENSIONS = ['.txt', '.md', '.markdown', '.docx'] as const;

/** Loads and parses one policy document from disk, choosing the reader by file extension. */
export async function loadPolicyFile(filePath: string, today?: Date): Promise<PolicyDocument> {
  const ext = path.extname(filePath).toLowerCase();
  const source = path.basename(filePath);
  let buffer: Buffer;
  try {
    buffer = await fs.readFile(filePath);
  } catch (err) {
    throw new PolicyLoadError('POLICY_UNREADABLE', `Cannot read policy file ${filePath}: ${(err as Error).message}`);
  }
  if (ext === '.txt') return assemblePolicy(readTextPolicy(buffer.toString('utf8')), { source, today });
  if (ext === '.md' || ext === '.markdown') return assemblePolicy(readMarkdownPolicy(buffer.toString('utf8')), { source, today });
  if (ext === '.docx') return assemblePolicy(await readDocx(buffer, filePath), { source, today });
  throw new PolicyLoadError('POLICY_UNSUPPORTED_FORMAT', `Unsupported policy format "${ext || '(none)'}" for ${source}: use ${SUPPORTED_EXTENSIONS.join(', ')}`);
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

/**
 * Word documents: when the author used heading styles, mammoth's HTML keeps them as headings (read as Markdown);
 * otherwise the raw text goes through the same heading detection as a text export.
 */
async function readDocx(buffer: Buffer, filePath: string) {
  try {
    const html = await mammoth.convertToHtml({ buffer });
    const md = wordHtmlToMarkdown(html.value);
    if (/^#{1,6}\s/m.test(md)) return readMarkdownPolicy(md);
    const raw = await mammoth.extractRawText({ buffer });
    return readTextPolicy(raw.value);
  } catch (err) {
    throw new PolicyLoadError('POLICY_UNREADABLE', `Cannot read Word document ${filePath}: ${(err as Error).message}`);
  }
}
