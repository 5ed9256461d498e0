import JSZip from 'jszip';
import { loadPolicyBuffer, PolicyLoadError } from '../../../../src/features/policy/ingest/loadPolicyFile';
import { readPolicyIsolated } from '../../../../src/features/policy/ingest/isolatedIngest';
import { INGEST_LIMITS } from '../../../../src/features/policy/ingest/ingestLimits';
import { declaredSizeDocx, dotLinesText, emptyParagraphsDocx, hugeStreamPdf, manyPagesPdf } from '../../../support/hostileDocuments';

/**
 * Issue 40, hole 1: documents that ask the reader for far more work or memory than any policy needs are refused before
 * that work, each with a message saying which limit and what to do; what no limit foresees is stopped by the separate
 * reader process's memory and time limits, and the bot's own process is untouched.
 */

const TODAY = new Date('2026-06-01T00:00:00Z');

async function refusal(content: Buffer, fileName: string): Promise<PolicyLoadError> {
  const error = await loadPolicyBuffer(content, fileName, TODAY).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(PolicyLoadError);
  return error as PolicyLoadError;
}

const WHAT_TO_DO = /Check that it is the policy document; if it is, save it again from Word as a new \.docx \(or export the PDF again\) and send that\./;

describe('a hostile Word document', () => {
  it('when it holds more empty paragraphs than the element limit (a zip bomb of <w:p/>), then it is refused before it is parsed', async () => {
    const docx = await emptyParagraphsDocx(INGEST_LIMITS.xmlElements + 50_000);
    expect(docx.length).toBeLessThan(30_000);
    const error = await refusal(docx, 'Social media policy.docx');
    expect(error).toMatchObject({ code: 'POLICY_TOO_LARGE', limit: 'xmlElements' });
    expect(error.message).toMatch(/^Social media policy\.docx was refused: its word\/document\.xml holds more than 400,000 XML elements/);
    expect(error.message).toMatch(WHAT_TO_DO);
  });

  it('when its package declares a part of 2 GB, then it is refused from the directory, nothing inflated', async () => {
    const error = await refusal(await declaredSizeDocx(0x7fff0000), 'policy.docx');
    expect(error).toMatchObject({ code: 'POLICY_TOO_LARGE', limit: 'docxPartBytes' });
    expect(error.message).toMatch(/its word\/document\.xml would unpack to 2,048 MB, more than the 32 MB a policy needs/);
  });

  it('when its package declares less than a part unpacks to, then the part is stopped at the declared size and refused', async () => {
    const error = await refusal(await declaredSizeDocx(40), 'policy.docx');
    expect(error).toMatchObject({ code: 'POLICY_TOO_LARGE', limit: 'docxPartBytes' });
    expect(error.message).toMatch(/unpacks to more than the 40 bytes its package declares/);
  });

  it('when its package lists more parts than a Word file has, then it is refused before any is read', async () => {
    const zip = new JSZip();
    for (let i = 0; i <= INGEST_LIMITS.docxEntries; i++) zip.file(`word/media/image${i}.png`, '', { createFolders: false });
    const error = await refusal(await zip.generateAsync({ type: 'nodebuffer' }), 'policy.docx');
    expect(error).toMatchObject({ code: 'POLICY_TOO_LARGE', limit: 'docxEntries' });
    expect(error.message).toMatch(/the Word file holds 2,001 parts, more than the 2,000 a policy document has/);
  });
});

