import { createTestCa, encryptedKey } from '@app/testing';
import { describe, expect, it } from 'vitest';
import { clientCertificate, maskedTls, tlsProblems } from './upstream-tls';

const DAY_MS = 86_400_000;
const ca = createTestCa('Unit CA');
const client = ca.issue('unit-client', { client: true });
const HTTPS = ['https://mcp.example/mcp'];

describe('tlsProblems', () => {
  it('takes a private CA, a client certificate with its key, and an encrypted key with its passphrase', () => {
    expect(tlsProblems({ ca: ca.pem, ...client, servername: 'mcp.internal' }, HTTPS)).toEqual([]);
    expect(tlsProblems({ ...client, key: encryptedKey(client.key, 'pw'), passphrase: 'pw' }, ['wss://mcp.example/ws'])).toEqual([]);
  });

  it('names each certificate of a bundle that is not valid now, the CA bundle included', () => {
    const expired = ca.issue('old', { notBefore: new Date(Date.now() - 3 * DAY_MS), notAfter: new Date(Date.now() - DAY_MS) });
    const problems = tlsProblems({ ca: `${ca.pem}\n${expired.cert}` }, HTTPS);
    expect(problems).toEqual([expect.objectContaining({ field: 'transport.tls.ca', code: 'CERTIFICATE_EXPIRED', message: expect.stringContaining('CN=old') })]);
    // Validity is judged at `now`: the same certificate was fine before it expired.
    expect(tlsProblems({ ca: expired.cert }, HTTPS, Date.now() - 2 * DAY_MS)).toEqual([]);
  });

  it('refuses TLS settings for an endpoint without TLS, before anything else', () => {
    expect(tlsProblems({ ca: 'garbage' }, ['https://a.example/mcp', 'http://b.example/mcp'])).toEqual([expect.objectContaining({ field: 'transport.tls', message: expect.stringContaining('http://b.example/mcp') })]);
  });

  it('blames the passphrase for an encrypted key that does not open, whatever OpenSSL says (many wrong passphrases)', () => {
    const locked = encryptedKey(client.key, 'right');
    // About one wrong passphrase in 256 decrypts to bytes that are no key: OpenSSL then says "unsupported", not "bad decrypt".
    for (let attempt = 0; attempt < 1500; attempt++) {
      expect(tlsProblems({ cert: client.cert, key: locked, passphrase: `wrong-${attempt}` }, HTTPS).map((problem) => problem.field), `wrong-${attempt}`).toEqual(['transport.tls.passphrase']);
    }
  });

  it('tells a wrong passphrase from a missing one', () => {
    const locked = encryptedKey(client.key, 'right');
    expect(tlsProblems({ cert: client.cert, key: locked }, HTTPS)).toEqual([expect.objectContaining({ field: 'transport.tls.passphrase', message: 'the key is encrypted: send its passphrase' })]);
    expect(tlsProblems({ cert: client.cert, key: locked, passphrase: 'wrong' }, HTTPS)).toEqual([expect.objectContaining({ field: 'transport.tls.passphrase', message: 'the passphrase does not open the key' })]);
  });
});

describe('clientCertificate and maskedTls', () => {
  it('describes the first certificate of the PEM, and masks only the secrets', () => {
    const described = clientCertificate({ cert: `${client.cert}${ca.pem}`, key: 'sealed' });
    expect(described).toMatchObject({ subject: 'CN=unit-client', issuer: 'CN=Unit CA' });
    expect(clientCertificate({ ca: ca.pem })).toBeNull();
    expect(maskedTls({ ca: 'c', cert: 'd', key: 'k', passphrase: 'p', servername: 's' })).toEqual({ ca: 'c', cert: 'd', key: '********', passphrase: '********', servername: 's' });
    expect(maskedTls({ ca: 'c' })).toEqual({ ca: 'c' });
  });
});
