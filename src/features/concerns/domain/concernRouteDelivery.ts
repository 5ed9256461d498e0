import { errorCode } from '../../../shared/errorCode';
import { ConcernDelivery, ConcernLog } from './concernPorts';
import { fallbackWords } from './concernRecord';
import { ConcernRoutingTable, DestinationAddress, isSharedPlace } from './concernRouting';
import { ConcernCase, DestinationRole, NewConcernEvent } from './concernTypes';
import { SharedPlaceBlock } from './safeguardingRoute';

/** What the route check offers the delivery of a report: whether (and why) to skip the shared place, and what to do when refused. */
export interface RouteGuard {
  skipShared(): Promise<SharedPlaceBlock | undefined>;
  postRefused(status: number, teamsCode: string | undefined, reference: string): Promise<void>;
}

/** What delivering one report needs. */
export interface RouteDeliveryDeps {
  delivery: ConcernDelivery;
  routing: ConcernRoutingTable;
  log: ConcernLog;
  route?: RouteGuard;
  now: () => Date;
  attempts: number;
  sleep: (ms: number) => Promise<void>;
  retryDelayMs: number;
}

/** One attempt's outcome at one address. */
type Tried =
  | { ok: true; messageId?: string; conversationId?: string }
  | { ok: false; code: string; status?: number; teamsCode?: string; refused: boolean };

/** The outcome of delivering a report: where it went (events to append), or that every route failed. */
export interface RouteOutcome {
  delivered: boolean;
  events: NewConcernEvent[];
}

/**
 * Teams answers 403 (the bot is not in the conversation, is blocked, or is not allowed there) or 404 (no such
 * conversation) for a place it will not post to: retrying changes nothing, so it is not retried.
 */
function refusal(err: unknown): { status: number; teamsCode?: string } | undefined {
  const status = Number(/^HTTP_(\d+)$/.exec(errorCode(err))?.[1] ?? 0);
  if (status !== 403 && status !== 404) return undefined;
  const teamsCode = (err as { teamsCode?: unknown }).teamsCode;
  return { status, teamsCode: typeof teamsCode === 'string' ? teamsCode : undefined };
}

