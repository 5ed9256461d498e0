import { randomInt } from 'node:crypto';

/**
 * Concern references: `PREFIX-YEAR-CODE`, the code six characters of Crockford base32 (30 bits) drawn with
 * crypto.randomInt, so nobody can find a report by trying the next number. References stored before this
 * (`SG-2026-0007`, sequential) keep working: lookup takes either shape, in any case.
 */

/** Crockford's base32: digits and letters without I, L, O and U, which are misread or misheard. */
export const CONCERN_REFERENCE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Characters in the random part: 6 x 5 bits = 30 bits, about a billion codes per prefix and year. */
export const CONCERN_REFERENCE_CODE_LENGTH = 6;

const WHOLE_REFERENCE = /^([A-Z]{1,6})-(\d{4})-([0-9A-Z]{1,12})$/;

/** How a store draws a reference: createConcernReference, or in a test one that repeats to see it redrawn. */
export type ConcernReferenceDraw = (prefix: string, year: number) => string;

/** Draws a new reference; the store checks it is unused and draws again if not. */
export function createConcernReference(prefix: string, year: number, draw: (max: number) => number = randomInt): string {
  let code = '';
  for (let i = 0; i < CONCERN_REFERENCE_CODE_LENGTH; i++) code += CONCERN_REFERENCE_ALPHABET[draw(CONCERN_REFERENCE_ALPHABET.length)];
  return `${prefix}-${year}-${code}`;
}

/**
 * A typed reference in its stored form: trimmed, upper case, and in the code the letters Crockford reads as
 * digits (O as 0, I and L as 1), which new codes never contain. Undefined when it is not shaped like a reference.
 */
export function normaliseConcernReference(raw: unknown): string | undefined {
  if (typeof raw !== 'string' || raw.length > 64) return undefined;
  const m = WHOLE_REFERENCE.exec(raw.trim().toUpperCase());
  if (!m) return undefined;
  return `${m[1]}-${m[2]}-${m[3].replace(/O/g, '0').replace(/[IL]/g, '1')}`;
}

/**
 * The one answer for a reference the person may not see, whatever the reason (it does not exist, it is about
 * them, it is not their case, they are not on the team): the same words for all, naming only what they typed.
 */
export function concernNotFoundMessage(reference: string | undefined): string {
  return `No concern was found with ${reference ? `the reference ${reference}` : 'that reference'}. `
    + 'Check the reference: concern records open only for the safeguarding team and the person a report was sent to.';
}
