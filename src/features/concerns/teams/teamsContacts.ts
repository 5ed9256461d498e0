import { Activity } from 'botbuilder';
import { ProactiveOrigin } from '../../../teams/proactive';
import { tenantOf } from '../../../teams/activityFacts';

/** At most this many people's Teams ids are remembered (a school's staff, with room). */
const MAX_PEOPLE = 20_000;

/**
 * What the concern feature learns from Teams as it goes, in memory only: each person's Teams user id (29:...) by their
 * Entra object id, from the activities they send and the member lists the route check reads, so that a 1:1 chat is
 * opened by the id Teams itself uses (the Agents Playground knows people only by it); and the service address to
 * reach Teams at when no report has given one (the route check at start-up).
 */
export interface TeamsContacts {
  /** Learns from an incoming activity: who sent it, and the service and tenant it came through. */
  learnFrom(activity: Partial<Activity>): void;
  /** Learns one person's Teams id (from a member list). */
  learnPerson(aadObjectId: string | undefined, teamsId: string | undefined): void;
  /** The id to open a person's 1:1 chat with: their Teams id when known, else their Entra object id (Teams takes both). */
  chatMemberId(aadObjectId: string): string;
  /** Where to reach Teams for a message no activity prompted: the configured service, else the last one seen. */
  origin(): ProactiveOrigin | undefined;
}

/** Creates the contacts; `configured` is production's service address and tenant (BOT_SERVICE_URL, the school's tenant). */
export function createTeamsContacts(configured?: ProactiveOrigin): TeamsContacts {
  const ids = new Map<string, string>();
  let seen: ProactiveOrigin | undefined;

  const learnPerson = (aadObjectId: string | undefined, teamsId: string | undefined) => {
    if (!aadObjectId || !teamsId || teamsId === aadObjectId || teamsId.length > 200) return;
    if (ids.get(aadObjectId) === teamsId) return;
    ids.delete(aadObjectId);
    ids.set(aadObjectId, teamsId);
    if (ids.size > MAX_PEOPLE) ids.delete(ids.keys().next().value as string);
  };

  return {
    learnFrom(activity) {
      learnPerson(activity.from?.aadObjectId, activity.from?.id);
      if (activity.serviceUrl) {
        seen = { channelId: activity.channelId ?? 'msteams', serviceUrl: activity.serviceUrl, tenantId: tenantOf(activity) ?? seen?.tenantId };
      }
    },
    learnPerson,
    chatMemberId: (aadObjectId) => ids.get(aadObjectId) ?? aadObjectId,
    origin: () => configured ?? seen,
  };
}