/** Delivers reports along their route: the primary role, the safeguarding team 1:1 when its shared place fails, then the fallback. */
export function createRouteDelivery(deps: RouteDeliveryDeps) {
  async function tryAddress(role: DestinationRole, address: DestinationAddress, concern: ConcernCase, possibleDuplicate: boolean, fallbackReason?: string): Promise<Tried> {
    let last: Tried = { ok: false, code: 'DELIVERY_ERROR', refused: false };
    for (let i = 0; i < deps.attempts; i++) {
      if (i > 0) await deps.sleep(deps.retryDelayMs * 2 ** (i - 1));
      try {
        const { messageId, conversationId } = await deps.delivery.deliver(role, address, concern, { possibleDuplicate, ...(fallbackReason ? { fallbackReason } : {}) });
        return { ok: true, messageId, conversationId };
      } catch (err) {
        const refused = refusal(err);
        last = { ok: false, code: errorCode(err, 'DELIVERY_ERROR'), refused: refused !== undefined, status: refused?.status, teamsCode: refused?.teamsCode };
        deps.log.warn({ reference: concern.report.reference, role, attempt: i + 1, code: last.code, teamsCode: refused?.teamsCode }, 'concern delivery attempt failed');
        if (refused) break;
      }
    }
    return last;
  }

  /** Each member 1:1, each on its own: one member who cannot be reached does not stop the others. */
  async function tryEachMember(role: DestinationRole, ids: readonly string[], concern: ConcernCase, possibleDuplicate: boolean) {
    const reached: { c: string; m: string }[] = [];
    let code = 'DELIVERY_ERROR';
    for (const aadObjectId of ids) {
      const r = await tryAddress(role, { kind: 'person', aadObjectId }, concern, possibleDuplicate);
      if (r.ok) reached.push({ c: r.conversationId ?? '', m: r.messageId ?? '' });
      else code = r.code;
    }
    return { reached, code };
  }

  const failed = (at: string, role: DestinationRole, stage: string, r: Extract<Tried, { ok: false }>): NewConcernEvent => ({
    type: 'routeFailed', at,
    data: {
      role, stage, code: r.code, attempts: String(r.refused ? 1 : deps.attempts),
      ...(r.refused ? { refused: 'true' } : {}), ...(r.teamsCode ? { teamsCode: r.teamsCode } : {}),
    },
  });

  /** The safeguarding team's stage: its shared place unless refused, then each member 1:1 at once. */
  async function toSafeguardingTeam(
    stage: string, address: DestinationAddress, concern: ConcernCase, possibleDuplicate: boolean, events: NewConcernEvent[],
  ): Promise<boolean> {
    const role: DestinationRole = 'dslChannel';
    const direct = deps.routing.teamDirect;
    let reason: 'skipped' | 'outsiders' | 'refused' | 'failed' = 'failed';
    /** Why the place was skipped, for the case record: with outsiders, how many and which check found them. */
    let why: Record<string, string> = {};
    let members = address.kind === 'eachMember' ? address.aadObjectIds : undefined;
    if (isSharedPlace(address)) {
      const block = await deps.route?.skipShared();
      if (block?.problem.code === 'outsiders' && !direct) {
        // Nobody to alert 1:1 (local mode without SAFEGUARDING_TEAM or a deputy), yet never a place others would read:
        // the fallback route takes it, and the two-minute watch tells the reporter if nothing does.
        events.push({ type: 'routeFailed', at: deps.now().toISOString(), data: { role, stage, code: 'PLACE_HAS_OUTSIDERS', attempts: '0', outsiders: String(block.problem.count) } });
        return false;
      }
      if (block && direct) {
        reason = block.problem.code === 'outsiders' ? 'outsiders' : 'skipped';
        why = {
          place: address.kind, problem: block.problem.code, checkedAt: block.at,
          ...(block.problem.code === 'outsiders' ? { outsiders: String(block.problem.count) } : {}),
        };
      } else {
        const r = await tryAddress(role, address, concern, possibleDuplicate);
        const at = deps.now().toISOString();
        if (r.ok) {
          events.push({ type: 'routed', at, data: { role, stage, messageId: r.messageId ?? '', conversationId: r.conversationId ?? '', recipientId: '', possibleDuplicate: String(possibleDuplicate) } });
          return true;
        }
        events.push(failed(at, role, stage, r));
        deps.log.error({ reference: concern.report.reference, role, stage, code: r.code, teamsCode: r.teamsCode }, 'concern destination failed');
        if (r.refused) {
          reason = 'refused';
          await deps.route?.postRefused(r.status ?? 403, r.teamsCode, concern.report.reference).catch((err) => {
            deps.log.error({ reference: concern.report.reference, code: errorCode(err) }, 'could not record the refusal');
          });
        }
      }
      if (direct?.kind !== 'eachMember') return false;
      members = direct.aadObjectIds;
    }
    if (!members) return false;
    const { reached, code } = await tryEachMember(role, members, concern, possibleDuplicate);
    const at = deps.now().toISOString();
    if (reached.length === 0) {
      events.push({ type: 'routeFailed', at, data: { role, stage: 'direct', code, attempts: String(deps.attempts) } });
      return false;
    }
    events.push({
      type: 'routed', at,
      data: {
        role, stage: address.kind === 'eachMember' ? stage : 'direct', reason: address.kind === 'eachMember' ? 'configured' : reason, ...why,
        reached: String(reached.length), of: String(members.length), deliveries: JSON.stringify(reached), recipientId: '',
        messageId: reached[0].m, possibleDuplicate: String(possibleDuplicate),
      },
    });
    return true;
  }

  return {
    /** Delivers along the primary role then the fallback; the events say where it went and what failed on the way. */
    async deliver(primary: DestinationRole, fallback: DestinationRole, concern: ConcernCase, possibleDuplicate: boolean): Promise<RouteOutcome> {
      const events: NewConcernEvent[] = [];
      for (const [stage, role] of [['primary', primary], ['fallback', fallback]] as const) {
        const address = deps.routing.destinations[role];
        if (role === 'dslChannel' && address && (isSharedPlace(address) || address.kind === 'eachMember')) {
          if (await toSafeguardingTeam(stage, address, concern, possibleDuplicate, events)) return { delivered: true, events };
          continue;
        }
        if (!address || address.kind === 'eachMember') {
          events.push({ type: 'routeFailed', at: deps.now().toISOString(), data: { role, stage, code: 'CONCERN_DESTINATION_UNCONFIGURED', attempts: String(deps.attempts) } });
          deps.log.error({ reference: concern.report.reference, role, stage, code: 'CONCERN_DESTINATION_UNCONFIGURED' }, 'concern destination failed');
          continue;
        }
        // By the fallback: its card says first why (the failure of the primary route, just recorded above).
        const r = await tryAddress(role, address, concern, possibleDuplicate, stage === 'fallback' ? fallbackWords([...concern.events, ...events], role) : undefined);
        const at = deps.now().toISOString();
        if (r.ok) {
          events.push({
            type: 'routed', at,
            data: {
              role, stage, messageId: r.messageId ?? '', conversationId: r.conversationId ?? '',
              recipientId: address.kind === 'person' ? address.aadObjectId : '', possibleDuplicate: String(possibleDuplicate),
            },
          });
          return { delivered: true, events };
        }
        events.push(failed(at, role, stage, r));
        deps.log.error({ reference: concern.report.reference, role, stage, code: r.code, teamsCode: r.teamsCode }, 'concern destination failed');
      }
      return { delivered: false, events };
    },
  };
}
