import crypto from 'node:crypto';
import { createFieldCipher, FieldDecryptionError } from '../../src/shared/fieldEncryption';

describe('createFieldCipher', () => {
  const key = crypto.randomBytes(32);

  test('when a value is sealed and opened with the same key and context, then the text comes back', () => {
    const cipher = createFieldCipher(key);
    const sealed = cipher.encrypt('A child said: "he told me not to tell"', 'concern:SG-2026-0001:whatHappened');
    expect(sealed).not.toContain('child');
    expect(cipher.decrypt(sealed, 'concern:SG-2026-0001:whatHappened')).toBe('A child said: "he told me not to tell"');
  });

  test('when the same value is sealed twice, then the two ciphertexts differ (a fresh IV each time)', () => {
    const cipher = createFieldCipher(key);
    const a = cipher.encrypt('same text', 'ctx');
    const b = cipher.encrypt('same text', 'ctx');
    expect(a).not.toBe(b);
    expect(a.split('.')[1]).not.toBe(b.split('.')[1]);
  });

  test('when a sealed value is opened with another key, then it is refused with a stable code', () => {
    const sealed = createFieldCipher(key).encrypt('secret', 'ctx');
    expect(() => createFieldCipher(crypto.randomBytes(32)).decrypt(sealed, 'ctx')).toThrow(FieldDecryptionError);
    try {
      createFieldCipher(crypto.randomBytes(32)).decrypt(sealed, 'ctx');
    } catch (err) {
      expect((err as FieldDecryptionError).code).toBe('FIELD_DECRYPT_FAILED');
      expect((err as Error).message).not.toContain('secret');
    }
  });

  test('when a sealed value is moved to another field (another context), then it does not open', () => {
    const cipher = createFieldCipher(key);
    const sealed = cipher.encrypt('secret', 'concern:SG-2026-0001:evidence');
    expect(() => cipher.decrypt(sealed, 'concern:SG-2026-0002:evidence')).toThrow(FieldDecryptionError);
  });

  test('when one byte of the ciphertext is changed, then the auth tag check refuses it', () => {
    const cipher = createFieldCipher(key);
    const [fmt, iv, tag, body] = cipher.encrypt('secret text here', 'ctx').split('.');
    const bytes = Buffer.from(body, 'base64');
    bytes[0] ^= 0x01;
    expect(() => cipher.decrypt([fmt, iv, tag, bytes.toString('base64')].join('.'), 'ctx')).toThrow(FieldDecryptionError);
  });

  test('when the key is given in base64, then it opens what the Buffer key sealed', () => {
    const sealed = createFieldCipher(key).encrypt('text', 'ctx');
    expect(createFieldCipher(key.toString('base64')).decrypt(sealed, 'ctx')).toBe('text');
  });

  test('when the key is not 32 bytes, then the cipher is not created', () => {
    expect(() => createFieldCipher(crypto.randomBytes(16))).toThrow(/32 bytes/);
  });
});
