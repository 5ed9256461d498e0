/**
 * The annual acknowledgement: what other features and the composition root may use. Other features import
 * from here only (tests/architecture.test.ts checks it).
 */
export type { AcknowledgementStore } from './domain/acknowledgementStore';
export { registerPolicyVersion } from './domain/policyVersions';
export type { AcknowledgementFeature } from './teams/acknowledgementFeature';
export { createAcknowledgementModule } from './teams/acknowledgementModule';
