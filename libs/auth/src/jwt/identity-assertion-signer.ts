import { AppConfig } from '@app/config';
import { type AssertionPurpose, type AuthenticatedUser, IdentityAssertions } from '@app/security';
import { Injectable } from '@nestjs/common';
import { randomUUID, sign } from 'node:crypto';
import { JwtKeys } from './jwt-keys';

/** Long enough for one request to reach its service, short enough that a leaked one is soon worthless. */
export const ASSERTION_TTL_SECONDS = 60;

const encode = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * Identity assertions as RS256 JWTs signed with the access tokens' key, so a service checks them
 * with the same published keys. `token_use: "identity"` and their audience keep them from ever
 * passing as an access token to this gateway.
 */
@Injectable()
export class IdentityAssertionSigner extends IdentityAssertions {
  constructor(
    private readonly keys: JwtKeys,
    private readonly config: AppConfig,
  ) {
    super();
  }

  assert(caller: AuthenticatedUser, purpose: AssertionPurpose): string {
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      iss: this.config.jwtIssuer,
      aud: purpose.audience,
      sub: caller.id,
      email: caller.email,
      roles: [...caller.roles],
      ...(caller.clientId ? { client_id: caller.clientId } : {}),
      tool: purpose.tool,
      execution_id: purpose.executionId,
      jti: randomUUID(),
      iat: now,
      exp: now + ASSERTION_TTL_SECONDS,
      token_use: 'identity',
    };
    const input = `${encode({ alg: 'RS256', typ: 'JWT', kid: this.keys.signingKid })}.${encode(claims)}`;
    return `${input}.${sign('sha256', Buffer.from(input), this.keys.signingKey).toString('base64url')}`;
  }
}
