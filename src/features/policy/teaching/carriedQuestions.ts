import { hkdfSync, randomBytes } from 'node:crypto';
import { createFieldCipher } from '../../../shared/fieldEncryption';
import { createOfferedChoices } from './offeredChoices';

/**
 * A question is answered without being kept (issue 69): the question log holds its outcome but not its text until the
 * person who asked sends it to the policy owners. What the reply's buttons need of the question ("Was this helpful?"
 * redraws the answer, a choice quotes its section's sentence for it, "Send to the policy owners" offers it back to
 * edit) travels in the card itself, sealed: AES-256-GCM bound to the question's id, so the card's data never shows the
 * text to a channel and a value from another card does not open. Only the person who asked may send: the send carries a
 * MAC over the question's id and that person, as a choice does (offeredChoices.ts).
 */
export interface CarriedQuestions {
  /** The question (or the AI phrasing its answer showed) sealed for its reply's card data. */
  seal(value: string, questionId: string, field?: CarriedField): string;
  /** What a press carried back, or null when there is none or it does not open under this id and field (another card's, damaged, forged). */
  open(carried: unknown, questionId: string, field?: CarriedField): string | null;
  /** The token "Send to the policy owners" carries on the reply to `personId`'s question. */
  sendToken(questionId: string, personId: string): string;
  /** Whether a send carries the token of the reply to this person's own question. */
  maySend(questionId: string, personId: string, token: unknown): boolean;
}

/** What a reply's buttons carry sealed: the question as asked, and the AI phrasing its answer showed (with the section it cites). */
export type CarriedField = 'question' | 'phrasing';

/** The form of a send token (a MAC's first 128 bits in hex): anything else a press carries is not copied into a card. */
const SEND_TOKEN_FORM = /^[0-9a-f]{32}$/;

/** A send token as a press carried it, when it has a token's form; else undefined (a forged or damaged press). */
export function sendTokenOf(value: unknown): string | undefined {
  return typeof value === 'string' && SEND_TOKEN_FORM.test(value) ? value : undefined;
}

/** HKDF's labels under the choices' key; a new label (v2) would be a new key, and cards sent before would not open. */
const SEAL_INFO = 'school-policy-bot/carried-questions/v1';
const SEND_INFO = 'school-policy-bot/send-to-owners/v1';
/** The longest sealed value a press may carry: a question of MAX_QUESTION_CHARS in UTF-8, sealed, with room to spare. */
const MAX_SEALED_CHARS = 4096;
/** What the send token is a MAC over besides the question's id and the person: never a section's key. */
const SEND_PURPOSE = 'send-to-owners';

const derive = (key: Buffer, info: string): Buffer => Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), info, 32));

/**
 * The carried questions over the choices' key (offeredChoicesKey of the concern key, so every instance opens what any
 * sent); without one, a fresh key only this process opens (tests, a feature built alone).
 */
export function createCarriedQuestions(choiceKey: Buffer = randomBytes(32)): CarriedQuestions {
  const cipher = createFieldCipher(derive(choiceKey, SEAL_INFO));
  const tokens = createOfferedChoices(derive(choiceKey, SEND_INFO));
  const context = (questionId: string, field: CarriedField) => (field === 'question' ? `carried-question:${questionId}` : `carried-${field}:${questionId}`);
  return {
    seal: (value, questionId, field = 'question') => cipher.encrypt(value, context(questionId, field)),
    open(carried, questionId, field = 'question') {
      if (typeof carried !== 'string' || carried.length === 0 || carried.length > MAX_SEALED_CHARS) return null;
      try {
        return cipher.decrypt(carried, context(questionId, field));
      } catch {
        return null;
      }
    },
    sendToken: (questionId, personId) => tokens.token(questionId, personId, SEND_PURPOSE),
    maySend: (questionId, personId, token) => tokens.offered(questionId, personId, SEND_PURPOSE, token),
  };
}
