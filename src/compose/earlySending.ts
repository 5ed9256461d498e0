import { AppConfig } from '../config';
import { AppLogger } from '../shared/logger';
import { createOutboundBudget } from '../teams/outboundBudget';
import { canSendInThread, SendingThread, startSendingThread } from './acknowledgementSendingThread';

/**
 * What a process starts before it loads the rest of the app: the one outbound budget with Teams, and the campaign
 * sending thread. Kept apart from startApp.ts, which loads every feature, so src/main.ts can start sending first and a
 * restarted bot resumes a roll-out while its modules and the policy still load.
 */
export interface EarlySending {
  outbound: ReturnType<typeof createOutboundBudget>;
  sendingThread?: SendingThread;
}

/** Starts the outbound budget and, where sending can run in a thread (not an in-memory SQLite file), the sending thread. */
export function startEarlySending(config: AppConfig, logger: AppLogger): EarlySending {
  const outbound = createOutboundBudget({ ratePerSecond: config.delivery.sendRatePerSecond });
  return { outbound, sendingThread: canSendInThread(config) ? startSendingThread(config, outbound.memory, logger) : undefined };
}
