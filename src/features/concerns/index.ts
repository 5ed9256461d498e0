/**
 * Reports of concerns: what other features and the composition root may use. Other features import from
 * here only (tests/architecture.test.ts checks it).
 */
export type { ConcernStore } from './domain/concernPorts';
export type { ConcernFeature } from './teams/concernFeature';
export { REPORT_CONCERN_COMMAND_ID } from './teams/concernFeature';
export { renderRefusedConcernForm } from './teams/cards/concernFormCard';
