import fs from 'node:fs';

/**
 * The instruction sets under which the shipped models were shown to compute the same numbers, bit for bit (issue 68,
 * research/DECISIONS.md): AVX2 with FMA, as on every Intel CPU since 2013 and every AMD one since 2017, with or without
 * AVX-512. On an older CPU (SSE or AVX alone) ONNX Runtime rounds its floating-point steps differently: the vectors move
 * by a cosine of about 0.998, enough to change a decision that sits within a few hundredths of its threshold.
 */
const NEEDED = ['avx2', 'fma'] as const;

/**
 * What the CPU this process runs on lacks of NEEDED, read from Linux's /proc/cpuinfo (`flags`); undefined where that
 * cannot be read (another system), since then nothing is known. `cpuinfo` is for tests.
 */
export function missingCpuFeatures(cpuinfo?: string): string[] | undefined {
  let text = cpuinfo;
  if (text === undefined) {
    try {
      text = fs.readFileSync('/proc/cpuinfo', 'utf8');
    } catch {
      return undefined;
    }
  }
  const line = /^flags\s*:\s*(.*)$/m.exec(text);
  if (!line) return undefined;
  const flags = new Set(line[1].trim().split(/\s+/));
  return NEEDED.filter((f) => !flags.has(f));
}
