import { errorCode } from '../../../shared/errorCode';
import { formatSchoolTime } from '../../../shared/schoolTime';
import { changeShared, SharedRecords } from '../../../shared/sharedRecords';
import { ConcernLog, ConcernStore, PlaceMember, SafeguardingMember, SafeguardingMessenger, SafeguardingPlaceReader } from './concernPorts';
import { AboutHeadteacherAudience, DestinationAddress, isSharedPlace } from './concernRouting';
import { ConcernActor, DestinationRole } from './concernTypes';
import {
  describeRouteProblem, healthOf, routeHealthDetail, routeStatusLines, RouteCheck, RouteCheckTrigger, RouteProblem,
  SafeguardingDestination, SafeguardingRouteState, SharedPlaceBlock, skipsPlace,
} from './safeguardingRoute';

/** What the route check needs. */
export interface SafeguardingRouteCheckDeps {
  destination?: SafeguardingDestination;
  /** SAFEGUARDING_DESTINATION as set while its place is missing (shown at /healthz, never used). */
  chosenDestination?: SafeguardingDestination;
  /** The configured place (routing.destinations.dslChannel). */
  place?: DestinationAddress;
  team: readonly SafeguardingMember[];
  /** The deputy DSL's Entra object id (told with the team). */
  deputyId?: string;
  /** The policy owners' Entra object ids: told about the route with the DSL. */
  owners: readonly string[];
  reader: SafeguardingPlaceReader;
  messenger: SafeguardingMessenger;
  store: ConcernStore;
  log: ConcernLog;
  now?: () => Date;
  /** A problem still there is said again after this long (default 20 hours: the daily check says it again). */
  repeatAfterMs?: number;
  /** Production: the route settings not filled in yet (variable names), said first in the status and /healthz. */
  missing?: readonly string[];
  /** The roles whose reports wait meanwhile. */
  waiting?: readonly DestinationRole[];
  /** False in local mode, where nothing can be checked before the first activity says where Teams is (default true). */
  checksAtStart?: boolean;
  /**
   * Where the instances of the app share the route's state (the shared records): whether reports skip the place, and what
   * the team was last told, so a check on one instance is respected by all and each notice is told once, not once per
   * instance. Without it, this instance's memory only.
   */
  shared?: SharedRecords;
}

/** What the instances share of the route: why reports skip the place (if they do), and what the team and owners were last told. */
export interface SharedRouteState {
  blocked?: SharedPlaceBlock;
  told?: { key: string; at: number };
}

/** Where the route's shared state lives in the shared records. */
export const ROUTE_SPACE = 'safeguardingRoute';
const ROUTE_KEY = 'state';
/** How stale the health detail's view of the shared state may get before it is read again (in the background). */
const SHARED_REFRESH_MS = 10_000;

/** Who a notice is told to: the team (always, 1:1), the owners, the shared place; or only those a report about the headteacher may reach. */
export interface TellTeamOptions {
  owners?: boolean;
  inPlace?: boolean;
  /**
   * The notice is about a report about the headteacher: it goes only to its audience (AboutHeadteacherAudience), each
   * 1:1, whatever `owners` and `inPlace` say; never to the headteacher's id, never in the shared place.
   */
  aboutHeadteacher?: AboutHeadteacherAudience;
}

/** What a test alert did, as the DSL who sent it is told. */
export interface TestAlertResult {
  ok: boolean;
  text: string;
}

/** The route check: reads the place, keeps the state, tells the DSL and owners, and sends the DSL's test alert. */
export interface SafeguardingRouteCheck {
  state(): SafeguardingRouteState;
  /**
   * Why reports must skip the shared place now (Teams refused it, or the last check found it unusable: people outside the
   * team in it, a private or shared channel), with when that was found; undefined while they may go there.
   */
  skipShared(): Promise<SharedPlaceBlock | undefined>;
  /** Reads the place now, logs what it found (counts and codes), and tells the DSL team and the owners what is wrong (or fixed). */
  check(trigger: RouteCheckTrigger): Promise<RouteCheck>;
  /** Teams refused a real post in the shared place: reports go 1:1 from now on, and the DSL team and owners are told once. */
  postRefused(status: number, teamsCode: string | undefined, reference: string): Promise<void>;
  /**
   * Tells the safeguarding team (and the owners) something plain, in each 1:1 chat and, with `inPlace`, in the shared
   * place too unless it is refused; resolves with how many people's chats (and the place) it reached. About a report
   * about the headteacher, only the people who may hear of it are told (TellTeamOptions.aboutHeadteacher).
   */
  tellTeam(text: string, options?: TellTeamOptions): Promise<number>;
  /** The DSL's "test alert": re-checks the place and posts a test alert there (or to each member 1:1); no case is created. */
  sendTestAlert(actor: ConcernActor): Promise<TestAlertResult>;
  /** The plain-language status for owners (help) and /healthz. */
  statusLines(): string[];
  healthDetail(): Record<string, unknown>;
}

