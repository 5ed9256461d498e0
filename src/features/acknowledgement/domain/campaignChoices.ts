import { checkDueDate } from './campaignDates';
import { AcknowledgementError } from './acknowledgementErrors';
import { SchoolCalendar } from './schoolCalendar';

/** The most key points a card carries: more is a policy, not a summary. */
export const MAX_KEY_POINTS = 8;
/** The longest key point: a sentence or two a person reads on a phone. */
export const MAX_KEY_POINT_LENGTH = 300;

/** What the owner chose in the preview, as typed; each problem names what is wrong and how to put it right. */
export interface CampaignChoices {
  dueDate?: string;
  keyPoints: string[];
}

/** The key points as they will be sent: trimmed, inner whitespace collapsed, empty ones dropped. */
export function cleanKeyPoints(points: readonly string[]): string[] {
  return points.map((p) => p.replace(/\s+/g, ' ').trim()).filter((p) => p.length > 0);
}

/**
 * Everything wrong with the owner's choices at once (a half-filled preview comes back with their text and every
 * problem named): the due date, no key point, too many, one too long.
 */
export function choiceProblems(choices: CampaignChoices, today: Date, defaultDays: number, calendar?: SchoolCalendar): string[] {
  const problems: string[] = [];
  try {
    checkDueDate(choices.dueDate, today, defaultDays, calendar);
  } catch (err) {
    problems.push(err instanceof AcknowledgementError ? `Due date: ${err.message}` : 'Due date: not a date.');
  }
  const points = cleanKeyPoints(choices.keyPoints);
  if (points.length === 0) problems.push('Key points: add at least one, so staff know what they are agreeing to.');
  if (points.length > MAX_KEY_POINTS) problems.push(`Key points: ${points.length} is too many for a card; keep at most ${MAX_KEY_POINTS}.`);
  return [...problems, ...keyPointLengthProblems(points)];
}

/** Each key point over the length a card carries, named with how to put it right (the preview says so at every update). */
export function keyPointLengthProblems(points: readonly string[]): string[] {
  return cleanKeyPoints(points).flatMap((p, i) => (p.length > MAX_KEY_POINT_LENGTH
    ? [`Key point ${i + 1} is ${p.length} characters; shorten it to ${MAX_KEY_POINT_LENGTH} or fewer.`] : []));
}

/** Refuses choices with problems (the service's own check; the preview names them first). */
export function assertChoices(choices: CampaignChoices, today: Date, defaultDays: number, calendar?: SchoolCalendar): string[] {
  const problems = choiceProblems(choices, today, defaultDays, calendar);
  if (problems.length > 0) throw new AcknowledgementError('BAD_COMMAND', problems.join('\n'));
  return cleanKeyPoints(choices.keyPoints);
}
