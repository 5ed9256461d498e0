import fs from 'node:fs';
import path from 'node:path';
import { loadPolicyBuffer, PolicyLoadError } from '../src/features/policy/ingest/loadPolicyFile';
import { readPolicyIsolated } from '../src/features/policy/ingest/isolatedIngest';
import { declaredSizeDocx, dotLinesText, emptyParagraphsDocx, hugeStreamPdf, manyPagesPdf } from '../tests/support/hostileDocuments';
import { measureWithLoopDelay } from './loopDelay';

/**
 * The hostile documents of security issue 40, read as the bot reads a file an owner sends (in the separate reader
 * process), and in this process with the limits alone: for each, how long it took, the worst event-loop delay meanwhile
 * (the bot's responsiveness: a turn waits that long) and the outcome. The sample policy, read the same two ways in the
 * same run, is the baseline. Prints one JSON line per document.
 */

const root = [path.resolve(__dirname, '..', '..'), process.cwd()].find((r) => fs.existsSync(path.join(r, 'samples', 'policies'))) ?? process.cwd();

async function outcome(read: () => Promise<{ sections: unknown[] }>): Promise<string> {
  try {
    return `parsed: ${(await read()).sections.length} sections`;
  } catch (err) {
    return err instanceof PolicyLoadError ? `refused [${err.code}${err.limit ? ` ${err.limit}` : ''}]: ${err.message}` : `failed: ${(err as Error).message}`;
  }
}

async function main(): Promise<void> {
  const probes: [string, string, () => Promise<Buffer>][] = [
    ['baseline: the sample policy', 'liverpool-model.txt', async () => fs.readFileSync(path.join(root, 'samples', 'policies', 'liverpool-model.txt'))],
    ['baseline: the sample policy as Word', 'liverpool-model.docx', async () => fs.readFileSync(path.join(root, 'tests', 'fixtures', 'documents', 'liverpool-model.docx'))],
    ['baseline: the sample policy as PDF', 'liverpool-model.pdf', async () => fs.readFileSync(path.join(root, 'tests', 'fixtures', 'documents', 'liverpool-model.pdf'))],
    ['350 KB .docx of 40 million empty paragraphs', 'empty-paragraphs.docx', () => emptyParagraphsDocx(40_000_000)],
    ['.docx declaring a 2 GB document.xml', 'declared.docx', () => declaredSizeDocx(0x7fff0000)],
    ['1.5 MB PDF with one 1.5 GB stream', 'huge-stream.pdf', () => hugeStreamPdf(1.5 * 1024 ** 3)],
    ['120,000-page PDF', 'many-pages.pdf', async () => manyPagesPdf(120_000)],
    ['40 KB text of ten 4,000-dot lines', 'contents-dots.txt', async () => Buffer.from(dotLinesText(10, 4_000))],
  ];
  for (const [probe, fileName, make] of probes) {
    const content = await make();
    let isolatedOutcome = '';
    const isolated = await measureWithLoopDelay(async () => { isolatedOutcome = await outcome(() => readPolicyIsolated(content, fileName)); });
    let inProcessOutcome = '';
    const inProcess = await measureWithLoopDelay(async () => { inProcessOutcome = await outcome(() => loadPolicyBuffer(content, fileName)); });
    console.log(JSON.stringify({
      probe, bytes: content.length,
      isolated: { ms: isolated.ms, worstLoopDelayMs: isolated.worstLoopDelayMs, outcome: isolatedOutcome },
      inProcess: { ms: inProcess.ms, worstLoopDelayMs: inProcess.worstLoopDelayMs, outcome: inProcessOutcome },
    }));
  }
}

void main();
