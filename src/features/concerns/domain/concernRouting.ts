import { ConcernDraft, ConcernKind, DestinationRole } from './concernTypes';

/**
 * Where a role is reached: a standard channel of the safeguarding team's own team, the team's group chat with the bot,
 * one person's 1:1 chat with the bot, or each of several people in their own 1:1 chat.
 */
export type DestinationAddress =
  | { kind: 'channel'; conversationId: string }
  | { kind: 'groupChat'; conversationId: string }
  | { kind: 'person'; aadObjectId: string }
  | { kind: 'eachMember'; aadObjectIds: readonly string[] };

/** A place several people read at once (a channel or a group chat): what the route check reads and Teams may refuse. */
export type SharedPlace = Extract<DestinationAddress, { kind: 'channel' | 'groupChat' }>;

/** True for a channel or group chat: one post that everyone in it reads. */
export function isSharedPlace(address: DestinationAddress | undefined): address is SharedPlace {
  return address?.kind === 'channel' || address?.kind === 'groupChat';
}

/** The routing table: which role receives each kind, who fills each role, and the fallback route. */
export interface ConcernRoutingTable {
  routes: Readonly<Record<ConcernKind, DestinationRole>>;
  /** Who each role is; a role left out cannot receive reports (routing then falls back). */
  destinations: Readonly<Partial<Record<DestinationRole, DestinationAddress>>>;
  /** Used when the primary destination fails (or is not configured); for example the deputy DSL. */
  fallback: DestinationRole;
  /**
   * Each member of the safeguarding team and the deputy DSL, 1:1: how a report for the safeguarding team goes at once
   * when Teams refuses the shared place (or it is known to be refused), before any other fallback.
   */
  teamDirect?: DestinationAddress;
  /**
   * Roles production's settings do not set up yet (the route is "not configured"): a report for one of them is stored
   * and waits, untried, until the role is set up and the app restarts. It does not go to the fallback instead: the
   * fallback is for a role that is set up but cannot be reached at the time. Absent in local mode.
   */
  waiting?: readonly DestinationRole[];
}

/**
 * The routes Keeping Children Safe in Education and the school policies describe: child safety to the DSL
 * team; online abuse of staff to a senior manager; a colleague's conduct and allegations about adults to the
 * headteacher (the chair of governors when it is about the headteacher); anything else to the DSL team.
 */
export const DEFAULT_CONCERN_ROUTES: Readonly<Record<ConcernKind, DestinationRole>> = {
  childSafety: 'dslChannel',
  onlineAbuse: 'seniorManager',
  colleagueConduct: 'headteacher',
  allegation: 'headteacher',
  other: 'dslChannel',
};

/** True when the role is not set up yet, so reports for it wait (ConcernRoutingTable.waiting). */
export function isWaitingRole(table: Pick<ConcernRoutingTable, 'waiting'>, role: DestinationRole): boolean {
  return table.waiting?.includes(role) ?? false;
}

/** The route a report takes: its primary role and the role used if that fails. */
export interface ConcernRoute {
  primary: DestinationRole;
  fallback: DestinationRole;
}

/** The Entra object id of a role filled by one person (CONCERN_HEADTEACHER, CONCERN_CHAIR_OF_GOVERNORS, ...); else undefined. */
export function personIdOf(address: DestinationAddress | undefined): string | undefined {
  return address?.kind === 'person' ? address.aadObjectId : undefined;
}

/**
 * Who may hear of a report about the headteacher (that it exists, its reference, that it is for the chair), as the
 * report itself goes (resolveConcernRoute): the chair of governors and the deputy DSL, and the members of the
 * safeguarding team each in their 1:1 chat once the headteacher's id is known, so that it can be left out (in many
 * schools the head is the DSL). Never the headteacher's id, wherever it is configured; never a shared place the head may
 * read; never the policy owners as such (the head is usually one, and the rest of the senior team answers to them).
 */
export interface AboutHeadteacherAudience {
  /** The headteacher's Entra object id (CONCERN_HEADTEACHER); without it no one who may be the head is told. */
  headteacherId?: string;
  /** The chair of governors' Entra object id (CONCERN_CHAIR_OF_GOVERNORS), told where set. */
  chairId?: string;
}

/** The audience for notices about a report about the headteacher, from the routing table's people. */
export function aboutHeadteacherAudience(table: Pick<ConcernRoutingTable, 'destinations'>): AboutHeadteacherAudience {
  return { headteacherId: personIdOf(table.destinations.headteacher), chairId: personIdOf(table.destinations.chairOfGovernors) };
}

/**
 * Chooses the route for a report: the table's role for its kind; anything about the headteacher goes to the
 * chair of governors (Keeping Children Safe in Education), and never falls back to the headteacher or to the
 * DSL channel, where the headteacher may be a member.
 */
export function resolveConcernRoute(draft: Pick<ConcernDraft, 'kind' | 'aboutHeadteacher'>, table: ConcernRoutingTable): ConcernRoute {
  if (draft.aboutHeadteacher) {
    const unsafe: DestinationRole[] = ['chairOfGovernors', 'headteacher', 'dslChannel'];
    return { primary: 'chairOfGovernors', fallback: unsafe.includes(table.fallback) ? 'deputyDsl' : table.fallback };
  }
  const primary = table.routes[draft.kind];
  // Never fall back to the route that just failed.
  const fallback = table.fallback !== primary ? table.fallback : primary === 'dslChannel' ? 'deputyDsl' : 'dslChannel';
  return { primary, fallback };
}
