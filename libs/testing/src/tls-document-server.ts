import forge from 'node-forge';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ServedDocument {
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** An object is sent as JSON; a string as it is. */
  readonly body: unknown;
  /** Milliseconds before the answer starts. */
  readonly delayMs?: number;
}

export interface TlsDocumentServer {
  /** `https://127.0.0.1:<port>` */
  readonly origin: string;
  /** A PEM file of the CA that signed the server's certificate (for NODE_EXTRA_CA_CERTS). */
  readonly caFile: string;
  /** Serves `document` at `path` from now on. */
  serve(path: string, document: ServedDocument): void;
  /** How many times `path` was asked for. */
  hits(path: string): number;
  /** TCP connections accepted so far (a client that refuses the certificate connects, then asks nothing). */
  connections(): number;
  close(): Promise<void>;
}

interface Issued {
  readonly key: string;
  readonly certificate: string;
}

function newKey(): { pem: string; forgeKey: forge.pki.PublicKey } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { pem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), forgeKey: forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString()) };
}

function certificate(subject: string, publicKey: forge.pki.PublicKey, issuer: string, extensions: object[]): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = `01${randomBytes(8).toString('hex')}`;
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 7 * 86_400_000);
  cert.setSubject([{ name: 'commonName', value: subject }]);
  cert.setIssuer([{ name: 'commonName', value: issuer }]);
  cert.setExtensions(extensions);
  return cert;
}

/** A CA made now, and a certificate it signed for 127.0.0.1 and localhost (nothing is checked in). */
function issue(): Issued & { readonly caPem: string } {
  const ca = newKey();
  const caCert = certificate('Secure MCP Test CA', ca.forgeKey, 'Secure MCP Test CA', [{ name: 'basicConstraints', cA: true }, { name: 'keyUsage', keyCertSign: true, cRLSign: true }]);
  caCert.sign(forge.pki.privateKeyFromPem(ca.pem) as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
  const leaf = newKey();
  const leafCert = certificate('127.0.0.1', leaf.forgeKey, 'Secure MCP Test CA', [
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }, { type: 2, value: 'localhost' }] },
  ]);
  leafCert.sign(forge.pki.privateKeyFromPem(ca.pem) as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
  return { key: leaf.pem, certificate: forge.pki.certificateToPem(leafCert), caPem: forge.pki.certificateToPem(caCert) };
}

/**
 * A real HTTPS server on 127.0.0.1 with a certificate from a CA of its own, serving the documents a
 * test sets (OAuth clients' metadata documents). Trusted only by a process started with its CA.
 */
export async function startTlsDocumentServer(): Promise<TlsDocumentServer> {
  const issued = issue();
  const caFile = join(tmpdir(), `smcp-test-ca-${randomBytes(6).toString('hex')}.pem`);
  writeFileSync(caFile, issued.caPem);
  const documents = new Map<string, ServedDocument>();
  const counts = new Map<string, number>();
  const server: Server = createServer({ key: issued.key, cert: issued.certificate }, (request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    counts.set(path, (counts.get(path) ?? 0) + 1);
    const served = documents.get(path) ?? { status: 404, body: 'not found' };
    const send = (): void => {
      const json = typeof served.body !== 'string';
      response.writeHead(served.status ?? 200, { 'content-type': json ? 'application/json' : 'text/plain', ...served.headers });
      response.end(json ? JSON.stringify(served.body) : served.body);
    };
    if (served.delayMs) setTimeout(send, served.delayMs);
    else send();
  });
  let accepted = 0;
  server.on('connection', () => accepted++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `https://127.0.0.1:${port}`,
    caFile,
    serve: (path, document) => void documents.set(path, document),
    hits: (path) => counts.get(path) ?? 0,
    connections: () => accepted,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
