import { AcknowledgementError } from './acknowledgementErrors';
import { AcknowledgementStore } from './acknowledgementStore';
import { StaffMember } from './acknowledgementTypes';

/** Why someone may not acknowledge or open a campaign's reader: not on the staff list, or marked as having left it. */
export type NotCurrentStaffReason = 'notOnStaffList' | 'left';

/** What the person was doing when refused (the audit says it). */
export type StaffOnlyAction = 'acknowledge' | 'read';

/** What the gate needs: the staff list, the audit, and who runs the campaigns (named to a refused person). */
export interface StaffGateDeps {
  store: Pick<AcknowledgementStore, 'getStaff' | 'appendAudit'>;
  clock: () => Date;
  /** POLICY_OWNERS: the people a refused person is told to ask (by name, as the staff list has them). */
  owners?: readonly string[];
}

/** Owners named to a refused person, at most this many. */
const OWNERS_NAMED = 3;
/**
 * One audit line per person, action, campaign and reason in this long: the audit is append-only, so a flood of presses
 * from one account must not grow it without end (each press is still refused).
 */
const AUDIT_ONCE_PER_MS = 10 * 60_000;
/** Refusals remembered for that purpose, the oldest forgotten first. */
const AUDITED_LIMIT = 10_000;
/** How long the owners' names are kept between refusals. */
const OWNER_NAMES_TTL_MS = 60_000;

/** Why a person is not current staff, from their staff record as the store has it (undefined: not on the list). */
export function notCurrentStaffReason(member: Pick<StaffMember, 'active'> | undefined): NotCurrentStaffReason | undefined {
  if (!member) return 'notOnStaffList';
  return member.active ? undefined : 'left';
}

/** The polite refusal: what happened, that nothing was recorded, whom to ask, and what they can still do. */
export function notCurrentStaffText(reason: NotCurrentStaffReason, ownerNames: readonly string[]): string {
  const who = ownerNames.length > 0 ? ownerNames.join(' or ') : 'the school office, or whoever sent you the policy';
  return `Sorry, this acknowledgement is for current staff, and ${reason === 'left'
    ? 'the school\'s staff list shows you have left'
    : 'your account is not on the school\'s staff list'}, so nothing was recorded. `
    + `If you ${reason === 'left' ? 'still ' : ''}work at the school, ask ${who} to check the staff list. `
    + 'You can still ask me about the policy, or report a concern.';
}

/**
 * The staff gate of the annual acknowledgement: only people on the staff list who have not left may acknowledge a policy
 * or open a campaign's reader. Anyone else (a pupil's account in the tenant, someone the staff sync marked as departed)
 * is refused with an AcknowledgementError whose message tells them politely, and the refusal is audited with who, what
 * and why (ids and codes only). Reporting a concern and asking about the policy never pass through it.
 */
export function createStaffGate(deps: StaffGateDeps) {
  const audited = new Map<string, number>();
  let names: { at: number; list: string[] } | undefined;

  async function ownerNames(): Promise<string[]> {
    const now = deps.clock().getTime();
    if (names && now - names.at < OWNER_NAMES_TTL_MS) return names.list;
    const found = await Promise.all((deps.owners ?? []).slice(0, OWNERS_NAMED).map((id) => deps.store.getStaff(id).catch(() => undefined)));
    names = { at: now, list: found.filter((m): m is StaffMember => m !== undefined && m.active && m.displayName.trim() !== '').map((m) => m.displayName) };
    return names.list;
  }

  /** Whether this refusal is due an audit line (the first in AUDIT_ONCE_PER_MS for its person, action, campaign and reason). */
  function dueAudit(key: string): boolean {
    const now = deps.clock().getTime();
    const last = audited.get(key);
    if (last !== undefined && now - last < AUDIT_ONCE_PER_MS) return false;
    audited.delete(key);
    if (audited.size >= AUDITED_LIMIT) audited.delete(audited.keys().next().value as string);
    audited.set(key, now);
    return true;
  }

  /** Lets through a current member of staff (their record as the store has it); refuses and audits anyone else. */
  async function admit<T extends Pick<StaffMember, 'active'>>(member: T | undefined, userId: string, action: StaffOnlyAction, subject: string): Promise<T> {
    const reason = notCurrentStaffReason(member);
    if (!reason) return member!;
    if (dueAudit([userId, action, subject, reason].join('\n'))) {
      await deps.store.appendAudit({
        at: deps.clock().toISOString(), actor: userId, action: action === 'acknowledge' ? 'acknowledgement.refused' : 'reader.refused',
        subject, details: { reason, what: action },
      });
    }
    throw new AcknowledgementError('NOT_CURRENT_STAFF', notCurrentStaffText(reason, await ownerNames()));
  }

  return {
    admit,
    /** Reads the person's staff record and refuses them unless they are current staff; resolves with the record. */
    async check(userId: string, action: StaffOnlyAction, subject: string): Promise<StaffMember> {
      return admit(await deps.store.getStaff(userId), userId, action, subject);
    },
  };
}

/** The staff gate. */
export type StaffGate = ReturnType<typeof createStaffGate>;
