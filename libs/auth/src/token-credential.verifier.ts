import { ApiError, requestAddress } from '@app/common';
import { type AuthenticatedUser, CredentialVerifier, SessionRevocations } from '@app/security';
import { SessionsService } from '@app/sessions';
import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { API_KEY_PREFIX, ApiKeysService } from './api-keys/api-keys.service';
import { JwtService } from './jwt/jwt.service';

/**
 * `Authorization: Bearer <access token>`, `Bearer <API key>` or `ApiKey <API key>`. The JWT path
 * does no I/O: the signature against a pre-parsed key and the revocation check against memory.
 */
@Injectable()
export class TokenCredentialVerifier extends CredentialVerifier {
  constructor(
    private readonly jwt: JwtService,
    private readonly apiKeys: ApiKeysService,
    private readonly revocations: SessionRevocations,
    private readonly sessions: SessionsService,
  ) {
    super();
  }

  verify(request: FastifyRequest): Promise<AuthenticatedUser | null> {
    return this.verifyAuthorization(request.headers.authorization, requestAddress(request));
  }

  /**
   * The same check for any door that has an Authorization value (WebSocket upgrade, MCP);
   * `address` is the client's, for API keys limited to some addresses. A request spends from an API
   * key's own limit, unless `spend` is false. Live connections are checked again with recheckAuthorization.
   */
  verifyAuthorization(header: string | undefined, address: string | undefined, spend = true): Promise<AuthenticatedUser | null> {
    return this.check(header, address, spend, false);
  }

  /**
   * The check again of a live connection (a WebSocket, an event stream) admitted with `header`,
   * when something may have taken its rights away: as a request's, spending nothing, except that
   * a login's token past its `exp` still holds while its session is active. Such a connection
   * lives as long as the login session, not the token's hour; signature, claims, revocations and
   * the rights floor are judged as ever.
   */
  recheckAuthorization(header: string, address: string | undefined): Promise<AuthenticatedUser | null> {
    return this.check(header, address, false, true);
  }

  private async check(header: string | undefined, address: string | undefined, spend: boolean, admitted: boolean): Promise<AuthenticatedUser | null> {
    if (header === undefined || header === '') return null;
    const space = header.indexOf(' ');
    const scheme = space > 0 ? header.slice(0, space).toLowerCase() : '';
    const credential = space > 0 ? header.slice(space + 1).trim() : '';
    if (credential === '') throw ApiError.unauthorized('Malformed Authorization header');
    if (scheme === 'apikey' || (scheme === 'bearer' && credential.startsWith(API_KEY_PREFIX))) {
      const user = await this.apiKeys.authenticate(credential, address, spend);
      if (!user) throw ApiError.unauthorized('Invalid, expired or revoked API key');
      return user;
    }
    if (scheme !== 'bearer') throw ApiError.unauthorized(`Unsupported authorization scheme '${scheme}'`);
    const claims = this.jwt.verify(credential, { ignoreExpiry: admitted });
    if (this.revocations.isRevoked(claims.sid)) throw ApiError.unauthorized('This session has ended', 'TOKEN_REVOKED');
    if (this.revocations.issuedBeforeFloor(claims.sub, typeof claims.iat_ms === 'number' ? claims.iat_ms : claims.iat * 1000)) {
      throw ApiError.unauthorized('Your roles or status changed: sign in again or refresh', 'TOKEN_REVOKED');
    }
    // Revocations are remembered only while a token could still be presented (its TTL): past its
    // exp, the session itself must still be active.
    if (admitted && claims.exp * 1000 <= Date.now() && !(await this.sessions.findActive(claims.sid))) throw ApiError.unauthorized('This session has ended', 'TOKEN_REVOKED');
    return { id: claims.sub, email: claims.email, roles: claims.roles, permissions: claims.permissions, sessionId: claims.sid, via: 'jwt', clientId: claims.client_id };
  }
}
