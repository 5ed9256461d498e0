/**
 * Reports of concerns: what other features and the composition root may use. Other features import from
 * here only (tests/architecture.test.ts checks it).
 */
export type { ConcernStore } from './domain/concernPorts';
export type { ConcernFeature } from './teams/concernFeature';
export { REPORT_CONCERN_COMMAND_ID } from './teams/concernFeature';
export { reportCannotWait } from './domain/concernValidation';
export type { SafeguardingDestination } from './domain/safeguardingRoute';

/**
 * The safeguarding route's status in plain words for policy owners, as lines for the help card's `ownerNotices`
 * (where reports go, when the route was last checked, what is wrong and what to do). Counts only, never who.
 */
export function safeguardingRouteNotices(concerns: { routeStatusLines(): string[] }): () => string[] {
  return () => concerns.routeStatusLines();
}
