import { ApiError } from '@app/common';
import type { AuthenticatedUser } from '@app/security';
import type { INestApplicationContext } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';
import type { IncomingMessage } from 'node:http';
import { chooseProtocol, upgradeAuthorization } from './ws-credentials';

export const MAX_FRAME_BYTES = 1024 * 1024;
const USER = Symbol('wsUser');

export interface UpgradeGate {
  /** The caller for these upgrade credentials, or an ApiError (401, 429) to refuse with. */
  admit(authorization: string | undefined): Promise<AuthenticatedUser>;
}

export function upgradedUser(request: IncomingMessage): AuthenticatedUser | undefined {
  return (request as unknown as Record<symbol, AuthenticatedUser | undefined>)[USER];
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
        this.gate
          .admit(upgradeAuthorization(info.req))
          .then((user) => {
            (info.req as unknown as Record<symbol, AuthenticatedUser>)[USER] = user;
            done(true);
          })
          .catch((error: unknown) => {
            const status = error instanceof ApiError ? error.status : 401;
            done(false, status, error instanceof ApiError ? error.message : 'Unauthorized', status === 401 ? { 'WWW-Authenticate': 'Bearer' } : {});
          });
      },
    });
  }
}
