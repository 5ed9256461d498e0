import fs from 'node:fs';
import path from 'node:path';
import { loadDisclosureDetector } from '../../src/compose/disclosure';
import { createLogger } from '../../src/shared/logger';
import { DisclosureCase, DisclosureFigures, evaluateDisclosures } from '../../src/features/policy/disclosure/evaluateDisclosures';

/**
 * `npm run eval:disclosure`: what the disclosure detector does, as the bot runs it (the shipped ONNX encoder and head),
 * on each evaluation set apart: Report a concern offered first, held back (the report line, nothing kept), and
 * ordinary questions offered or held back by mistake.
 * - dev: research/eval/disclosure-set.jsonl (the team's own writing) and the ordinary questions of the qa sets: the thresholds
 *   were set on these (research/DECISIONS.md, issue 48);
 * - blind A and blind B (research/eval/disclosure-blind*.jsonl): written apart by helpers who saw no code, list or training
 *   data; never trained on. Designs were compared on blind A after its first reading (it is reported as looked at);
 *   blind B was read once, for the shipped model. Their figures are given per category; their misses are printed only
 *   with --blind-misses (for the issue's note), never in a tuning loop.
 * `--model DIR` reads another model folder (ship.py's output) instead of models/encoder; `--dev-only` leaves the blind
 * sets unread (choosing between models is done on dev alone); `--blind A` or `--blind B` reads only that one.
 */
const root = path.resolve(__dirname, '..', '..', '..');
const arg = (name: string): string | undefined => {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : undefined;
};
const jsonl = (file: string): Record<string, unknown>[] => fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Record<string, unknown>);
const pct = (a: number, b: number): string => (b === 0 ? 'n/a' : `${((100 * a) / b).toFixed(1)}%`);

function devCases(): DisclosureCase[] {
  const labelled = jsonl(path.join(root, 'research', 'eval', 'disclosure-set.jsonl')).map((r) => ({ text: String(r.text), disclosure: r.disclosure === true, kind: String(r.split) }));
  const qa = fs.readdirSync(path.join(root, 'research', 'eval')).filter((f) => /^qa-.*\.jsonl$/.test(f))
    .flatMap((f) => jsonl(path.join(root, 'research', 'eval', f)).map((r) => ({ text: String(r.q), disclosure: false, kind: f })));
  return [...labelled, ...qa];
}

function blindCases(file: string): DisclosureCase[] {
  return jsonl(path.join(root, 'research', 'eval', file)).map((r) => ({ text: String(r.text), disclosure: r.disclosure === true, kind: String(r.kind), indirect: r.indirect === true }));
}

function print(name: string, f: DisclosureFigures, perKind: boolean): void {
  console.log(`${name}: disclosures offered Report a concern first ${f.offered}/${f.disclosures} (${pct(f.offered, f.disclosures)})`
    + `${f.indirect ? `, indirect ${f.indirectOffered}/${f.indirect} (${pct(f.indirectOffered, f.indirect)})` : ''}`
    + `; held back without the offer ${f.heldBackOnly}, neither ${f.notHeldBack.length}`
    + `; ordinary offered ${f.ordinaryOffered}/${f.ordinary} (${pct(f.ordinaryOffered, f.ordinary)}), held back ${f.ordinaryHeldBack}/${f.ordinary} (${pct(f.ordinaryHeldBack, f.ordinary)})`
    + `; report line on ordinary ${f.ordinaryReportLine}/${f.ordinary} (${pct(f.ordinaryReportLine, f.ordinary)}), disclosures with neither offer nor line ${f.noOfferNorLine.length}`);
  if (perKind) {
    for (const [kind, k] of [...f.byKind].sort()) console.log(`  ${kind.padEnd(20)} offered ${k.offered}/${k.disclosures}, held back ${k.heldBack}/${k.disclosures}`);
  }
}

async function main(): Promise<void> {
  const model = arg('--model');
  const detector = await loadDisclosureDetector(createLogger('silent'), ...(model ? [path.resolve(model)] : []));
  const dev = await evaluateDisclosures(detector, devCases());
  print('dev (thresholds set here)', dev, false);
  if (process.argv.includes('--misses')) {
    for (const c of dev.missed) console.log(`  missed: ${c.text}`);
    for (const c of dev.falseOffers) console.log(`  false offer: ${c.text}`);
  }
  const only = arg('--blind');
  // Blind A was read once for the first design chosen on dev, then designs were compared on it (research/DECISIONS.md,
  // issue 48): it is reported as looked at. Blind B was read once, for the model that shipped.
  const sets = [['blind A', 'disclosure-blind.jsonl', 'looked at'], ['blind B', 'disclosure-blind-2.jsonl', 'never tuned on']];
  for (const [name, file, status] of sets) {
    if (process.argv.includes('--dev-only') || (only && name !== `blind ${only}`) || !fs.existsSync(path.join(root, 'research', 'eval', file))) continue;
    const f = await evaluateDisclosures(detector, blindCases(file));
    print(`${name} (${file}, ${status})`, f, true);
    if (process.argv.includes('--blind-misses')) {
      for (const c of f.missed) console.log(`  missed [${c.kind}${c.indirect ? ', indirect' : ''}${f.notHeldBack.includes(c) ? ', NOT held back' : ', held back'}]: ${c.text}`);
      for (const c of f.falseOffers) console.log(`  false offer: ${c.text}`);
    }
  }
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
