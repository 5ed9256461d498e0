import { Activity, TeamsInfo, TurnContext } from 'botbuilder';
import { errorCode } from '../../../shared/errorCode';
import { ProactiveAdapter } from '../../../teams/proactive';
import { PlaceMember, PlaceReading, SafeguardingMessenger, SafeguardingPlaceReader } from '../domain/concernPorts';
import { SharedPlace } from '../domain/concernRouting';
import { ChannelType } from '../domain/safeguardingRoute';
import { inPlace, withTeamsCode } from './concernMessaging';
import { TeamsContacts } from './teamsContacts';

/** Pages of the member list read at most (500 each): a safeguarding team is a handful of people. */
const MAX_PAGES = 20;

/**
 * What the bot learns about the safeguarding place from Teams' own activities: the team a channel belongs to (Teams
 * puts it in channelData.team), and the channel's type (channelData.channel.type: standard, private or shared).
 */
export interface PlaceFacts {
  teamId?: string;
  channelType?: ChannelType;
}

/** Reads a channel type from what Teams sends: `type` (Bot Framework), `membershipType` (Graph) or `channelType`. */
export function channelTypeOf(channel: unknown): ChannelType | undefined {
  const c = channel as { type?: unknown; membershipType?: unknown; channelType?: unknown } | undefined;
  const raw = String(c?.type ?? c?.membershipType ?? c?.channelType ?? '').toLowerCase();
  if (raw === 'private' || raw === 'privatechannel') return 'private';
  if (raw === 'shared' || raw === 'sharedchannel') return 'shared';
  if (raw === 'standard') return 'standard';
  return undefined;
}

/** Learns the place's team and type from an activity Teams sent from it (a message, a card press, the bot being added). */
export function learnPlaceFacts(facts: PlaceFacts, activity: Partial<Activity>): void {
  const data = activity.channelData as { team?: { id?: unknown; type?: unknown }; channel?: unknown } | undefined;
  if (typeof data?.team?.id === 'string') facts.teamId = data.team.id;
  const type = channelTypeOf(data?.channel) ?? channelTypeOf(data?.team);
  if (type) facts.channelType = type;
}

/**
 * The route check's view of Teams: the place's member list through the Bot Framework's paged member list
 * (`GET /v3/conversations/{id}/pagedmembers`), and a channel's type from what Teams said in the place's activities or,
 * once the team is known, the team's channel list (`GET /v3/teams/{teamId}/conversations`).
 */
export function createTeamsPlaceReader(adapter: ProactiveAdapter, botAppId: string, contacts: TeamsContacts, facts: PlaceFacts): SafeguardingPlaceReader {
  return {
    async read(place: SharedPlace): Promise<PlaceReading> {
      const origin = contacts.origin();
      if (!origin) return { ok: false, code: 'WAITING_FOR_TEAMS' };
      const members: PlaceMember[] = [];
      let channelType = place.kind === 'channel' ? facts.channelType : undefined;
      try {
        await inPlace(adapter, botAppId, origin, contacts, place, async (ctx: TurnContext) => {
          let token: string | undefined;
          for (let page = 0; page < MAX_PAGES; page++) {
            const result = await TeamsInfo.getPagedMembers(ctx, 500, token);
            for (const m of result.members ?? []) {
              contacts.learnPerson(m.aadObjectId, m.id);
              members.push({ aadObjectId: m.aadObjectId, userRole: m.userRole });
            }
            token = result.continuationToken;
            if (!token) break;
          }
          if (place.kind === 'channel' && !channelType && facts.teamId) {
            const channels = await TeamsInfo.getTeamChannels(ctx, facts.teamId).catch(() => []);
            channelType = channelTypeOf(channels.find((c) => c.id === place.conversationId));
            if (channelType) facts.channelType = channelType;
          }
        });
      } catch (err) {
        const e = withTeamsCode(err) as { statusCode?: number; teamsCode?: string };
        return { ok: false, status: e.statusCode, code: errorCode(err), teamsCode: e.teamsCode };
      }
      return { ok: true, members, ...(channelType ? { channelType } : {}) };
    },
  };
}

/** Plain messages about the route, in a person's 1:1 chat or in the place itself. */
export function createTeamsSafeguardingMessenger(adapter: ProactiveAdapter, botAppId: string, contacts: TeamsContacts): SafeguardingMessenger {
  const say = (text: string) => async (ctx: TurnContext) => {
    await ctx.sendActivity({ type: 'message', text, textFormat: 'plain' });
  };
  const originOrThrow = () => {
    const origin = contacts.origin();
    if (!origin) throw Object.assign(new Error('no Teams service address yet'), { code: 'WAITING_FOR_TEAMS' });
    return origin;
  };
  return {
    async tell(aadObjectId, text) {
      await inPlace(adapter, botAppId, originOrThrow(), contacts, { kind: 'person', aadObjectId }, say(text));
    },
    async post(address, text) {
      await inPlace(adapter, botAppId, originOrThrow(), contacts, address, say(text));
    },
  };
}
