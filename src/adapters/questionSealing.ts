import crypto from 'node:crypto';
import { createFieldCipher, FIELD_KEY_BYTES } from '../shared/fieldEncryption';

/**
 * How the question log's text (the question as typed, and the AI phrasing its card showed) is sealed at rest, the same
 * on every store: AES-256-GCM per value, bound to the question's id and field. `policy-bot storage copy-to-azure`
 * copies the stored values as they are, so SQLite and Azure Tables must agree on these contexts exactly.
 *
 * The key is not a new setting: it is derived from the concern key (CONCERN_ENCRYPTION_KEY) with HKDF-SHA256 under
 * its own label. One secret to keep and back up, as now; yet a question value never opens with the concern key
 * itself, nor a concern field with this one, and the many small question writes do not count against the concern
 * key's use. Rotating the concern key means re-sealing the question log with it.
 */
export interface QuestionSealing {
  /** A question field sealed for storage. */
  seal(value: string, questionId: string, field: QuestionField): string;
  /** A stored question field opened: a sealed value is decrypted (FieldDecryptionError if it does not verify), a value from before sealing is read as it is. */
  open(stored: string, questionId: string, field: QuestionField): string;
}

/**
 * The fields that hold text someone typed or was shown, or what they chose: the question log's question, phrasing and
 * the section a person chose on a "not sure" reply (issue 50), and the question an owner taught (sealed under its
 * teaching link's id, see taughtQuestionSealId).
 */
export type QuestionField = 'question' | 'phrasedText' | 'chosenSection' | 'taughtQuestion';

/** HKDF's label for the question log's key; a new label (v2) would be a new key. */
const QUESTION_KEY_INFO = 'school-policy-bot/question-log/v1';

/** The question log's key: HKDF-SHA256 of the concern key (32 bytes, or its base64 as configuration holds it). */
export function deriveQuestionLogKey(concernKey: Buffer | string): Buffer {
  const key = typeof concernKey === 'string' ? Buffer.from(concernKey, 'base64') : concernKey;
  if (key.length !== FIELD_KEY_BYTES) {
    throw Object.assign(new Error(`The concern encryption key must be ${FIELD_KEY_BYTES} bytes (got ${key.length})`), { code: 'FIELD_KEY_INVALID' });
  }
  return Buffer.from(crypto.hkdfSync('sha256', key, Buffer.alloc(0), QUESTION_KEY_INFO, FIELD_KEY_BYTES));
}

/**
 * What the field cipher writes: "gcm1." then a 12-byte IV, a 16-byte tag and the body, each in base64. Nobody types
 * that as a question, so a value that is not in this form is one stored before sealing.
 */
const SEALED_FORM = /^gcm1\.[A-Za-z0-9+/]{16}\.[A-Za-z0-9+/]{22}==\.[A-Za-z0-9+/=]*$/;

/** Whether a stored question value is sealed (else it was stored in the clear before sealing). */
export function isSealedQuestionValue(stored: string): boolean {
  return SEALED_FORM.test(stored);
}

/** Creates the question log's sealing from the concern key. */
export function createQuestionSealing(concernKey: Buffer | string): QuestionSealing {
  const cipher = createFieldCipher(deriveQuestionLogKey(concernKey));
  const context = (questionId: string, field: QuestionField) => `question:${questionId}:${field}`;
  return {
    seal: (value, questionId, field) => cipher.encrypt(value, context(questionId, field)),
    open: (stored, questionId, field) => (isSealedQuestionValue(stored) ? cipher.decrypt(stored, context(questionId, field)) : stored),
  };
}

/**
 * The id a taught question is sealed under: the link's UUID. SQLite's link id is that UUID; Azure's row key puts the
 * time it was taught before it (`<digits>-<uuid>`, as the copy from SQLite does too), so the copy moves the sealed
 * value as it is.
 */
export function taughtQuestionSealId(linkId: string): string {
  const timed = /^\d{14,}-(.+)$/.exec(linkId);
  return timed ? timed[1] : linkId;
}

/** Raised when the question log is used without its key: nothing is written in the clear, and nothing sealed is shown. */
export class QuestionLogKeyMissingError extends Error {
  readonly code = 'QUESTION_LOG_KEY_MISSING';
  constructor() {
    super('The question log is sealed with a key derived from CONCERN_ENCRYPTION_KEY; open it with that key');
    this.name = 'QuestionLogKeyMissingError';
  }
}

/** Without a key: refuses to seal, and opens only values stored before sealing. */
export const NO_QUESTION_SEALING: QuestionSealing = {
  seal: () => { throw new QuestionLogKeyMissingError(); },
  open: (stored) => { if (isSealedQuestionValue(stored)) throw new QuestionLogKeyMissingError(); return stored; },
};
