import { ConcernRoutingTable, isWaitingRole, resolveConcernRoute } from './concernRouting';
import { CONCERN_KINDS, ConcernKind, DESTINATION_ROLE_LABELS, DestinationRole } from './concernTypes';
import { KINDS_ABOUT_A_PERSON } from './concernValidation';

/**
 * The route not set up yet (issue 44). Production starts before IT fills in where reports go (docs/deployment.md, step 6);
 * until then the bot says so wherever someone must know (the startup log, /healthz?detail=1, the owners' help, the report
 * form, the receipt), and a report for a role that is not set up waits, stored and encrypted, until it is. Variable names
 * only: never a person's name or id.
 */

/** The code recorded on a report that waits because its route is not set up. */
export const ROUTE_NOT_CONFIGURED = 'CONCERN_ROUTE_NOT_CONFIGURED';

/** The named state, as the startup log and /healthz say it. */
export function routeNotConfiguredSummary(missing: readonly string[]): string {
  return `safeguarding route not configured: missing ${missing.join(', ')}`;
}

/** How the form, receipt and notices name a role reports wait for. */
const WAITING_ROLE_WORDS: Readonly<Record<DestinationRole, string>> = {
  dslChannel: 'the safeguarding team',
  deputyDsl: 'the deputy DSL',
  seniorManager: 'a senior manager',
  headteacher: 'the headteacher',
  chairOfGovernors: 'the chair of governors (reports about the headteacher)',
};

const listOf = (words: readonly string[]) => (words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`);

/** Who to go to in person while a report waits: for a report about the headteacher, never the headteacher's own office. */
export function inPersonContact(aboutHeadteacher: boolean): string {
  return aboutHeadteacher ? 'a deputy DSL or the chair of governors' : 'the DSL or a deputy';
}

/** The roles a report of this kind (or, with no kind, of any kind) is for that are not set up, in routing order. */
export function waitingRolesFor(table: ConcernRoutingTable, kind?: ConcernKind): DestinationRole[] {
  const roles = new Set<DestinationRole>();
  for (const k of kind ? [kind] : CONCERN_KINDS) {
    roles.add(resolveConcernRoute({ kind: k, aboutHeadteacher: false }, table).primary);
    if (KINDS_ABOUT_A_PERSON.has(k)) roles.add(resolveConcernRoute({ kind: k, aboutHeadteacher: true }, table).primary);
  }
  return [...roles].filter((r) => isWaitingRole(table, r));
}

/**
 * The warning at the top of the report form while reports of this kind (before a kind is chosen: of any kind) cannot be
 * sent; undefined when they can. The reporter is told to go in person now, and that a report made here is not lost.
 */
export function routeSetupFormWarning(table: ConcernRoutingTable, kind?: ConcernKind): string | undefined {
  const roles = waitingRolesFor(table, kind);
  if (roles.length === 0) return undefined;
  const others = roles.filter((r) => r !== 'dslChannel').map((r) => WAITING_ROLE_WORDS[r]);
  const to = roles.includes('dslChannel') ? `the safeguarding team yet${others.length > 0 ? `, nor to ${listOf(others)}` : ''}` : `${listOf(others)} yet`;
  return `Reports cannot be sent to ${to}: the bot is not set up for this. Tell IT. `
    + 'If a child is in danger, go to the DSL or a deputy in person now, or call 999. '
    + 'You can still report it here: it is kept safely and sent as soon as it is set up, but go in person as well.';
}

/** Why a report waits and what the reporter must do now (the receipt says it under "It has NOT been sent yet."). */
export function waitingReceiptText(reference: string, role: DestinationRole, aboutHeadteacher: boolean, here = 'here'): string {
  return `The bot is not set up to send reports to ${WAITING_ROLE_WORDS[role]} yet. `
    + `Go to ${inPersonContact(aboutHeadteacher)} in person now and give them the reference ${reference}. If a child is in immediate danger, call 999. `
    + `Your report is kept safely and will be sent as soon as IT has set this up; I will tell you ${here} when it arrives.`;
}

/** What the reporter is told of a report that waits, as a message: plainly not sent, go in person with the reference, nothing lost. */
export function waitingReporterText(reference: string, role: DestinationRole, aboutHeadteacher: boolean, here = 'here'): string {
  return `Your report ${reference} has NOT been sent yet. ${waitingReceiptText(reference, role, aboutHeadteacher, here)}`;
}

/**
 * What the safeguarding team and the owners are told of a report that waits: its reference and why, nothing of it. Who the
 * reporter was sent to in person is said as they were told it (inPersonContact): for a report about the headteacher,
 * never the DSL, who may be the head.
 */
export function waitingTeamText(reference: string, role: DestinationRole, missing: readonly string[], reporterTold: boolean, aboutHeadteacher = false): string {
  const teamCanOpen = !missing.includes('SAFEGUARDING_TEAM');
  return [
    `Safeguarding report ${reference} is waiting: it cannot be sent to ${DESTINATION_ROLE_LABELS[role]} because the bot's safeguarding route is not configured`
      + `${missing.length > 0 ? ` (missing ${missing.join(', ')})` : ''}. `
      + `${reporterTold ? `The reporter has been told to go to ${inPersonContact(aboutHeadteacher)} in person with the reference.` : 'The reporter could not be told.'}`,
    'IT: fill in the missing settings (docs/deployment.md, step 6) and restart the app; waiting reports are then sent. '
      + `${teamCanOpen ? `The safeguarding team can open it now by typing "concern ${reference}" in their chat with me. ` : ''}Nothing of the report is in this message.`,
  ].join('\n\n');
}

/**
 * The lines the owners' help and the DSL read while the route is not configured (empty once it is); `waiting` is the
 * roles reports are for that wait (waitingRolesFor), not a fallback that is missing.
 */
export function routeNotConfiguredLines(missing: readonly string[], waiting: readonly DestinationRole[]): string[] {
  if (missing.length === 0) return [];
  return [
    `Safeguarding route: NOT CONFIGURED. Missing: ${missing.join(', ')}.`,
    waiting.length > 0
      ? `Reports to ${listOf(waiting.map((r) => WAITING_ROLE_WORDS[r]))} cannot be sent yet: each is kept safely and waits, the reporter is told to go to `
        + 'the DSL in person with the reference, and every report form says so.'
      : 'Reports are still sent where their route is set up, but a report its place cannot take has no fallback to go to.',
    'Ask IT to fill these in (docs/deployment.md, step 6) and restart the app: waiting reports are then sent, and the route is checked.',
  ];
}
