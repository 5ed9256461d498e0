import { monitorEventLoopDelay } from 'node:perf_hooks';

/** Process CPU time (user + system) in ms. */
const cpuNow = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/**
 * Runs one operation and says how long it took, the worst event-loop delay while it ran, the process's CPU time
 * meanwhile, and the most CPU the process spent between two turns of a 1 ms timer (all in ms). On a machine shared
 * with other work the last two are the steadier figures: wall time and delay grow with everyone else's load (a 10 ms
 * slice can take 60 ms of wall time when the cores are busy), the CPU spent without letting the loop turn does not.
 */
export async function measureWithLoopDelay(fn: () => Promise<unknown>): Promise<{ ms: number; worstLoopDelayMs: number; cpuMs: number; worstBlockCpuMs: number }> {
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  let lastCpu = cpuNow();
  let worstBlock = 0;
  const ticker = setInterval(() => {
    const c = cpuNow();
    worstBlock = Math.max(worstBlock, c - lastCpu);
    lastCpu = c;
  }, 1);
  // The histogram records a delay only between two of its own samples: let it take a first one.
  await new Promise((resolve) => setTimeout(resolve, 20));
  worstBlock = 0;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await fn();
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  // Let the histogram's timer fire once more: a block that ends with the operation is only seen after it.
  await new Promise((resolve) => setTimeout(resolve, 20));
  clearInterval(ticker);
  h.disable();
  return {
    ms: Math.round(ms), worstLoopDelayMs: Math.round(h.max / 1e6), cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    worstBlockCpuMs: Math.round(worstBlock),
  };
}
