import { ConcernDelivery, ConcernLog, ConcernStore, OutboxEntry, PostedCopy } from './concernPorts';
import { ConcernRoutingTable, personIdOf } from './concernRouting';
import { ConcernCase, NewConcernEvent } from './concernTypes';
import { errorCode } from '../../../shared/errorCode';

/** The alert to the chair when a copy the headteacher holds could not be withdrawn (an alertChair task's operation). */
export const COPY_NOT_WITHDRAWN = 'copyNotWithdrawn';

/** Runs before a copy that keeps failing is given up (each a minute apart): about ten minutes. */
const WITHDRAW_RUNS = 10;

const keyOf = (copy: PostedCopy) => `${copy.conversationId}\u0000${copy.messageId}`;

/** A copy as an event keeps it (strings only). */
export const copyData = (copy: PostedCopy): Record<string, string> => ({
  conversationId: copy.conversationId, messageId: copy.messageId, ...(copy.form ? { form: copy.form } : {}),
});

/**
 * The copies of a case the headteacher holds that are not withdrawn yet: the case sent to them (their 1:1 chat, as the
 * person a report went to) and each time it was shown in their own chat (opened, pressed, exported); less those
 * withdrawn, or given up because Teams said the message is gone or refused, since they were last shown. Read in the
 * order they happened: a message shown again after it was withdrawn (a press that raced the marking) is held again.
 * Alerts sent to a team member carry nothing of the report and are not here.
 */
export function copiesToWithdraw(c: ConcernCase, headteacherId: string | undefined): PostedCopy[] {
  const held = new Map<string, PostedCopy>();
  for (const e of c.events) {
    if (!e.data.conversationId || !e.data.messageId) continue;
    const form = e.data.form === 'text' || e.data.form === 'list' ? e.data.form : undefined;
    const copy: PostedCopy = { conversationId: e.data.conversationId, messageId: e.data.messageId, ...(form ? { form } : {}) };
    // A list the case was on is kept (it says the head was shown the case) but not withdrawn: replacing it when, and only
    // when, a report on it is marked would tell the head which; its Open answers "not found" and alerts no one.
    if ((e.type === 'copyShown' && form !== 'list') || (e.type === 'routed' && headteacherId !== undefined && e.data.recipientId === headteacherId)) held.set(keyOf(copy), copy);
    else if (e.type === 'copyWithdrawn' || (e.type === 'routeFailed' && e.data.notice === 'withdraw' && e.data.final === 'true')) held.delete(keyOf(copy));
  }
  return [...held.values()];
}

/** What withdrawing needs: the outbox's own store, delivery, routing and log. */
export interface WithdrawDeps {
  store: ConcernStore;
  delivery: ConcernDelivery;
  routing: ConcernRoutingTable;
  log: ConcernLog;
  now: () => Date;
  redeliverAfterMs: number;
}

/**
 * The outbox's withdrawal of every copy the headteacher holds of a report now about them. Each withdrawn copy is
 * recorded; one Teams says is gone (404) or refused (403) is recorded and not tried again; any other failure is tried
 * again a minute later, up to about ten minutes, then recorded as given up and logged as an error, and the chair of
 * governors (or their fallback) is alerted that the headteacher may still hold a copy. Nothing of the
 * report is in any record or log line here: the reference, the conversation and message ids, and codes.
 */
export async function withdrawCopies(entry: OutboxEntry, concern: ConcernCase, deps: WithdrawDeps): Promise<void> {
  // Only a report about the headteacher is taken from them.
  const copies = concern.report.aboutHeadteacher ? copiesToWithdraw(concern, personIdOf(deps.routing.destinations.headteacher)) : [];
  const events: NewConcernEvent[] = [];
  let retry = false;
  for (const copy of copies) {
    try {
      await deps.delivery.withdrawCopy(concern.report, copy);
      events.push({ type: 'copyWithdrawn', at: deps.now().toISOString(), data: copyData(copy) });
    } catch (err) {
      const code = errorCode(err, 'DELIVERY_ERROR');
      const final = code === 'HTTP_403' || code === 'HTTP_404' || entry.attempts >= WITHDRAW_RUNS;
      events.push({ type: 'routeFailed', at: deps.now().toISOString(), data: { role: 'headteacher', notice: 'withdraw', code, final: String(final), ...copyData(copy) } });
      const fields = { reference: concern.report.reference, code, final };
      if (final) deps.log.error(fields, 'could not withdraw a copy the headteacher holds of a report about them');
      else deps.log.warn(fields, 'could not withdraw a copy the headteacher holds; will retry');
      retry ||= !final;
    }
  }
  if (events.some((e) => e.data.final === 'true')) {
    // A copy the head still holds: the chair of governors is told (their fallback when they cannot be), as they are
    // when the head tries a case about them; stored before this entry is closed, so a restart repeats it, never loses it.
    const at = deps.now().toISOString();
    await deps.store.append(concern.report.id, [], [{ kind: 'alertChair', operation: COPY_NOT_WITHDRAWN, attemptAt: at }], at);
  }
  if (retry) {
    await deps.store.rescheduleOutbox(entry.id, concern.report.id, new Date(deps.now().getTime() + deps.redeliverAfterMs).toISOString(), events);
  } else {
    await deps.store.completeOutbox(entry.id, concern.report.id, events);
  }
  if (copies.length > 0) deps.log.info({ reference: concern.report.reference, copies: copies.length, retry }, 'withdrawing the headteacher\'s copies');
}
