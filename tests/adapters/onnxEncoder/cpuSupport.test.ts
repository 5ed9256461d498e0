import { missingCpuFeatures } from '../../../src/adapters/onnxEncoder/cpuSupport';

/** Issue 68: the CPUs the models compute the same numbers on (AVX2 with FMA) are told apart from older ones. */
describe('whether this CPU is one the models were shown to decide the same on', () => {
  const cpuinfo = (flags: string): string => `processor\t: 0\nvendor_id\t: AuthenticAMD\nflags\t\t: ${flags}\nbugs\t\t: sysret_ss_attrs\n\nprocessor\t: 1\nflags\t\t: ${flags}\n`;

  it('when the CPU has AVX2 and FMA (a Haswell or later, with or without AVX-512), then nothing is missing', () => {
    expect(missingCpuFeatures(cpuinfo('fpu sse sse2 ssse3 sse4_1 sse4_2 avx fma avx2 bmi2'))).toEqual([]);
    expect(missingCpuFeatures(cpuinfo('sse4_2 avx fma avx2 avx512f avx512bw avx512_vnni'))).toEqual([]);
  });

  it('when the CPU is older (AVX without AVX2, or SSE alone), then what it lacks is named', () => {
    expect(missingCpuFeatures(cpuinfo('fpu sse sse2 sse4_1 sse4_2 avx'))).toEqual(['avx2', 'fma']);
    expect(missingCpuFeatures(cpuinfo('fpu sse sse2 sse4_2 popcnt'))).toEqual(['avx2', 'fma']);
    // A flag that merely contains the name is not the flag.
    expect(missingCpuFeatures(cpuinfo('sse4_2 avx avx2_like fma4'))).toEqual(['avx2', 'fma']);
  });

  it('when the flags cannot be read (not Linux, or no flags line), then nothing is claimed either way', () => {
    expect(missingCpuFeatures('processor : 0\nmodel name : Apple M2\n')).toBeUndefined();
  });

  it('when this machine is read on Linux, then its flags are found and the answer is a list', () => {
    const got = missingCpuFeatures();
    if (process.platform === 'linux') expect(Array.isArray(got)).toBe(true);
    else expect(got).toBeUndefined();
  });
});
