import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

export interface VaultServerOptions {
  /** An AppRole that may log in (POST /v1/auth/{mount}/login) for a token of its own. */
  readonly appRole?: { readonly roleId: string; readonly secretId: string; readonly mount?: string };
  /** Served over https:// with this certificate. */
  readonly tls?: { readonly cert: string; readonly key: string };
}

export interface VaultServer {
  readonly address: string;
  /** Requests received: method, path and headers (to check the token and namespace sent). */
  readonly requests: Array<{ readonly path: string; readonly headers: IncomingHttpHeaders }>;
  /** Sets a secret's fields; `kv: 1` answers it as KV version 1 does (`data` holds the fields). */
  put(path: string, fields: Record<string, unknown>, kv?: 1 | 2): void;
  /** Sealed: sys/health says so (503) and secrets are refused (503), as a sealed Vault does. */
  seal(sealed: boolean): void;
  /** The next `times` reads of a secret answer 503 (Vault restarting, a standby without forwarding). */
  unavailableFor(times: number): void;
  /** Tokens AppRole logins were given, and those revoked (revoke-self) since. */
  readonly loginTokens: { readonly issued: string[]; readonly revoked: string[] };
  /** TCP connections accepted so far (a client refusing the certificate connects, then asks nothing). */
  connections(): number;
  close(): Promise<void>;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/**
 * An HTTP server that answers as HashiCorp Vault's API does for what the gateway uses: reading a
 * KV secret with X-Vault-Token (403 "permission denied" for any other token, 404 for no such
 * secret), an AppRole login and revoke-self, and GET /v1/sys/health.
 */
export async function startVaultServer(token: string, options: VaultServerOptions = {}): Promise<VaultServer> {
  const secrets = new Map<string, { fields: Record<string, unknown>; kv: 1 | 2 }>();
  const requests: Array<{ path: string; headers: IncomingHttpHeaders }> = [];
  const loginTokens = { issued: [] as string[], revoked: [] as string[] };
  const valid = new Set([token]);
  let sealed = false;
  let unavailable = 0;
  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://vault');
    requests.push({ path: url.pathname, headers: request.headers });
    const answer = (status: number, body: unknown): void => {
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (url.pathname === '/v1/sys/health') {
      answer(sealed ? 503 : 200, { initialized: true, sealed, standby: false, version: '1.15.6', cluster_name: 'vault-test' });
      return;
    }
    if (sealed) return answer(503, { errors: ['Vault is sealed'] });
    const appRole = options.appRole;
    if (appRole && request.method === 'POST' && url.pathname === `/v1/auth/${appRole.mount ?? 'approle'}/login`) {
      const body = JSON.parse((await readBody(request)) || '{}') as { role_id?: unknown; secret_id?: unknown };
      if (body.role_id !== appRole.roleId || body.secret_id !== appRole.secretId) return answer(400, { errors: ['invalid role or secret ID'] });
      const issued = `hvs.${randomBytes(12).toString('hex')}`;
      valid.add(issued);
      loginTokens.issued.push(issued);
      return answer(200, { auth: { client_token: issued, accessor: randomBytes(6).toString('hex'), policies: ['default', 'secure-mcp'], lease_duration: 3600, renewable: true } });
    }
    const presented = request.headers['x-vault-token'];
    if (typeof presented !== 'string' || !valid.has(presented)) return answer(403, { errors: ['permission denied'] });
    if (request.method === 'POST' && url.pathname === '/v1/auth/token/revoke-self') {
      if (presented !== token) valid.delete(presented);
      loginTokens.revoked.push(presented);
      response.writeHead(204).end();
      return;
    }
    if (unavailable > 0) {
      unavailable--;
      return answer(503, { errors: ['local node not active but active cluster node not found'] });
    }
    const secret = secrets.get(url.pathname.replace(/^\/v1\//, ''));
    if (!secret) return answer(404, { errors: [] });
    answer(200, secret.kv === 2 ? { data: { data: secret.fields, metadata: { version: 1, created_time: new Date().toISOString() } }, lease_duration: 0 } : { data: secret.fields, lease_duration: 2_764_800 });
  };
  const serve = (request: IncomingMessage, response: ServerResponse): void => {
    handle(request, response).catch(() => {
      if (!response.headersSent) response.writeHead(500).end();
    });
  };
  const server: Server = options.tls ? (createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, serve) as unknown as Server) : createServer(serve);
  let accepted = 0;
  server.on('connection', () => accepted++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    connections: () => accepted,
    address: `${options.tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`,
    loginTokens,
    requests,
    put: (path, fields, kv = 2) => void secrets.set(path, { fields, kv }),
    seal: (value) => void (sealed = value),
    unavailableFor: (times) => void (unavailable = times),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