describe('a hostile PDF', () => {
  it('when it has 120,000 pages, then it is refused from its page count before a page is read', async () => {
    const error = await refusal(manyPagesPdf(120_000), 'policy.pdf');
    expect(error).toMatchObject({ code: 'POLICY_TOO_LARGE', limit: 'pdfPages' });
    expect(error.message).toMatch(/^policy\.pdf was refused: it has 120,000 pages, more than the 1,000 a policy needs/);
  });

  it('when one compressed stream unpacks to 200 MB of zeros, then it is refused without unpacking more than the limit', async () => {
    const pdf = await hugeStreamPdf(200 * 1024 * 1024);
    expect(pdf.length).toBeLessThan(400_000);
    const error = await refusal(pdf, 'policy.pdf');
    expect(error).toMatchObject({ code: 'POLICY_TOO_LARGE', limit: 'pdfStreamBytes' });
    expect(error.message).toMatch(/one of its compressed streams unpacks to more than 64 MB/);
  });

  it('when it is an ordinary PDF under the limits, then it is still read', async () => {
    const doc = await loadPolicyBuffer(manyPagesPdf(1), 'policy.pdf', TODAY);
    expect(doc.sections.map((s) => s.text).join('\n')).toContain('Staff must not befriend pupils on social media.');
  });
});

describe('a hostile text file', () => {
  it('when a line is longer than a paragraph of a policy can be, then it is refused before any pattern reads it', async () => {
    const text = `Social Media Policy\n\n1. Introduction\n\n${'word '.repeat(2_400)}\n`;
    const error = await refusal(Buffer.from(text), 'policy.txt');
    expect(error).toMatchObject({ code: 'POLICY_TOO_LARGE', limit: 'lineChars' });
    expect(error.message).toMatch(/^policy\.txt was refused: line 5 is 12,000 characters long, more than the 10,000 a line or paragraph of a policy has/);
  });

  // The contents-line worst case (ten lines of 4,000 full stops) is read in tests/security/regexAudit.test.ts.
});

describe('the separate reader process', () => {
  it('when a document is read in it, then the result is the one read in this process', async () => {
    const content = await emptyParagraphsDocx(10);
    expect(await readPolicyIsolated(content, 'policy.docx', TODAY)).toEqual(await loadPolicyBuffer(content, 'policy.docx', TODAY));
  });

  it('when a document needs more memory than the reader may have, then the reader dies, the document is refused and this process goes on', async () => {
    const docx = await emptyParagraphsDocx(INGEST_LIMITS.xmlElements - 10_000);
    const error = await readPolicyIsolated(docx, 'policy.docx', TODAY, { timeoutMs: 120_000, memoryMb: 48 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'POLICY_TOO_LARGE', limit: 'parseMemory' });
    expect((error as Error).message).toMatch(/^policy\.docx was refused: reading it needed more than 48 MB of memory\./);
    const ordinary = await emptyParagraphsDocx(1);
    expect(await readPolicyIsolated(ordinary, 'policy.docx', TODAY)).toEqual(await loadPolicyBuffer(ordinary, 'policy.docx', TODAY));
  });

  it('when the reader runs past its time limit, then it is stopped and the document is refused, saying so', async () => {
    const error = await readPolicyIsolated(Buffer.from(dotLinesText(1, 10)), 'policy.txt', TODAY, { timeoutMs: 1, memoryMb: 256 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'POLICY_TOO_LARGE', limit: 'parseTime' });
    expect((error as Error).message).toMatch(/^policy\.txt was refused: reading it took longer than 0\.001 seconds\./);
  });

  it('when a file is larger than a policy can be, then it is refused before a reader is started', async () => {
    const error = await readPolicyIsolated(Buffer.alloc(60 * 1024 * 1024, 'a'), 'policy.txt', TODAY).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'POLICY_TOO_LARGE', limit: 'fileBytes', message: expect.stringMatching(/^policy\.txt was refused: the file is 60 MB, more than the 50 MB a policy needs/) });
  });

  it('when a document is refused by a limit in the reader, then the refusal comes back with its limit and message', async () => {
    const error = await readPolicyIsolated(manyPagesPdf(1_001), 'policy.pdf', TODAY).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'POLICY_TOO_LARGE', limit: 'pdfPages', message: expect.stringMatching(/it has 1,001 pages/) });
  });
});
