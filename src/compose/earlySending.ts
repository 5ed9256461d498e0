import { AppConfig } from '../config';
import { AppLogger } from '../shared/logger';
import { createOutboundBudget } from '../teams/outboundBudget';
import { SharedSendRate, startSharedSendRate } from '../teams/sharedSendRate';
import { canSendInThread, SendingThread, startSendingThread } from './acknowledgementSendingThread';
import { openSharedRecords } from './sharedCoordination';

/**
 * What a process starts before it loads the rest of the app: the one outbound budget with Teams, its share of the app's
 * limit (held in the ledger every instance shares), and the campaign sending thread. Kept apart from startApp.ts, which
 * loads every feature, so src/main.ts can start sending first and a restarted bot resumes a roll-out while its modules
 * and the policy still load.
 */
export interface EarlySending {
  outbound: ReturnType<typeof createOutboundBudget>;
  sendingThread?: SendingThread;
  /** This instance's share of Teams' limit: stop it last, once nothing more is sent. */
  sendRate: SharedSendRate & { close(): Promise<void> };
}

/** Starts the outbound budget and, where sending can run in a thread (not an in-memory SQLite file), the sending thread. */
export function startEarlySending(config: AppConfig, logger: AppLogger): EarlySending {
  // Nothing goes to Teams until the ledger grants this instance a share (a few milliseconds after start). A restart under
  // the same worker id carries on the last life's share, so the first one ramps up as if that life had sent until now.
  const outbound = createOutboundBudget({ ratePerSecond: config.delivery.sendRatePerSecond, granted: true, rampUp: true });
  const shared = openSharedRecords(config);
  const rate = startSharedSendRate({
    records: shared.records, workerId: config.delivery.workerId, limit: config.delivery.sendRatePerSecond,
    apply: (grants, arrivalSpreadMs) => outbound.setGrants(grants, arrivalSpreadMs), logger,
    timing: { arrivalSpreadMs: config.delivery.sendArrivalSpreadMs },
  });
  const sendRate = Object.assign(rate, {
    async close() {
      await rate.stop();
      // No share is granted from now on: a request still waiting would be asked for on a timer for ever.
      outbound.close();
      shared.close();
    },
  });
  return { outbound, sendRate, sendingThread: canSendInThread(config) ? startSendingThread(config, outbound.memory, logger) : undefined };
}
