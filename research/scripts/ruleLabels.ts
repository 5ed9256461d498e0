import { normaliseForMatch } from '../../src/features/policy/answer/evaluateAnswers';
import { PolicyDocument } from '../../src/features/policy/policyDocument';

/**
 * Where a labeller's rule sentence sits in a parsed policy, for the scripts that judge or export the rule reader
 * (issue 53): labellers copy sentences with bullets' marks and paragraph numbers, which the parsed text keeps neither of.
 */

/** A rule sentence as the parsed text has it: normalised, its first 60 characters. */
export function probeOf(sentence: string): string {
  const s = normaliseForMatch(sentence).replace(/^[-o•*]\s+/, '').replace(/^\d+(?:\.\d+)*\.?\s+/, '');
  // A sentence that runs over the parsed text's bullets or a heading: its first words place it.
  return s.length > 60 ? s.slice(0, 60) : s;
}

/** The ordinals of the sections whose text holds the sentence (whitespace and quotes normalised). */
export function sectionsHolding(doc: PolicyDocument, sentence: string): number[] {
  const probe = probeOf(sentence);
  return doc.sections.filter((x) => normaliseForMatch(`${x.title} ${x.text}`).includes(probe)).map((x) => x.ordinal);
}
