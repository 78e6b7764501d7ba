import type { IncomingMessage } from 'node:http';

const BEARER_PROTOCOL = /^bearer\.(.+)$/i;

/** The Authorization value a WebSocket upgrade carries: header, `?access_token=`, or `bearer.<token>` subprotocol. */
export function upgradeAuthorization(request: IncomingMessage): string | undefined {
  const header = request.headers.authorization;
  if (typeof header === 'string' && header.trim() !== '') return header;
  const query = new URL(request.url ?? '/', 'http://localhost').searchParams.get('access_token');
  if (query) return `Bearer ${query}`;
  const offered = (request.headers['sec-websocket-protocol'] ?? '').split(',').map((protocol) => protocol.trim());
  const bearer = offered.map((protocol) => BEARER_PROTOCOL.exec(protocol)?.[1]).find((token) => token !== undefined);
  return bearer ? `Bearer ${bearer}` : undefined;
}

/** The subprotocol to answer: `mcp` or `jsonrpc` when offered, never the token unless it is all there is. */
export function chooseProtocol(offered: Set<string>): string | false {
  for (const preferred of ['mcp', 'jsonrpc']) if (offered.has(preferred)) return preferred;
  const [first] = offered;
  return first ?? false;
}
