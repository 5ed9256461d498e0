import { formatSchoolTime } from '../../../shared/schoolTime';
import { DestinationRole } from './concernTypes';
import { routeNotConfiguredLines, routeNotConfiguredSummary } from './routeSetup';

/**
 * The safeguarding route: where the safeguarding team's alerts arrive, and what the last check of it found. Teams may
 * refuse a bot's posts in a private or shared channel, or anywhere the bot is not a member, so the route is checked
 * (at start-up, daily, when the bot is added or removed, and by the DSL's test alert), not assumed.
 */

/** The kinds of place the safeguarding team's alerts can go (SAFEGUARDING_DESTINATION). */
export const SAFEGUARDING_DESTINATIONS = ['team-channel', 'group-chat', 'one-to-one'] as const;

/** One kind of place. */
export type SafeguardingDestination = (typeof SAFEGUARDING_DESTINATIONS)[number];

/** How people read each kind of place. */
export const DESTINATION_WORDS: Readonly<Record<SafeguardingDestination, string>> = {
  'team-channel': 'a channel of the safeguarding team\'s own team',
  'group-chat': 'the safeguarding team\'s group chat',
  'one-to-one': 'each member of the safeguarding team in their 1:1 chat with the bot',
};

/** Short names for /healthz and the logs. */
const DESTINATION_SHORT: Readonly<Record<SafeguardingDestination, string>> = {
  'team-channel': 'team channel', 'group-chat': 'group chat', 'one-to-one': 'one-to-one',
};

/** A channel's type as Teams reports it (channelData.channel.type, the team's channel list, Graph's membershipType). */
export type ChannelType = 'standard' | 'private' | 'shared';

/** Something the check found wrong with the place. Counts only: never who. */
export type RouteProblem =
  | { code: 'outsiders'; count: number }
  | { code: 'teamNotInPlace'; count: number }
  | { code: 'privateChannel' }
  | { code: 'sharedChannel' }
  | { code: 'botNotInPlace'; teamsCode?: string }
  | { code: 'placeNotFound'; teamsCode?: string }
  | { code: 'postRefused'; status: number; teamsCode?: string }
  | { code: 'membersUnreachable'; count: number }
  | { code: 'cannotCheck'; detail: string };

/**
 * Problems that mean the route is broken: a post there would be refused, the place could not be read, or someone outside
 * the safeguarding team would see each alert arrive (its reference, kind, urgency and time).
 */
const BLOCKING: ReadonlySet<RouteProblem['code']> = new Set(['outsiders', 'privateChannel', 'sharedChannel', 'botNotInPlace', 'placeNotFound', 'postRefused']);

/**
 * Problems that mean reports must not be posted there until a check finds it fixed, and go to each member 1:1 at once:
 * people in it who are not on SAFEGUARDING_TEAM (nor the deputy DSL), Teams refused a post, or the channel is private
 * (Teams may refuse bots there) or shared (people from other teams). A member list Teams would not give is broken too,
 * but the next report still tries the place once: a refusal then is the proof, costs one request, and sends it 1:1 at once.
 */
const SKIPS_PLACE: ReadonlySet<RouteProblem['code']> = new Set(['outsiders', 'privateChannel', 'sharedChannel', 'postRefused']);

/** True when the problem means the route is broken. */
export function isBlocking(problem: RouteProblem): boolean {
  return BLOCKING.has(problem.code);
}

/** True when reports must skip the shared place because of the problem. */
export function skipsPlace(problem: RouteProblem): boolean {
  return SKIPS_PLACE.has(problem.code);
}

/** Why a check ran. */
export type RouteCheckTrigger = 'startup' | 'daily' | 'botAdded' | 'botRemoved' | 'membersChanged' | 'testAlert' | 'postRefused';

/** What one check found. */
export interface RouteCheck {
  at: string;
  trigger: RouteCheckTrigger;
  problems: RouteProblem[];
  /** People in the place (a channel's or chat's member list), when it could be read. */
  memberCount?: number;
  channelType?: ChannelType;
}

/** The overall state, as /healthz and the owners' help say it. */
export type RouteHealthState = 'unchecked' | 'ok' | 'warning' | 'broken' | 'unknown';

/** The state of a check: broken when a post would be refused, unknown when Teams could not be asked, warning otherwise. */
export function healthOf(check: RouteCheck | undefined): RouteHealthState {
  if (!check) return 'unchecked';
  if (check.problems.some(isBlocking)) return 'broken';
  if (check.problems.some((p) => p.code === 'cannotCheck')) return 'unknown';
  return check.problems.length > 0 ? 'warning' : 'ok';
}

