import { monitorEventLoopDelay } from 'node:perf_hooks';

/**
 * Runs one operation and says how long it took, the worst event-loop delay while it ran and the process's CPU time
 * meanwhile (all in ms). On a machine shared with other work the CPU time is the steadier figure: wall time and delay
 * grow with everyone else's load.
 */
export async function measureWithLoopDelay(fn: () => Promise<unknown>): Promise<{ ms: number; worstLoopDelayMs: number; cpuMs: number }> {
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  // The histogram records a delay only between two of its own samples: let it take a first one.
  await new Promise((resolve) => setTimeout(resolve, 20));
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await fn();
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  // Let the histogram's timer fire once more: a block that ends with the operation is only seen after it.
  await new Promise((resolve) => setTimeout(resolve, 20));
  h.disable();
  return { ms: Math.round(ms), worstLoopDelayMs: Math.round(h.max / 1e6), cpuMs: Math.round((cpu.user + cpu.system) / 1000) };
}