/** What to do about a refused post, by what Teams said. */
function fixFor(status: number, teamsCode: string | undefined, groupChat: boolean): string {
  if (status === 404) return `check ${groupChat ? 'SAFEGUARDING_CHAT_ID' : 'SAFEGUARDING_CHANNEL_ID'} in the bot's settings: the id is wrong, or the ${groupChat ? 'chat' : 'channel'} was deleted.`;
  if (teamsCode === 'BotDisabledByAdmin') return 'ask your Teams administrator to allow the app for the safeguarding team (Teams admin center > Manage apps).';
  return groupChat
    ? 'add the app to the safeguarding team\'s group chat again.'
    : 'add the app to the safeguarding team\'s team again. If the channel is private or shared, use a standard channel of a team whose members are the safeguarding team only (docs/deployment.md, step 6).';
}

const problemKey = (problems: readonly RouteProblem[]) => problems.map((p) => JSON.stringify(p)).sort().join('|');

/** Creates the route check. Nothing about any person is logged: counts and codes only. */
export function createSafeguardingRouteCheck(deps: SafeguardingRouteCheckDeps): SafeguardingRouteCheck {
  const now = deps.now ?? (() => new Date());
  const repeatAfter = deps.repeatAfterMs ?? 20 * 60 * 60_000;
  const state: SafeguardingRouteState = {
    destination: deps.destination, chosen: deps.chosenDestination, missing: deps.missing ?? [], waiting: deps.waiting ?? [], checksAtStart: deps.checksAtStart ?? true,
  };
  const teamIds = new Set(deps.team.map((m) => m.aadObjectId));
  const toldTeam = [...new Set([...teamIds, ...(deps.deputyId ? [deps.deputyId] : [])])];
  // Who may be in the place: the team, and the deputy DSL, who is alerted with them (1:1 when the place is skipped).
  const allowed = new Set(toldTeam);
  let told: { key: string; at: number } | undefined;
  let sharedReadAt = 0;
  let sharedFailing = false;

  /** The shared state as read: what this instance says and shows from now on. */
  const adopt = (shared: SharedRouteState): void => {
    state.sharedBlocked = shared.blocked;
    told = shared.told;
    sharedReadAt = now().getTime();
  };
  const sharedUnavailable = (err: unknown): undefined => {
    if (!sharedFailing) deps.log.warn({ event: 'safeguardingRoute.sharedUnavailable', code: errorCode(err) }, 'the route\'s shared state could not be reached: this instance goes on its own view');
    sharedFailing = true;
    return undefined;
  };

  /**
   * Changes the shared state with one conditional write (worked out again on what is there if another instance wrote
   * first) and adopts it; undefined when there are no shared records or they cannot be reached.
   */
  async function share(change: (current: SharedRouteState) => SharedRouteState): Promise<SharedRouteState | undefined> {
    if (!deps.shared) return undefined;
    try {
      const changed = await changeShared<SharedRouteState>(deps.shared, ROUTE_SPACE, ROUTE_KEY, (current) => change(current ?? {}));
      adopt(changed.value ?? {});
      sharedFailing = false;
      return changed.value ?? {};
    } catch (err) {
      return sharedUnavailable(err);
    }
  }

  /** Reads the shared state into this instance's view. */
  async function refresh(): Promise<void> {
    if (!deps.shared) return;
    try {
      adopt((await deps.shared.read<SharedRouteState>(ROUTE_SPACE, ROUTE_KEY))?.value ?? {});
      sharedFailing = false;
    } catch (err) {
      sharedUnavailable(err);
    }
  }

  async function tell(ids: readonly string[], text: string): Promise<number> {
    let reached = 0;
    for (const id of ids) {
      try {
        await deps.messenger.tell(id, text);
        reached += 1;
      } catch (err) {
        deps.log.warn({ event: 'safeguardingRoute.tellFailed', code: errorCode(err) }, 'could not tell a person about the safeguarding route');
      }
    }
    return reached;
  }

  const everyoneToTell = (owners = true) => [...new Set([...toldTeam, ...(owners ? deps.owners : [])])];

  /**
   * Who may hear of a report about the headteacher: the chair, the deputy DSL, and the team 1:1 only when the head's id
   * is known (so it can be left out); never the head's id, whichever of these it is; never the owners as such.
   */
  const aboutHeadteacherToTell = ({ headteacherId, chairId }: AboutHeadteacherAudience) =>
    [...new Set([...(chairId ? [chairId] : []), ...(deps.deputyId ? [deps.deputyId] : []), ...(headteacherId ? teamIds : [])])]
      .filter((id) => id !== headteacherId);

  function judge(members: readonly PlaceMember[]): RouteProblem[] {
    const present = new Set(members.map((m) => m.aadObjectId).filter((id): id is string => Boolean(id)));
    const outsiders = members.filter((m) => !m.aadObjectId || !allowed.has(m.aadObjectId)).length;
    const missing = [...teamIds].filter((id) => !present.has(id)).length;
    const problems: RouteProblem[] = [];
    if (outsiders > 0) problems.push({ code: 'outsiders', count: outsiders });
    if (missing > 0) problems.push({ code: 'teamNotInPlace', count: missing });
    return problems;
  }

  async function read(): Promise<Pick<RouteCheck, 'problems' | 'memberCount' | 'channelType'> & { readOk: boolean }> {
    const place = deps.place;
    if (!isSharedPlace(place)) return { problems: [], readOk: true };
    try {
      const reading = await deps.reader.read(place);
      if (!reading.ok) {
        if (reading.status === 403) return { problems: [{ code: 'botNotInPlace', teamsCode: reading.teamsCode }], readOk: false };
        if (reading.status === 404) return { problems: [{ code: 'placeNotFound', teamsCode: reading.teamsCode }], readOk: false };
        return { problems: [{ code: 'cannotCheck', detail: reading.teamsCode ?? reading.code }], readOk: false };
      }
      const problems = judge(reading.members);
      if (reading.channelType === 'private') problems.unshift({ code: 'privateChannel' });
      if (reading.channelType === 'shared') problems.unshift({ code: 'sharedChannel' });
      return { problems, memberCount: reading.members.length, channelType: reading.channelType, readOk: true };
    } catch (err) {
      return { problems: [{ code: 'cannotCheck', detail: errorCode(err) }], readOk: false };
    }
  }

  /** The message the DSL team and owners get about a check: what is wrong and what to do, or that it is fixed. */
  function checkText(check: RouteCheck): string {
    const placeWords = `the ${state.destination === 'group-chat' ? 'group chat' : 'channel'} set in the bot's settings`;
    const where = !state.destination ? ''
      : state.destination === 'one-to-one' ? 'Safeguarding alerts go to each member of the safeguarding team 1:1.'
        : state.sharedBlocked ? `Until it is fixed, safeguarding alerts go to each member of the safeguarding team and the deputy DSL 1:1, not to ${placeWords}.`
          : `Safeguarding alerts go to ${placeWords}.`;
    if (check.problems.length === 0) return `Safeguarding route check (${formatSchoolTime(check.at)}): it works again. ${where}`;
    return [`Safeguarding route check (${formatSchoolTime(check.at)}): something needs fixing before the next report. ${where}`,
      ...check.problems.map((p) => `- ${describeRouteProblem(p, state.destination)}`),
      'Type "test alert" in your chat with me once it is fixed (the DSL and deputies can).'].join('\n\n');
  }

  async function check(trigger: RouteCheckTrigger): Promise<RouteCheck> {
    const { readOk, ...found } = await read();
    const result: RouteCheck = { at: now().toISOString(), trigger, ...found };
    state.lastCheck = result;
    // Outsiders first: the record and the DSL then say the reason that matters most, that others would see the alert.
    const skip = result.problems.find((p) => p.code === 'outsiders') ?? result.problems.find(skipsPlace);
    // Reading the member list shows the bot is back in the place: a refused route is tried again.
    const blockedAfter = (before: SharedPlaceBlock | undefined) => (skip ? { at: result.at, problem: skip } : readOk ? undefined : before);
    const key = problemKey(result.problems.filter((p) => p.code !== 'cannotCheck'));
    const at = now().getTime();
    /** Whether this check is news to the team, given what they were last told (by any instance). */
    const news = (last: typeof told) => (key === '' && last !== undefined && last.key !== '')
      || (key !== '' && (last?.key !== key || at - last.at >= repeatAfter));
    const toldAfter = (last: typeof told) => (news(last) || (key === '' && !last) ? { key, at } : last);
    let tellNow = false;
    const shared = await share((current) => {
      // The instance whose write records the news is the one that tells it: the others find it told.
      tellNow = news(current.told);
      const blocked = blockedAfter(current.blocked);
      const nextTold = toldAfter(current.told);
      return { ...(blocked ? { blocked } : {}), ...(nextTold ? { told: nextTold } : {}) };
    });
    if (!shared) {
      state.sharedBlocked = blockedAfter(state.sharedBlocked);
      tellNow = news(told);
      told = toldAfter(told);
    }
    deps.log.info({ event: 'safeguardingRoute.checked', trigger, state: healthOf(result), problems: result.problems.map((p) => p.code), members: result.memberCount }, 'safeguarding route checked');
    if (tellNow) await tell(everyoneToTell(), checkText(result));
    return result;
  }

  return {
    state: () => state,
    async skipShared() {
      if (!isSharedPlace(deps.place)) return undefined;
      // What another instance found (outsiders, a refused post) holds here too, before this report is posted.
      await refresh();
      return state.sharedBlocked;
    },
    check,

    async postRefused(status, teamsCode, reference) {
      const problem: RouteProblem = { code: 'postRefused', status, ...(teamsCode ? { teamsCode } : {}) };
      const block = { at: now().toISOString(), problem };
      const toldNow = { key: problemKey([problem]), at: now().getTime() };
      // Told once, by the instance whose post was refused first, however many instances are refused after it.
      let first = false;
      const shared = await share((current) => {
        first = current.blocked === undefined;
        return { blocked: block, ...(first ? { told: toldNow } : current.told ? { told: current.told } : {}) };
      });
      if (!shared) {
        first = state.sharedBlocked === undefined;
        state.sharedBlocked = block;
        if (first) told = toldNow;
      }
      deps.log.error({ event: 'safeguardingRoute.refused', status, teamsCode, reference }, 'Teams refused the safeguarding place: reports go to each member 1:1');
      if (!first) return;
      await tell(everyoneToTell(), [
        `Safeguarding route broken: Teams refused the bot's post of report ${reference} in the ${deps.place?.kind === 'groupChat' ? 'group chat' : 'channel'} (${status}${teamsCode ? ` ${teamsCode}` : ''}).`,
        'The report is being sent to each member of the safeguarding team 1:1 instead, and new reports go that way too until the route works again; if a report reaches no one, you will be told.',
        `To fix it: ${fixFor(status, teamsCode, deps.place?.kind === 'groupChat')} Then type "test alert" in your chat with me.`,
      ].join('\n\n'));
    },

    async tellTeam(text, options = {}) {
      // Never in the shared place, where the headteacher may read it.
      if (options.aboutHeadteacher) return tell(aboutHeadteacherToTell(options.aboutHeadteacher), text);
      let reached = 0;
      const place = deps.place;
      if (options.inPlace && isSharedPlace(place) && !state.sharedBlocked) {
        try {
          await deps.messenger.post(place, text);
          reached += 1;
        } catch (err) {
          deps.log.warn({ event: 'safeguardingRoute.tellFailed', code: errorCode(err) }, 'could not post in the safeguarding place');
        }
      }
      return reached + await tell(everyoneToTell(options.owners ?? false), text);
    },

    async sendTestAlert(actor) {
      const at = now().toISOString();
      const before = isSharedPlace(deps.place) ? await check('testAlert') : undefined;
      const text = `Test alert from School Policy Bot, sent by ${actor.name || 'a member of the safeguarding team'} at ${formatSchoolTime(at)}. `
        + 'This is where safeguarding reports will arrive. No case was created and nothing needs doing.';
      const outcome: { ok: boolean; reached: number; of: number; code?: string } = { ok: false, reached: 0, of: 0 };
      const place = deps.place;
      /** Posts the test in each person's 1:1 chat, one failure not stopping the others. */
      const postEach = async (ids: readonly string[]) => {
        outcome.of = ids.length;
        for (const id of ids) {
          try {
            await deps.messenger.post({ kind: 'person', aadObjectId: id }, text);
            outcome.reached += 1;
          } catch (err) {
            outcome.code = errorCode(err);
          }
        }
        outcome.ok = outcome.reached === outcome.of;
      };
      // People outside the team would see the test arrive, and who sent it: it goes where reports go meanwhile.
      const exposed = before?.problems.find((p): p is Extract<RouteProblem, { code: 'outsiders' }> => p.code === 'outsiders');
      if (isSharedPlace(place) && exposed) {
        await postEach(toldTeam);
      } else if (isSharedPlace(place)) {
        outcome.of = 1;
        try {
          await deps.messenger.post(place, text);
          outcome.ok = true;
          outcome.reached = 1;
          if (before && !before.problems.some(skipsPlace)) state.sharedBlocked = undefined;
        } catch (err) {
          outcome.code = (err as { teamsCode?: string }).teamsCode ?? errorCode(err);
          const status = Number(/^HTTP_(\d+)$/.exec(errorCode(err))?.[1] ?? 0);
          if (status === 403 || status === 404) state.sharedBlocked = { at, problem: { code: 'postRefused', status, teamsCode: (err as { teamsCode?: string }).teamsCode } };
        }
      } else if (place?.kind === 'eachMember') {
        await postEach(place.aadObjectIds);
        state.lastCheck = { at, trigger: 'testAlert', problems: outcome.ok ? [] : [{ code: 'membersUnreachable', count: outcome.of - outcome.reached }] };
      }
      // What the test found of the place holds on every instance.
      const blockedNow = state.sharedBlocked;
      await share((current) => ({ ...(blockedNow ? { blocked: blockedNow } : {}), ...(current.told ? { told: current.told } : {}) }));
      await deps.store.append(null, [{
        type: 'testAlertSent', at, actorId: actor.aadObjectId, actorName: actor.name,
        data: {
          destination: state.destination ?? 'none', ok: String(outcome.ok), reached: String(outcome.reached), of: String(outcome.of), code: outcome.code ?? '',
          ...(exposed ? { where: 'eachMember', reason: 'outsiders' } : {}),
        },
      }]);
      deps.log.info({ event: 'safeguardingRoute.testAlert', ok: outcome.ok, reached: outcome.reached, of: outcome.of, code: outcome.code }, 'test alert sent');
      const status = routeStatusLines(state).join('\n\n');
      if (!place) return { ok: false, text: `No safeguarding destination is configured, so there is nowhere to send a test alert.\n\n${status}` };
      const placeWords = place.kind === 'groupChat' ? 'group chat' : 'channel';
      const head = exposed
        ? `Test alert not posted in the ${placeWords}: ${exposed.count} ${exposed.count === 1 ? 'person in it is' : 'people in it are'} not on the bot's list of the safeguarding team. `
          + `It went to each member of the safeguarding team and the deputy DSL 1:1 instead (${outcome.reached} of ${outcome.of} reached), as reports do until a check finds only the team there.`
        : outcome.ok
          ? (place.kind === 'eachMember' ? `Test alert sent to all ${outcome.of} members of the safeguarding team, each in their 1:1 chat.` : 'Test alert posted: check it arrived where the team triages reports.')
          : (place.kind === 'eachMember'
            ? `Test alert reached ${outcome.reached} of ${outcome.of} members of the safeguarding team.`
            : `Teams refused the test alert (${outcome.code ?? 'error'}). Reports go to each member of the safeguarding team 1:1 until this is fixed.`);
      return { ok: outcome.ok, text: `${head} No case was created; the test is recorded in the audit.\n\n${status}` };
    },

    statusLines: () => routeStatusLines(state),
    healthDetail: () => {
      // Another instance's finding shows here within seconds (read in the background, never making /healthz wait).
      if (deps.shared && now().getTime() - sharedReadAt >= SHARED_REFRESH_MS) {
        sharedReadAt = now().getTime();
        void refresh();
      }
      return routeHealthDetail(state);
    },
  };
}
