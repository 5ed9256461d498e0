import crypto from 'node:crypto';

/** The length of an AES-256 key in bytes. */
export const FIELD_KEY_BYTES = 32;

const FORMAT = 'gcm1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Raised when a field cannot be decrypted (wrong key, tampered or truncated data). Never carries the data. */
export class FieldDecryptionError extends Error {
  readonly code = 'FIELD_DECRYPT_FAILED';
  constructor(readonly context: string) {
    super(`A stored field could not be decrypted (${context}); wrong key or tampered data`);
    this.name = 'FieldDecryptionError';
  }
}

/** Encrypts and decrypts single fields with AES-256-GCM: a fresh random IV per value and an auth tag. */
export interface FieldCipher {
  /** Encrypts one value; `context` (for example "concern:12:whatHappened") is bound as associated data. */
  encrypt(plain: string, context: string): string;
  /** Decrypts a value sealed with the same context; throws FieldDecryptionError when it does not verify. */
  decrypt(sealed: string, context: string): string;
}

/** Creates a field cipher from a 32-byte key (a Buffer, or the same bytes in base64 as configuration holds them). */
export function createFieldCipher(keyOrBase64: Buffer | string): FieldCipher {
  const key = typeof keyOrBase64 === 'string' ? Buffer.from(keyOrBase64, 'base64') : keyOrBase64;
  if (key.length !== FIELD_KEY_BYTES) {
    throw Object.assign(new Error(`The field encryption key must be ${FIELD_KEY_BYTES} bytes (got ${key.length})`), {
      code: 'FIELD_KEY_INVALID',
    });
  }
  const secret = Buffer.from(key);
  return {
    encrypt(plain, context) {
      const iv = crypto.randomBytes(IV_BYTES);
      const cipher = crypto.createCipheriv('aes-256-gcm', secret, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return [FORMAT, iv.toString('base64'), tag.toString('base64'), body.toString('base64')].join('.');
    },
    decrypt(sealed, context) {
      const parts = sealed.split('.');
      if (parts.length !== 4 || parts[0] !== FORMAT) throw new FieldDecryptionError(context);
      try {
        const iv = Buffer.from(parts[1], 'base64');
        const tag = Buffer.from(parts[2], 'base64');
        if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new FieldDecryptionError(context);
        const decipher = crypto.createDecipheriv('aes-256-gcm', secret, iv, { authTagLength: TAG_BYTES });
        decipher.setAAD(Buffer.from(context, 'utf8'));
        decipher.setAuthTag(tag);
        return Buffer.concat([decipher.update(Buffer.from(parts[3], 'base64')), decipher.final()]).toString('utf8');
      } catch {
        throw new FieldDecryptionError(context);
      }
    },
  };
}