const people = (n: number) => `${n} ${n === 1 ? 'person' : 'people'}`;
const members = (n: number) => `${n} ${n === 1 ? 'member' : 'members'}`;

/** One problem in plain words for the DSL and owners, with what to do about it. */
export function describeRouteProblem(p: RouteProblem, destination: SafeguardingDestination | undefined): string {
  const place = destination === 'group-chat' ? 'group chat' : 'channel';
  switch (p.code) {
    case 'outsiders': return `${people(p.count)} in the ${place} ${p.count === 1 ? 'is' : 'are'} not on the bot's list of the safeguarding team, so safeguarding alerts are not posted there: `
      + 'they go to each member of the safeguarding team and the deputy DSL 1:1 until a check finds only the team there. '
      + `Remove them from the ${destination === 'group-chat' ? 'chat' : 'team'}, or, if they are on the safeguarding team, ask IT to add them to the bot's list; then send "test alert".`;
    case 'teamNotInPlace': return `${members(p.count)} of the safeguarding team ${p.count === 1 ? 'is' : 'are'} not in the ${place}, so would not see alerts there: add them.`;
    case 'privateChannel': return 'The channel is a private channel. Teams may refuse bot posts there, so reports go to each member of the safeguarding team 1:1 instead. '
      + 'Use a standard channel of a team whose members are the safeguarding team only.';
    case 'sharedChannel': return 'The channel is a shared channel, which can include people from other teams and organisations, so reports go to each member 1:1 instead. '
      + 'Use a standard channel of a team whose members are the safeguarding team only.';
    case 'botNotInPlace': return `The bot is not a member of the ${place}${p.teamsCode ? ` (Teams: ${p.teamsCode})` : ''}, so reports go to each member of the safeguarding team 1:1 instead. `
      + `Add the app to the ${destination === 'group-chat' ? 'chat' : 'team'} again, then send "test alert".`;
    case 'placeNotFound': return `Teams does not know the configured ${place}${p.teamsCode ? ` (${p.teamsCode})` : ''}: the id in ${destination === 'group-chat' ? 'SAFEGUARDING_CHAT_ID' : 'SAFEGUARDING_CHANNEL_ID'} is wrong, `
      + `or the ${place} was deleted. Reports go to each member of the safeguarding team 1:1 until it is fixed.`;
    case 'postRefused': return `Teams refused the bot's post in the ${place} (${p.status}${p.teamsCode ? ` ${p.teamsCode}` : ''}), so reports go to each member of the safeguarding team 1:1 `
      + 'at once, and the shared route is not tried again until a check finds it works (daily, or when a DSL sends "test alert").';
    case 'membersUnreachable': return `${members(p.count)} of the safeguarding team could not be reached in a 1:1 chat with the bot: they may have blocked it, or the app is not installed for them.`;
    case 'cannotCheck': return `The route could not be checked just now (${p.detail}); it will be checked again.`;
    default: return 'Unknown problem.';
  }
}

/** Why reports skip the shared place, and since when (the check or the refused post that found it). */
export interface SharedPlaceBlock {
  at: string;
  problem: RouteProblem;
}

/** What the route state holds between checks. */
export interface SafeguardingRouteState {
  destination?: SafeguardingDestination;
  /** The destination set while its place is still missing (team-channel without a channel id): shown, never used. */
  chosen?: SafeguardingDestination;
  lastCheck?: RouteCheck;
  /** The shared place was refused, or a check found it unusable, and reports go 1:1 until a check finds it usable. */
  sharedBlocked?: SharedPlaceBlock;
  /** Production: the route settings not filled in yet (variable names), and the roles whose reports wait meanwhile. */
  missing?: readonly string[];
  /**
   * False when the route cannot be checked as the app starts: local mode knows no Teams address until the Agents Playground
   * (or Teams) sends the bot something. Production checks at start-up.
   */
  checksAtStart?: boolean;
  waiting?: readonly DestinationRole[];
}

