import forge from 'node-forge';
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';

export interface IssuedCertificate {
  /** The certificate, PEM. */
  readonly cert: string;
  /** Its private key, PEM (PKCS#8, not encrypted). */
  readonly key: string;
}

export interface IssueOptions {
  /** A server's names (DNS names and IP addresses) for its subjectAltName; none for a client certificate. */
  readonly names?: readonly string[];
  /** A client certificate (extKeyUsage clientAuth) rather than a server's. */
  readonly client?: boolean;
  readonly notBefore?: Date;
  readonly notAfter?: Date;
  /** The private key (PEM) to certify, as a renewed certificate keeps its key; a new one otherwise. */
  readonly key?: string;
}

export interface TestCa {
  /** The CA's own certificate, PEM. */
  readonly pem: string;
  issue(subject: string, options?: IssueOptions): IssuedCertificate;
}

const DAY_MS = 86_400_000;
const IP_ADDRESS = /^\d{1,3}(\.\d{1,3}){3}$/;

function newKey(existing?: string): { pem: string; forgeKey: forge.pki.PublicKey } {
  const privateKey = existing ? createPrivateKey(existing) : generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const publicKey = createPublicKey(privateKey);
  return { pem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), forgeKey: forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString()) };
}

function signed(subject: string, publicKey: forge.pki.PublicKey, issuer: string, issuerKey: string, extensions: object[], notBefore: Date, notAfter: Date): string {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = `01${randomBytes(8).toString('hex')}`;
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = notAfter;
  cert.setSubject([{ name: 'commonName', value: subject }]);
  cert.setIssuer([{ name: 'commonName', value: issuer }]);
  cert.setExtensions(extensions);
  cert.sign(forge.pki.privateKeyFromPem(issuerKey) as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}

/** A certificate authority made now (nothing is checked in), issuing server and client certificates signed with SHA-256. */
export function createTestCa(name = 'Secure MCP Test CA'): TestCa {
  const ca = newKey();
  const now = Date.now();
  const pem = signed(name, ca.forgeKey, name, ca.pem, [{ name: 'basicConstraints', cA: true }, { name: 'keyUsage', keyCertSign: true, cRLSign: true }], new Date(now - 60_000), new Date(now + 30 * DAY_MS));
  return {
    pem,
    issue: (subject, options = {}) => {
      const leaf = newKey(options.key);
      const names = options.names ?? [];
      const extensions: object[] = [
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
        options.client ? { name: 'extKeyUsage', clientAuth: true } : { name: 'extKeyUsage', serverAuth: true },
        ...(names.length > 0 ? [{ name: 'subjectAltName', altNames: names.map((entry) => (IP_ADDRESS.test(entry) ? { type: 7, ip: entry } : { type: 2, value: entry })) }] : []),
      ];
      const cert = signed(subject, leaf.forgeKey, name, ca.pem, extensions, options.notBefore ?? new Date(Date.now() - 60_000), options.notAfter ?? new Date(Date.now() + 7 * DAY_MS));
      return { cert, key: leaf.pem };
    },
  };
}

/** The key encrypted with `passphrase` (PKCS#8, AES-256-CBC), as an operator's key file often is. */
export function encryptedKey(key: string, passphrase: string): string {
  return createPrivateKey(key).export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase }).toString();
}
