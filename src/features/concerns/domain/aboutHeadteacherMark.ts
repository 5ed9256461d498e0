import { UNDELIVERED_ALERT_MS } from './concernOutbox';
import { OutboxTask } from './concernPorts';
import { ConcernRoutingTable, resolveConcernRoute } from './concernRouting';
import { ConcernCase, NewConcernEvent } from './concernTypes';

/** Who marked it and when, and what the marking needs to know. */
export interface AboutHeadteacherMarking {
  actorId: string;
  actorName: string;
  at: Date;
  routing: ConcernRoutingTable;
  /** The headteacher's Entra object id: a case they held is unassigned. */
  headteacherId?: string;
  undeliveredAlertMs?: number;
  /** Moved by the details the reporter added (read as naming the headteacher), not by a member of the team. */
  byReporterDetails?: boolean;
}

/**
 * What moves a case to where reports about the headteacher go (the chair of governors, or the fallback such a report
 * has): unassigned first if the headteacher held it, one event saying so (the report as submitted is unchanged), the
 * route, and a watch like a new report's (reaching no one two minutes on, those who may hear of it are told). Used by
 * the team's "About the headteacher?" and by the reporter's own later details that name the headteacher. Every copy the
 * headteacher holds is withdrawn by the outbox (retried until it is), not by the request that marked it.
 */
export function markAboutHeadteacher(c: ConcernCase, m: AboutHeadteacherMarking): { events: NewConcernEvent[]; tasks: OutboxTask[] } {
  const route = resolveConcernRoute({ ...c.report, aboutHeadteacher: true }, m.routing);
  const at = m.at.toISOString();
  const by = { actorId: m.actorId, actorName: m.actorName };
  const events: NewConcernEvent[] = [];
  if (m.headteacherId && c.assignee?.id === m.headteacherId) {
    events.push({ type: 'assigned', at, ...by, data: { assigneeId: '', assigneeName: '' } });
  }
  events.push({ type: 'markedAboutHeadteacher', at, ...by, data: { role: route.primary, ...(m.byReporterDetails ? { cause: 'reporterDetails' } : {}) } });
  const watch: OutboxTask = {
    kind: 'watchDelivery', notBefore: new Date(m.at.getTime() + (m.undeliveredAlertMs ?? UNDELIVERED_ALERT_MS)).toISOString(), since: at,
  };
  return { events, tasks: [{ kind: 'route', primary: route.primary, fallback: route.fallback }, { kind: 'withdrawHeadCopies' }, watch] };
}
