import { AdaptiveCardJson } from '../../../teams/cards';
import { ConcernSettings } from '../../../config/concernSettings';
import { ConcernCase } from '../domain/concernTypes';
import { renderConcernTriageCard } from './cards/concernTriageCard';

/** Renders the whole case for one person: the recipient's card in a 1:1 chat, or the invoke response in the channel. */
export function concernCaseCard(
  settings: ConcernSettings,
  concern: ConcernCase,
  inDslChannel: boolean,
  extra: { possibleDuplicate?: boolean; problem?: string } = {},
): AdaptiveCardJson {
  const head = settings.routing.destinations.headteacher;
  const headId = head?.kind === 'person' ? head.aadObjectId : undefined;
  const card = renderConcernTriageCard({
    concern,
    // A report about the headteacher is never offered for assignment to the headteacher.
    team: concern.report.aboutHeadteacher ? settings.team.filter((m) => m.aadObjectId !== headId) : settings.team,
    // Refresh userIds must be Teams user MRIs (29:...), which configuration does not hold (it holds Entra object
    // ids). An empty list still gives everyone "Refresh card", and a card with `refresh` makes teams-ai replace
    // the message for everyone after each action (REPLACE_FOR_ALL), which is what keeps the card current.
    refreshUserIds: [],
    canAssign: inDslChannel,
    ...extra,
  });
  // In the channel the details go to the person who opened the case only: a card without `refresh` is the invoke
  // response for them, where one with `refresh` would replace the channel's message for everyone.
  if (inDslChannel) delete card.refresh;
  return card;
}
