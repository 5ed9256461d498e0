import fs from 'node:fs';
import { startAzuriteTables } from './azuriteServer';

/** The processes this test process started whose command line names Azurite (Linux /proc; none elsewhere). */
function azuriteChildren(): number[] {
  if (!fs.existsSync('/proc/self/stat')) return [];
  return fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d)).flatMap((pid) => {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      return ppid === process.pid && /azurite/.test(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8')) ? [Number(pid)] : [];
    } catch {
      return [];
    }
  });
}

/** The test stand-in for Azure Tables cleans up after itself, so no Jest worker is left holding a process. */
describe('the Azurite stand-in', () => {
  it('when Azurite does not start in time, then each process it spawned is stopped before it gives up, none left running', async () => {
    await expect(startAzuriteTables({ startTimeoutMs: 1 })).rejects.toThrow(/Azurite did not start/);
    expect(azuriteChildren()).toEqual([]);
  });
});
