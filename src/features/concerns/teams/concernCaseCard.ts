import { AdaptiveCardJson } from '../../../teams/cards';
import { ConcernSettings } from '../../../config/concernSettings';
import { personIdOf } from '../domain/concernRouting';
import { ConcernCase } from '../domain/concernTypes';
import { renderConcernTriageCard } from './cards/concernTriageCard';

/**
 * Renders the whole case for one person: the recipient's card in a 1:1 chat, or the invoke response in the
 * safeguarding team's channel or group chat. Assign is offered in the team's place, and to a member of the team in
 * their 1:1 chat (reports reach the team that way when the place refuses them, or when it is set to one-to-one).
 */
export function concernCaseCard(
  settings: ConcernSettings,
  concern: ConcernCase,
  inTeamPlace: boolean,
  extra: { possibleDuplicate?: boolean; problem?: string; viewerIsTeam?: boolean; fallbackReason?: string } = {},
): AdaptiveCardJson {
  const headId = personIdOf(settings.routing.destinations.headteacher);
  const { viewerIsTeam, ...shown } = extra;
  const card = renderConcernTriageCard({
    concern,
    // A report about the headteacher is never offered for assignment to the headteacher.
    team: concern.report.aboutHeadteacher ? settings.team.filter((m) => m.aadObjectId !== headId) : settings.team,
    // Refresh userIds must be Teams user MRIs (29:...), which configuration does not hold (it holds Entra object
    // ids). An empty list still gives everyone "Refresh card" in a 1:1 chat, where the card replaces the message.
    refreshUserIds: [],
    canAssign: inTeamPlace || viewerIsTeam === true,
    ...shown,
  });
  // In the team's place the details go to the person who opened the case only: a card without `refresh` (see cardResponse.ts).
  if (inTeamPlace) delete card.refresh;
  return card;
}
