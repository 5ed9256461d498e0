import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Which sections a "not sure" reply offered, and to whom (issue 69): each of its choices carries a token, a MAC over the
 * question's id, the person the reply was for and the section (or "None of these"), so a press counts only when it is
 * one of the card's own choices, pressed by the person who asked. Nothing more is kept: the question log still holds no
 * one's identity, and any instance checks a token with the key every instance derives from the concern key.
 */
export interface OfferedChoices {
  /** The token a choice of the reply to `personId`'s question carries. */
  token(questionId: string, personId: string, section: string): string;
  /** Whether a press carries the token of a choice that reply offered to this person. */
  offered(questionId: string, personId: string, section: string, token: unknown): boolean;
}

/** HKDF's label for the choices' key; a new label (v2) would be a new key, and every card sent before would be refused. */
const CHOICE_KEY_INFO = 'school-policy-bot/section-choices/v1';
/** The token's length in hex: 128 bits of the MAC, too many to guess. */
const TOKEN_HEX = 32;
const TOKEN_FORM = /^[0-9a-f]{32}$/;

/** The choices' key from the concern key (32 bytes, or its base64 as configuration holds it): HKDF-SHA256 with its own label. */
export function offeredChoicesKey(concernKey: Buffer | string): Buffer {
  const key = typeof concernKey === 'string' ? Buffer.from(concernKey, 'base64') : concernKey;
  return Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), CHOICE_KEY_INFO, 32));
}

/** The tokens over a key; without one, a fresh key that only this process checks (tests, a feature built alone). */
export function createOfferedChoices(key: Buffer = randomBytes(32)): OfferedChoices {
  // Each part is length-prefixed, so no two different triples read as the same message.
  const mac = (questionId: string, personId: string, section: string): string => createHmac('sha256', key)
    .update([questionId, personId, section].map((part) => `${part.length}:${part}`).join('|'))
    .digest('hex').slice(0, TOKEN_HEX);
  return {
    token: mac,
    offered(questionId, personId, section, token) {
      if (typeof token !== 'string' || !TOKEN_FORM.test(token) || personId === '') return false;
      return timingSafeEqual(Buffer.from(mac(questionId, personId, section), 'hex'), Buffer.from(token, 'hex'));
    },
  };
}
