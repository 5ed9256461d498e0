/**
 * Policy questions in chat: what other features and the composition root may use. Other features import
 * from here only (tests/architecture.test.ts checks it); inside the feature, files import each other directly.
 */
export type { PolicyDocument, PolicyMetadata, PolicySection, PolicyWarning } from './policyDocument';
export { contentsSections, formatCitationLabel, formatSectionLabel, formatVersion } from './policyDocument';
export type { PolicyLibrary } from './policyLibrary';
export { createPolicyLibrary, findSection } from './policyLibrary';
export { splitSentences } from './answer/passages';
export type { PolicyDiff, SectionChange, ChangedWords } from './publishing/policyDiff';
export { diffPolicies } from './publishing/policyDiff';
export { readPolicyFilesIsolated } from './ingest/isolatedIngest';
export type { QuestionLog } from './teaching/questionLog';
export type { TeachingLinkStore } from './teaching/teachingLinks';
export { createPolicyFeature } from './teams/policyFeature';
export type { PublishedForAcknowledgement } from './teams/policyPublishing';
