import fs from 'node:fs';
import { parsePolicyText } from '../../src/features/policy/ingest/parsePolicy';
const file = process.argv[2];
const doc = parsePolicyText(fs.readFileSync(file, 'utf8'), file);
console.log(JSON.stringify({ title: doc.title, metadata: doc.metadata, warnings: doc.warnings }, null, 1));
for (const s of doc.sections) {
  console.log(`\n=== [${s.ordinal}] ${'  '.repeat(s.level - 1)}${s.number ?? '-'} ${s.title} (L${s.level}, parent ${s.parent})`);
  console.log(s.text.split('\n').map((l) => '   | ' + l.slice(0, 150)).join('\n'));
}
