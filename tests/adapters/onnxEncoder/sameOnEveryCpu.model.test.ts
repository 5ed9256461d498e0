import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { showFigures } from '../../support/figures';
import { REPO_ROOT } from '../../support/repoRoot';

/**
 * Issue 68: the shipped models compute the same numbers, bit for bit, on a CPU without AVX-512 as on this one, so the
 * bot a school runs decides as the one tested. The bot's own adapter (as `npm run build` compiled it) reads the same
 * texts with both encoders natively and under Debian's qemu-user emulating a Haswell (AVX2 and FMA, no AVX-512): the
 * vectors' bytes must be equal. With the int8 graphs shipped before issue 68, a quarter of the texts differed by up to
 * 0.07 in a coordinate. CI installs qemu-user (scripts/installCpuEmulator.sh); elsewhere the test is skipped when it is
 * missing, and says so.
 */
const qemu = spawnSync('sh', ['-c', 'command -v qemu-x86_64'], { encoding: 'utf8' }).stdout.trim();
const script = path.join(REPO_ROOT, 'tests', 'fixtures', 'encodeForCpuCheck.js');
const built = fs.existsSync(path.join(REPO_ROOT, 'dist', 'src', 'adapters', 'onnxEncoder', 'onnxSentenceEncoder.js'));
const runs = qemu !== '' || process.env.CI === 'true';
if (!runs) showFigures('sameOnEveryCpu.model.test.ts skipped: qemu-x86_64 is not installed (bash scripts/installCpuEmulator.sh)');

function encode(prefix: string[]): Record<string, string[]> {
  const [command, ...args] = [...prefix, process.execPath, script, REPO_ROOT];
  const run = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 480_000 });
  if (run.status !== 0) throw new Error(`${[command, ...args].join(' ')} failed (${run.status ?? run.signal}): ${run.stderr.split('\n').filter((l) => !l.includes('TCG doesn')).join('\n').slice(0, 2000)}`);
  return JSON.parse(run.stdout) as Record<string, string[]>;
}

(runs ? describe : describe.skip)('the shipped models on another CPU (issue 68)', () => {
  it('when the encoders read the same texts on an emulated Haswell (no AVX-512), then every vector is the same to the bit as on this CPU', () => {
    expect(qemu).not.toBe(''); // CI installs it: bash scripts/installCpuEmulator.sh
    expect(built).toBe(true); // npm test builds first
    const here = encode([]);
    const haswell = encode([qemu, '-cpu', 'Haswell']);
    const larger = fs.existsSync(path.join(REPO_ROOT, 'models', 'answer-encoder', 'manifest.json'));
    expect(Object.keys(here)).toEqual(['encoder', 'drafts', ...(larger ? ['answer-encoder'] : [])]);
    for (const model of Object.keys(here)) {
      expect(here[model]).toHaveLength(model === 'answer-encoder' ? 3 : 8);
      expect({ model, vectors: haswell[model] }).toEqual({ model, vectors: here[model] });
    }
  }, 600_000);
});
