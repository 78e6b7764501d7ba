import { TokenCredentialVerifier } from '@app/auth';
import { ApiError, clientAddressOf } from '@app/common';
import { AppConfig } from '@app/config';
import { type AuthenticatedUser, RateLimiter, rateLimitExceeded } from '@app/security';
import { Injectable } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { RpcGateway } from './rpc.gateway';
import type { UpgradeGate } from './rpc-ws.adapter';

/** Who may open a /ws connection: valid credentials (JWT or API key), within the API's budget and under the per-user cap. */
@Injectable()
export class WsUpgradeGate implements UpgradeGate {
  constructor(
    private readonly verifier: TokenCredentialVerifier,
    private readonly gateway: RpcGateway,
    private readonly config: AppConfig,
    private readonly limiter: RateLimiter,
  ) {}

  async admit(authorization: string | undefined, request: IncomingMessage): Promise<AuthenticatedUser> {
    const user = await this.verifier.verifyAuthorization(authorization, clientAddressOf(request, this.config.trustProxy));
    if (!user) throw ApiError.unauthorized();
    // An upgrade writes a session row, and its close ends it: it spends the budget (and key) of a
    // REST request, so opening and closing sockets in a loop is not free.
    const state = await this.limiter.consume(`api:user:${user.id}`, this.limiter.rule('api'));
    if (!state.allowed) throw rateLimitExceeded(state);
    const cap = this.config.realtime.wsMaxConnectionsPerUser;
    if (this.gateway.countFor(user.id) >= cap) throw new ApiError(429, 'RATE_LIMIT_EXCEEDED', `At most ${cap} live connections per user`);
    return user;
  }
}
