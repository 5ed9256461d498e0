import { FieldCipher } from '../shared/fieldEncryption';

/**
 * How concern contents are sealed with the field cipher, the same on every store: each report field is bound to its
 * concern's reference and field name, each event's payload to its concern, type and time. `policy-bot storage
 * copy-to-azure` copies ciphertext as it is, so SQLite and Azure Tables must agree on these contexts exactly.
 */
export interface ConcernSealing {
  /** A report field sealed, or null when it was not given. */
  seal(value: string | undefined, reference: string, field: string): string | null;
  /** A report field opened, or undefined when none was stored. */
  open(value: string | null | undefined, reference: string, field: string): string | undefined;
  /** An event's payload (who acted and its data) sealed. */
  sealEvent(payload: string, concernId: number | null, type: string, at: string): string;
  /** An event's payload opened. */
  openEvent(sealed: string, concernId: number | null, type: string, at: string): string;
}

export function createConcernSealing(cipher: FieldCipher): ConcernSealing {
  const fieldContext = (reference: string, field: string) => `concern:${reference.toUpperCase()}:${field}`;
  const eventContext = (concernId: number | null, type: string, at: string) => `event:${concernId ?? 'audit'}:${type}:${at}`;
  return {
    seal: (value, reference, field) => (value === undefined ? null : cipher.encrypt(value, fieldContext(reference, field))),
    open: (value, reference, field) => (value === null || value === undefined ? undefined : cipher.decrypt(value, fieldContext(reference, field))),
    sealEvent: (payload, concernId, type, at) => cipher.encrypt(payload, eventContext(concernId, type, at)),
    openEvent: (sealed, concernId, type, at) => cipher.decrypt(sealed, eventContext(concernId, type, at)),
  };
}
