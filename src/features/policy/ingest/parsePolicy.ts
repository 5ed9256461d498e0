import { assemblePolicy } from './assemblePolicy';
import { PolicyDocument } from '../policyDocument';
import { readTextPolicy } from './textPolicyReader';

/** Parses a policy exported as plain text into sections and metadata. */
export function parsePolicyText(raw: string, source: string, today?: Date): PolicyDocument {
  return assemblePolicy(readTextPolicy(raw), { source, today });
}
