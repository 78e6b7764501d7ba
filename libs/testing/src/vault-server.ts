import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

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
  close(): Promise<void>;
}

/**
 * An HTTP server that answers as HashiCorp Vault's API does for what the gateway uses: reading a
 * KV secret with X-Vault-Token (403 "permission denied" for any other token, 404 for no such
 * secret) and GET /v1/sys/health.
 */
export async function startVaultServer(token: string): Promise<VaultServer> {
  const secrets = new Map<string, { fields: Record<string, unknown>; kv: 1 | 2 }>();
  const requests: Array<{ path: string; headers: IncomingHttpHeaders }> = [];
  let sealed = false;
  let unavailable = 0;
  const server: Server = createServer((request, response) => {
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
    if (request.headers['x-vault-token'] !== token) return answer(403, { errors: ['permission denied'] });
    if (unavailable > 0) {
      unavailable--;
      return answer(503, { errors: ['local node not active but active cluster node not found'] });
    }
    const secret = secrets.get(url.pathname.replace(/^\/v1\//, ''));
    if (!secret) return answer(404, { errors: [] });
    answer(200, secret.kv === 2 ? { data: { data: secret.fields, metadata: { version: 1, created_time: new Date().toISOString() } }, lease_duration: 0 } : { data: secret.fields, lease_duration: 2_764_800 });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    address: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    put: (path, fields, kv = 2) => void secrets.set(path, { fields, kv }),
    seal: (value) => void (sealed = value),
    unavailableFor: (times) => void (unavailable = times),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
