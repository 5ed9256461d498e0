import { generate } from 'selfsigned';

/** A self-signed certificate (and its key) for an https fake on 127.0.0.1 / localhost, to be trusted by the test's client. */
export async function loopbackCertificate(): Promise<{ private: string; cert: string }> {
  return generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keyType: 'ec',
    curve: 'P-256',
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }, { type: 2, value: 'localhost' }] },
    ],
  });
}
