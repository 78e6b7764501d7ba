import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TokenRequest {
  readonly authorization?: string;
  readonly form: Record<string, string>;
}

export interface TokenEndpoint {
  url: string;
  readonly requests: TokenRequest[];
  /** Seconds answered as expires_in (undefined: none). */
  expiresIn: number | undefined;
  /** What every request gets instead of a token, while set. */
  failWith?: { status: number; body: unknown };
  close(): Promise<undefined>;
}

/** An OAuth token endpoint for the client credentials grant on 127.0.0.1: numbered tokens (`tok-1`, `tok-2`…), or the failure it is told to answer. */
export async function startTokenEndpoint(): Promise<TokenEndpoint> {
  const state: TokenEndpoint = { url: '', requests: [], expiresIn: 3600, failWith: undefined, close: async () => undefined };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      state.requests.push({ authorization: request.headers.authorization, form: Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString())) });
      const answer = state.failWith ?? { status: 200, body: { access_token: `tok-${state.requests.length}`, token_type: 'Bearer', ...(state.expiresIn ? { expires_in: state.expiresIn } : {}) } };
      response.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`;
  state.close = () => new Promise<undefined>((resolve) => server.close(() => resolve(undefined)));
  return state;
}
