import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The seal on a message someone reports with the message's "Report a concern" action. The bot puts the message, as
 * Teams gave it, into the report form, and the form carries it through the card until it is sent: so a reporter could
 * alter it on the way, and a case card would then show a colleague's "message" they never wrote, under the words
 * "the message reported". The form carries a seal (a MAC over the reporter and the message) beside it, and a report
 * whose message no longer matches its seal is filed with that message marked as changed, never refused: a report is
 * never lost. Any instance checks a seal with the key every instance derives from the concern key.
 */
export interface ReportedMessageSeal {
  /** The seal of `message` as the bot gave it to this reporter. */
  seal(reporterId: string, message: string): string;
  /** Whether the seal was made by the bot for this reporter and this message. */
  holds(reporterId: string, message: string, seal: unknown): boolean;
}

/** HKDF's label for the seal's key: a new label (v2) would be a new key, and every form open before would be marked. */
const SEAL_KEY_INFO = 'school-policy-bot/reported-message/v1';
/** The seal's length in hex: 128 bits of the MAC, too many to guess. */
const SEAL_HEX = 32;
const SEAL_FORM = /^[0-9a-f]{32}$/;

/** What a report's message says first when it no longer matches its seal (the team reads it in the case and export). */
export const CHANGED_MESSAGE_NOTE = '[Changed in the report form after Teams gave it to the bot: this is not the message as it was sent in Teams; '
  + 'open the link to the message, where there is one, to see it as it was.]';

/** The seal's key from the concern key (32 bytes, or its base64 as configuration holds it): HKDF-SHA256 with its own label. */
export function reportedMessageKey(concernKey: Buffer | string): Buffer {
  const key = typeof concernKey === 'string' ? Buffer.from(concernKey, 'base64') : concernKey;
  return Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), SEAL_KEY_INFO, 32));
}

/** The seal over a key; without one, a fresh key that only this process checks (tests, a feature built alone). */
export function createReportedMessageSeal(key: Buffer = randomBytes(32)): ReportedMessageSeal {
  // Each part is length-prefixed, so no two different pairs read as the same message.
  const mac = (reporterId: string, message: string): string => createHmac('sha256', key)
    .update([reporterId, message].map((part) => `${part.length}:${part}`).join('|'))
    .digest('hex').slice(0, SEAL_HEX);
  return {
    seal: mac,
    holds(reporterId, message, seal) {
      if (typeof seal !== 'string' || !SEAL_FORM.test(seal) || reporterId === '') return false;
      return timingSafeEqual(Buffer.from(mac(reporterId, message), 'hex'), Buffer.from(seal, 'hex'));
    },
  };
}
