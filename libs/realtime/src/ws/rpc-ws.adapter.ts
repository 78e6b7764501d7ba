import { ApiError, type ErrorEnvelope, requestIdFor } from '@app/common';
import type { AuthenticatedUser } from '@app/security';
import { type INestApplicationContext, Logger } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';
import type { MessageMappingProperties } from '@nestjs/websockets';
import type { Observable } from 'rxjs';
import type WebSocket from 'ws';
import type { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { chooseProtocol, upgradeAuthorization } from './ws-credentials';

export const MAX_FRAME_BYTES = 1024 * 1024;
const UPGRADED = Symbol('wsUpgraded');
const logger = new Logger('WebSocket');

/** Who opened the connection, and the credential they opened it with (checked again when rights change). */
export interface Upgraded {
  readonly user: AuthenticatedUser;
  readonly authorization: string;
}

export interface UpgradeGate {
  /** The caller for these upgrade credentials, or an ApiError (401, 403, 429) to refuse with. */
  admit(authorization: string | undefined, request: IncomingMessage): Promise<AuthenticatedUser>;
}

export function upgraded(request: IncomingMessage): Upgraded | undefined {
  return (request as unknown as Record<symbol, Upgraded | undefined>)[UPGRADED];
}

/** ws's codes for a peer that broke the protocol (bad UTF-8, oversize frame, ...): the client's fault, not ours. */
function isClientFault(error: Error): boolean {
  const code = (error as Error & { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('WS_ERR_');
}

/** Logs a connection's error; ws has already closed it (1007, 1009, ...). */
function logConnectionError(error: Error): void {
  if (isClientFault(error)) logger.debug(`connection closed for a client fault: ${(error as Error & { code: string }).code}: ${error.message}`);
  else logger.error(error);
}

/**
 * A refused upgrade as any refused request is answered: the status, the error's own headers
 * (`Retry-After`, `X-RateLimit-*`), and the JSON envelope rather than ws's bare text.
 */
export function upgradeRefusal(error: unknown, request: IncomingMessage): { status: number; body: string; headers: Record<string, string> } {
  const refusal = error instanceof ApiError ? error : ApiError.unauthorized();
  const requestId = requestIdFor(request);
  const envelope: ErrorEnvelope = { error: refusal.code, message: refusal.message, timestamp: new Date().toISOString(), requestId };
  return {
    status: refusal.status,
    body: JSON.stringify(envelope),
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'X-Request-ID': requestId, ...refusal.headers, ...(refusal.status === 401 ? { 'WWW-Authenticate': 'Bearer' } : {}) },
  };
}

/**
 * The Nest WebSocket adapter with our rules at the door: the upgrade is authenticated before it
 * is accepted (a refusal is an HTTP 401, not an accepted-then-closed socket), frames are capped,
 * and every frame reaches the one JSON-RPC handler through a parser that never throws.
 */
export class RpcWsAdapter extends WsAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly gate: UpgradeGate,
  ) {
    super(app, { messageParser: (data: unknown) => ({ event: 'rpc', data: Buffer.isBuffer(data) ? data.toString('utf8') : String(data) }) });
  }

  override create(port: number, options: Record<string, unknown> = {}): ReturnType<WsAdapter['create']> {
    return super.create(port, {
      ...options,
      maxPayload: MAX_FRAME_BYTES,
      perMessageDeflate: false,
      handleProtocols: (offered: Set<string>) => chooseProtocol(offered),
      verifyClient: (info: { req: IncomingMessage }, done: (ok: boolean, status?: number, message?: string, headers?: Record<string, string>) => void) => {
        const authorization = upgradeAuthorization(info.req);
        this.gate
          .admit(authorization, info.req)
          .then((user) => {
            (info.req as unknown as Record<symbol, Upgraded>)[UPGRADED] = { user, authorization: authorization ?? '' };
            done(true);
          })
          .catch((error: unknown) => {
            const { status, body, headers } = upgradeRefusal(error, info.req);
            done(false, status, body, headers);
          });
      },
    });
  }

  /**
   * Every frame goes straight to the gateway's one handler (still wrapped by Nest: guards, pipes,
   * exception filters), which sends its own reply. Nest's adapter ran each frame through an RxJS
   * pipeline (fromEvent, mergeMap, filter) to do the same: about a tenth of the /ws main thread.
   */
  override bindMessageHandlers(client: WebSocket, handlers: MessageMappingProperties[], transform: (data: unknown) => Observable<unknown>): void {
    const rpc = handlers.find((handler) => handler.message === 'rpc');
    if (!rpc || handlers.length !== 1) {
      super.bindMessageHandlers(client, handlers, transform);
      return;
    }
    client.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => {
      const text = Buffer.isBuffer(data) ? data.toString('utf8') : Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data).toString('utf8');
      void Promise.resolve(rpc.callback(text, 'rpc')).catch((error: unknown) => logger.error(error));
    });
  }

  /** As Nest's, but a client's protocol fault is not logged as a server error. */
  override bindErrorHandler<S extends EventEmitter>(server: S): S {
    server.on('connection', (socket: EventEmitter) => socket.on('error', logConnectionError));
    server.on('error', (error: Error) => logger.error(error));
    return server;
  }
}
