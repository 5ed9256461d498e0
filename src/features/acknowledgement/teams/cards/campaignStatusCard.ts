import { CampaignStatus } from '../../domain/campaignService';
import { CampaignPerson, PeopleList, PeoplePage } from '../../domain/acknowledgementStore';
import { describeAudience } from '../../domain/campaignAudience';
import { formatDate, formatDueDate } from './acknowledgementCard';
import { versionPhrase } from '../../domain/versionNames';
import { AdaptiveCardJson, expandCardTemplate } from '../../../../teams/cards';
import template from './templates/campaignStatus.json';

/** The most groups (departments or schools) the card lists; the export has them all. */
export const STATUS_CARD_GROUP_LIMIT = 15;
/** People listed per page. */
export const PEOPLE_PAGE = 20;

/** A list of people the owner asked for on the status card. */
export interface PeopleView {
  list: PeopleList;
  page: PeoplePage;
  offset: number;
  department?: string;
  name?: string;
}

const LIST_NAMES: Record<PeopleList, string> = { outstanding: 'Outstanding', unreached: 'Could not be reached', excused: 'Excused' };

/** Why a card did not reach someone, in words an owner can act on. */
export function reachInWords(p: Pick<CampaignPerson, 'state' | 'reason' | 'openedAt' | 'excusedAt'>): string {
  if (p.excusedAt) return `excused on ${formatDate(p.excusedAt)}`;
  const reason = p.reason ?? '';
  switch (p.state) {
    case 'sent': return p.openedAt ? `opened the card on ${formatDate(p.openedAt)}, not acknowledged` : 'has not opened the card';
    case 'pending':
    case 'claimed': return 'card not sent yet';
    case 'blocked': return 'has blocked the bot in Teams: ask them to unblock School Policy Bot';
    case 'installFailed':
      if (reason === 'no_conversation_reference') return 'has not opened a chat with the bot (it cannot be installed for them from here)';
      if (/app_not_in_catalog/.test(reason)) return 'the app is not in the school\'s Teams app catalogue: ask IT';
      return 'the app could not be installed for them (a Teams licence or app policy): ask IT';
    case 'failed': return /^gave_up/.test(reason) ? 'Teams kept refusing the card; it was tried five times' : 'Teams refused the card';
    default: return '';
  }
}

/**
 * Renders a campaign's progress for its owner: totals and a bar, and by name who is outstanding (by department, paged,
 * searchable), who could not be reached and why, and who is excused; then the least complete groups. No internal ids:
 * the campaign is named by its audience and dates, the version as the document labels it. `adding` is how many people a
 * round just started is being given (they are added in the background): until they are all in, the card says so
 * rather than "0 of 0 acknowledged". `notice` is a line for the owner above the figures (Start pressed again).
 */
