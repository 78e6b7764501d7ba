import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestCa } from './test-certificates';

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

/**
 * A real HTTPS server on 127.0.0.1 with a certificate from a CA of its own, serving the documents a
 * test sets (OAuth clients' metadata documents). Trusted only by a process started with its CA.
 */
export async function startTlsDocumentServer(): Promise<TlsDocumentServer> {
  const ca = createTestCa();
  const issued = ca.issue('127.0.0.1', { names: ['127.0.0.1', 'localhost'] });
  const caFile = join(tmpdir(), `smcp-test-ca-${randomBytes(6).toString('hex')}.pem`);
  writeFileSync(caFile, ca.pem);
  const documents = new Map<string, ServedDocument>();
  const counts = new Map<string, number>();
  const server: Server = createServer({ key: issued.key, cert: issued.cert }, (request, response) => {
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
