import { Activity, ActivityTypes, TeamsInfo, TurnContext } from 'botbuilder';
import { conversationBaseId, isPersonal } from '../../../teams/activityFacts';
import { BotApp } from '../../../teams/botFeature';
import { errorCode } from '../../../shared/errorCode';
import { ConcernLog } from '../domain/concernPorts';
import { DestinationAddress, isSharedPlace } from '../domain/concernRouting';
import { SafeguardingRouteCheck } from '../domain/safeguardingRouteCheck';
import { actorOf } from './concernActivity';
import { channelTypeOf, learnPlaceFacts, PlaceFacts } from './safeguardingPlaceTeams';
import { TeamsContacts } from './teamsContacts';

/** "test alert" or "send a test alert", in the DSL's 1:1 chat with the bot. */
export const TEST_ALERT_PATTERN = /^\s*(send\s+(a\s+)?)?test\s+alert\s*$/i;

/** What someone not on the bot's list of the safeguarding team (nor the deputy DSL) is told when they send "test alert". */
export const TEST_ALERT_REFUSAL = 'Only the safeguarding team and the deputy DSL can send a test alert. If you are on the safeguarding team, ask IT to add you to the bot\'s list of the team.';

/** What the route's Teams side needs. */
export interface SafeguardingRouteRoutesDeps {
  place?: DestinationAddress;
  routeCheck: SafeguardingRouteCheck;
  contacts: TeamsContacts;
  facts: PlaceFacts;
  /** May send a test alert: the safeguarding team and the deputy DSL. */
  maySendTestAlert(aadObjectId: string): boolean;
  logger: ConcernLog;
}

const botIn = (members: Activity['membersAdded'] | undefined, a: Partial<Activity>) =>
  (members ?? []).some((m) => m.id === a.recipient?.id);
/** People other than the bot joined or left the conversation (or the team it belongs to). */
const peopleIn = (a: Partial<Activity>) =>
  [...(a.membersAdded ?? []), ...(a.membersRemoved ?? [])].some((m) => m.id !== a.recipient?.id);

/**
 * The safeguarding route in Teams: what the bot learns from every activity (who people are, the place's team and
 * type), the check when the bot is added to or removed from the place (or the team it belongs to), with no welcome
 * card posted there, and the DSL's "test alert".
 */
export function createSafeguardingRouteRoutes(deps: SafeguardingRouteRoutesDeps) {
  const place = deps.place;
  const placeId = isSharedPlace(place) ? place.conversationId : undefined;
  const inPlace = (a: Partial<Activity>) => placeId !== undefined && conversationBaseId(a.conversation?.id) === placeId;

  /**
   * Whether a conversationUpdate is about the safeguarding place: in it, or in the team its channel belongs to. A team
   * not known yet is looked up when the bot joins it, or when people join or leave it before the place's team is known.
   */
  async function aboutPlace(context: TurnContext): Promise<boolean> {
    const a = context.activity;
    if (!placeId) return false;
    if (inPlace(a)) return true;
    const teamId = (a.channelData as { team?: { id?: unknown } } | undefined)?.team?.id;
    if (place?.kind !== 'channel' || typeof teamId !== 'string') return false;
    if (deps.facts.teamId === teamId) return true;
    if (deps.facts.teamId !== undefined && !botIn(a.membersAdded, a)) return false;
    // The bot added to a team: is the safeguarding channel one of its channels? (Teams lists them by conversation id.)
    try {
      const channels = await TeamsInfo.getTeamChannels(context, teamId);
      const ours = channels.find((c) => c.id === placeId);
      if (!ours) return false;
      deps.facts.teamId = teamId;
      const type = channelTypeOf(ours);
      if (type) deps.facts.channelType = type;
      return true;
    } catch (err) {
      deps.logger.warn({ event: 'safeguardingRoute.teamChannels', code: errorCode(err) }, 'could not list the channels of a team the bot joined');
      return false;
    }
  }

  return {
    inPlace,

    register(app: BotApp) {
      app.turn('beforeTurn', async (context) => {
        deps.contacts.learnFrom(context.activity);
        if (inPlace(context.activity)) learnPlaceFacts(deps.facts, context.activity);
        return true;
      });

      // The bot added to, or removed from, the safeguarding place (or its team), or people joining or leaving it: check
      // it at once, so that someone outside the team added since the last check sees no alert, and the route comes back
      // as soon as they are removed. Nothing is posted there (this route claims the event before the welcome card's);
      // the DSL and the owners are told in their 1:1 chat.
      app.addRoute(async (context) => {
        const a = context.activity;
        if (a.type !== ActivityTypes.ConversationUpdate) return false;
        if (!botIn(a.membersAdded, a) && !botIn(a.membersRemoved, a) && !peopleIn(a)) return false;
        return aboutPlace(context);
      }, async (context) => {
        const a = context.activity;
        learnPlaceFacts(deps.facts, a);
        const trigger = botIn(a.membersRemoved, a) ? 'botRemoved' : botIn(a.membersAdded, a) ? 'botAdded' : 'membersChanged';
        deps.logger.info({ event: 'safeguardingRoute.membership', trigger }, 'the bot, or people, joined or left the safeguarding place');
        await deps.routeCheck.check(trigger).catch((err) => deps.logger.error({ event: 'safeguardingRoute.checkFailed', code: errorCode(err) }, 'route check failed'));
      });

      app.message(TEST_ALERT_PATTERN, async (context) => {
        const actor = actorOf(context);
        if (!actor || !deps.maySendTestAlert(actor.aadObjectId)) {
          await context.sendActivity(TEST_ALERT_REFUSAL);
          return;
        }
        if (!isPersonal(context.activity)) {
          await context.sendActivity('Send "test alert" in your 1:1 chat with me: the answer says where it went and what the route check found.');
          return;
        }
        const result = await deps.routeCheck.sendTestAlert(actor);
        await context.sendActivity({ type: 'message', text: result.text, textFormat: 'plain' });
      });
    },
  };
}