export function renderCampaignStatusCard(status: CampaignStatus, people?: PeopleView, adding?: number, notice = ''): AdaptiveCardJson {
  const c = status.campaign;
  const shown = status.groups.slice(0, STATUS_CARD_GROUP_LIMIT);
  const groups = new Map<string, { name: string; people: { name: string; status: string }[] }>();
  for (const p of people?.page.people ?? []) {
    const dept = p.department || 'No department recorded';
    const g = groups.get(dept) ?? { name: dept, people: [] };
    g.people.push({ name: p.displayName, status: reachInWords(p) });
    groups.set(dept, g);
  }
  const total = people?.page.total ?? 0;
  const offset = people?.offset ?? 0;
  const filterWords = [people?.department !== undefined ? (people.department || 'no department') : '', people?.name ? `"${people.name}"` : ''].filter(Boolean).join(', ');
  return expandCardTemplate(template, {
    title: status.version.title,
    subtitle: `${describeAudience(c.audience)} \u00b7 ${c.round > 1 ? `round ${c.round} \u00b7 ` : ''}${versionPhrase(status.version).replace(/^the /, '')} \u00b7 `
      + `started ${formatDate(c.startedAt)} \u00b7 due ${formatDueDate(c.dueDate)}` + (c.status === 'closed' ? ' \u00b7 closed' : ''),
    ...roundsData(status),
    campaignId: c.id,
    noticeWords: notice,
    acknowledged: status.acknowledged,
    total: status.total,
    headline: adding !== undefined && adding > status.total
      ? `Adding people to this ${c.round > 1 ? 'round' : 'campaign'}: ${status.total} of ${adding} so far`
      : `${status.acknowledged} of ${status.total} acknowledged (${status.percent}%)`,
    addingWords: adding !== undefined && adding > status.total
      ? 'Each person gets the card as they are added; type "campaign status" for the latest figures.' : '',
    leftWords: status.left === 0 ? ''
      : `${status.left} ${status.left === 1 ? 'person has' : 'people have'} left the staff list since the campaign reached them: they are not counted here, and the export keeps their record.`,
    percent: status.percent,
    // FactSet values must be strings.
    outstanding: String(status.outstanding - status.excused),
    openedNotAcknowledged: String(status.openedNotAcknowledged),
    notOpened: String(status.notOpened),
    excused: String(status.excused),
    // Outstanding only, as each line under it: someone excused or already acknowledged whose card is yet to go, or whom
    // it could not reach, is not counted twice.
    waiting: String(status.awaitingCard),
    unreached: String(status.unreached),
    ...barWeights(status.acknowledged, status.total),
    hasPeopleView: people !== undefined,
    list: people?.list ?? 'outstanding',
    // '*' all, '-' none recorded (a choice cannot have an empty value).
    departmentValue: people?.department === undefined ? '*' : people.department || '-',
    nameValue: people?.name ?? '',
    departmentChoices: [{ title: 'All departments', value: '*' }, ...(people?.page.departments ?? []).map((g) => ({ title: `${g.name || 'No department recorded'} (${g.count})`, value: g.name || '-' }))],
    peopleHeading: people ? (total === 0 ? `${LIST_NAMES[people.list]}${filterWords ? ` (${filterWords})` : ''}: nobody.`
      : `${LIST_NAMES[people.list]}${filterWords ? ` (${filterWords})` : ''}: ${offset + 1}\u2013${offset + people.page.people.length} of ${total}`) : '',
    groups: [...groups.values()],
    hasPaging: people !== undefined && total > PEOPLE_PAGE,
    hasPrevious: offset > 0,
    hasNext: offset + PEOPLE_PAGE < total,
    previousOffset: Math.max(0, offset - PEOPLE_PAGE),
    nextOffset: offset + PEOPLE_PAGE,
    pageSize: PEOPLE_PAGE,
    hasGroups: shown.length > 0,
    groupLabel: (status.groupLabel ?? '').toLowerCase(),
    groupBars: shown.map((g) => ({ ...g, ...barWeights(g.acknowledged, g.total) })),
    hiddenGroups: status.groups.length - shown.length,
  });
}

/** The series' other rounds (each with its version) and a newer version staff have not been asked about. */
function roundsData(status: CampaignStatus): Record<string, unknown> {
  const newer = status.newerVersion;
  const rounds = (status.rounds ?? []).map((r) => ({
    id: r.campaign.id, round: r.campaign.round,
    text: `Round ${r.campaign.round}: ${versionPhrase(r.version).replace(/^the /, '')}, started ${formatDate(r.campaign.startedAt)}`
      + `${r.campaign.status === 'closed' ? ', closed' : ''}: ${r.acknowledged} of ${r.total} acknowledged`,
  }));
  return {
    hasRounds: rounds.length > 0, rounds,
    hasNewer: newer !== undefined,
    newerText: !newer ? '' : newer.skippedAt
      ? `A newer version is live (${versionPhrase(newer.version)}). On ${formatDate(newer.skippedAt)} you chose not to ask staff to acknowledge it; this round goes on for ${versionPhrase(status.version)}.`
      : `A newer version is live (${versionPhrase(newer.version)}) and staff have not been asked to acknowledge it yet: review its round, then Start it or choose not to ask again.`,
    newerButton: newer?.skippedAt ? 'Ask staff about the new version after all' : 'Review the new version\'s round',
  };
}

/** Column weights of a two-part bar, in whole percent (a sliver stays visible). */
function barWeights(done: number, total: number): { doneWeight: number; todoWeight: number } {
  if (total === 0) return { doneWeight: 0, todoWeight: 100 };
  let doneWeight = Math.round((100 * done) / total);
  if (done > 0 && doneWeight === 0) doneWeight = 1;
  if (done < total && doneWeight === 100) doneWeight = 99;
  return { doneWeight, todoWeight: 100 - doneWeight };
}