/** The one-line summary IT reads: kind of place, when checked, what was found; counts only, never who. */
export function routeSummary(state: SafeguardingRouteState): string {
  const missing = state.missing ?? [];
  if (!state.destination) return missing.length > 0 ? `${routeNotConfiguredSummary(missing)}; reports wait` : 'safeguarding route: not configured';
  const parts = [`safeguarding route: ${DESTINATION_SHORT[state.destination]}${state.lastCheck?.channelType ? ` (${state.lastCheck.channelType})` : ''}`];
  if (!state.lastCheck) parts.push('not checked yet');
  else {
    parts.push(`checked ${formatSchoolTime(state.lastCheck.at)}`);
    for (const p of state.lastCheck.problems) parts.push(shortProblem(p));
    if (state.lastCheck.problems.length === 0) parts.push('no problems found');
  }
  if (state.sharedBlocked) parts.push('reports go to each member 1:1 until it is fixed');
  return parts.join(', ') + (missing.length > 0 ? `; not configured: missing ${missing.join(', ')}` : '');
}

function shortProblem(p: RouteProblem): string {
  switch (p.code) {
    case 'outsiders': return `${p.count} ${p.count === 1 ? 'member' : 'members'} outside SAFEGUARDING_TEAM`;
    case 'teamNotInPlace': return `${p.count} of SAFEGUARDING_TEAM not in it`;
    case 'privateChannel': return 'private channel';
    case 'sharedChannel': return 'shared channel';
    case 'botNotInPlace': return 'the bot is not in it';
    case 'placeNotFound': return 'not found';
    case 'postRefused': return `a post was refused (${p.status})`;
    case 'membersUnreachable': return `${p.count} unreachable 1:1`;
    case 'cannotCheck': return `could not check (${p.detail})`;
    default: return 'unknown problem';
  }
}

/** The /healthz detail: safe to show to anyone (no names, no ids of people or places). */
export function routeHealthDetail(state: SafeguardingRouteState): Record<string, unknown> {
  const check = state.lastCheck;
  const missing = state.missing ?? [];
  return {
    destination: state.destination ?? state.chosen ?? 'none',
    state: state.destination ? (state.sharedBlocked ? 'broken' : healthOf(check)) : 'unconfigured',
    configured: missing.length === 0 && state.destination !== undefined,
    missing: [...missing],
    checkedAt: check?.at ?? null,
    channelType: check?.channelType ?? null,
    problems: (check?.problems ?? []).map((p) => p.code),
    membersOutsideTeam: (check?.problems.find((p) => p.code === 'outsiders') as { count?: number } | undefined)?.count ?? 0,
    reportsGoTo: state.sharedBlocked ? 'each member 1:1' : state.destination ? DESTINATION_SHORT[state.destination]
      : state.waiting?.includes('dslChannel') ? 'nowhere yet: reports wait' : 'fallback only',
    summary: routeSummary(state),
  };
}

/** The route's status in plain words for policy owners (the `help` card) and the DSL. */
export function routeStatusLines(state: SafeguardingRouteState): string[] {
  // Production's "not configured" comes first, loudest; local mode without a place falls back as it always has.
  const notConfigured = routeNotConfiguredLines(state.missing ?? [], state.waiting ?? []);
  if (!state.destination) return notConfigured.length > 0 ? notConfigured : ['Safeguarding route: not configured. Reports go to the deputy DSL and the other people configured, 1:1.'];
  const check = state.lastCheck;
  // While the place is skipped, say first where alerts go now, so the line cannot be read as "they go to the place".
  const lines = [...notConfigured, state.sharedBlocked
    ? `Safeguarding alerts are set to go to ${DESTINATION_WORDS[state.destination]}; until the problem below is fixed they go to each member of the safeguarding team and the deputy DSL 1:1.`
    : `Safeguarding alerts go to ${DESTINATION_WORDS[state.destination]}.`];
  if (!check) {
    lines.push(state.checksAtStart === false
      ? 'The route has not been checked yet: running locally, the bot cannot check it before the Playground (or Teams) has sent it a message. '
        + 'Type "test alert" to check it now (the safeguarding team and the deputy DSL can): a test goes where reports go, and the reply says what the check found.'
      : 'The route has not been checked yet: it is checked at start-up, daily, and when a DSL sends "test alert".');
  }
  else if (check.problems.length === 0) {
    lines.push(`Checked ${formatSchoolTime(check.at)}: it works${check.memberCount !== undefined ? `, ${people(check.memberCount)} in it, all on the safeguarding team` : ''}.`);
  } else {
    lines.push(`Checked ${formatSchoolTime(check.at)}: ${check.problems.length === 1 ? 'one problem' : `${check.problems.length} problems`}.`);
    for (const p of check.problems) lines.push(describeRouteProblem(p, state.destination));
  }
  if (state.sharedBlocked && !check?.problems.some(isBlocking)) lines.push(describeRouteProblem(state.sharedBlocked.problem, state.destination));
  return lines;
}
