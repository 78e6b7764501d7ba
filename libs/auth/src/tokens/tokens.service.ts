import { ApiError } from '@app/common';
import { AppConfig } from '@app/config';
import { SecretBox } from '@app/security';
import { Injectable } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource, In, IsNull, type Repository } from 'typeorm';
import { JwtService, type AccessSubject } from '../jwt/jwt.service';
import { RefreshTokenEntity } from './refresh-token.entity';

export const REFRESH_TOKEN_PREFIX = 'mcp_rt_';

export interface IssuedTokens {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly expiresIn: number;
  readonly tokenType: 'Bearer';
}

/** What an OAuth grant adds to a token pair: the client it is bound to and the scope it keeps. */
export interface ClientGrant {
  readonly clientId: string;
  /** null: every permission the user holds. */
  readonly scope: readonly string[] | null;
  /** The client's registered name, shown with the session it signs in. */
  readonly clientName?: string | null;
}

export type RefreshOutcome =
  | { readonly kind: 'rotated'; readonly sessionId: string; readonly userId: string; readonly familyId: string; readonly scope: readonly string[] | null }
  | { readonly kind: 'reused'; readonly sessionId: string; readonly userId: string; readonly familyId: string }
  | { readonly kind: 'invalid' | 'expired' | 'revoked' | 'beyond-grant' };

/** Access tokens (JWT) and refresh tokens (opaque, single use, rotated within a family). */
@Injectable()
export class TokensService {
  private readonly refreshTokens: Repository<RefreshTokenEntity>;

  constructor(
    dataSource: DataSource,
    private readonly jwt: JwtService,
    private readonly secrets: SecretBox,
    private readonly config: AppConfig,
  ) {
    this.refreshTokens = dataSource.getRepository(RefreshTokenEntity);
  }

  /** A new pair for a session; `familyId` continues a rotation chain, or starts one. */
  async issue(subject: AccessSubject, familyId: string = randomUUID(), grant: ClientGrant | null = null): Promise<IssuedTokens> {
    const refreshToken = `${REFRESH_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    await this.refreshTokens.insert({
      tokenHash: this.secrets.mac(refreshToken),
      familyId,
      sessionId: subject.sid,
      userId: subject.sub,
      clientId: grant?.clientId ?? null,
      scope: grant?.scope ? [...grant.scope] : null,
      expiresAt: new Date(Date.now() + this.config.refreshTokenTtlSeconds * 1000),
    });
    // A token an OAuth client holds says so: it acts within its grant, never on the account's credentials.
    const accessToken = this.jwt.sign(grant ? Object.assign({ client_id: grant.clientId }, subject) : subject);
    return { accessToken, refreshToken, expiresIn: this.jwt.expiresIn, tokenType: 'Bearer' };
  }

  /**
   * Spends a refresh token. Exactly one caller can spend it (an atomic claim); anyone presenting it
   * afterwards is told `reused`, and the caller must then revoke the family and the session.
   * A token issued to an OAuth client is spent only by that client (`clientId`), and a narrower
   * scope it asks for is checked before the claim, so a refused request costs the client nothing.
   */
  async spend(refreshToken: string, clientId: string | null = null, within: (granted: readonly string[] | null) => boolean = () => true): Promise<RefreshOutcome> {
    if (!refreshToken.startsWith(REFRESH_TOKEN_PREFIX) || refreshToken.length > 128) return { kind: 'invalid' };
    const token = await this.refreshTokens.findOne({ where: { tokenHash: In(this.secrets.macs(refreshToken)) } });
    if (!token || token.clientId !== clientId) return { kind: 'invalid' };
    if (token.revokedAt) return { kind: 'revoked' };
    if (!within(token.scope)) return { kind: 'beyond-grant' };
    const owner = { sessionId: token.sessionId, userId: token.userId, familyId: token.familyId };
    const claimed = await this.refreshTokens.update({ id: token.id, usedAt: IsNull() }, { usedAt: () => 'now()' });
    if (claimed.affected !== 1) return { kind: 'reused', ...owner };
    if (token.expiresAt.getTime() <= Date.now()) return { kind: 'expired' };
    return { kind: 'rotated', ...owner, scope: token.scope };
  }

  /** The session a refresh token issued to `clientId` belongs to (spent or not); undefined otherwise. */
  async sessionOfClientToken(refreshToken: string, clientId: string): Promise<string | undefined> {
    if (!refreshToken.startsWith(REFRESH_TOKEN_PREFIX) || refreshToken.length > 128) return undefined;
    return (await this.refreshTokens.findOne({ where: { tokenHash: In(this.secrets.macs(refreshToken)), clientId } }))?.sessionId;
  }

  /** Whether a session was signed in through `clientId`. */
  async sessionHeldBy(sessionId: string, clientId: string): Promise<boolean> {
    return (await this.refreshTokens.count({ where: { sessionId, clientId }, take: 1 })) > 0;
  }

  async revokeFamily(familyId: string): Promise<void> {
    await this.refreshTokens.update({ familyId, revokedAt: IsNull() }, { revokedAt: () => 'now()' });
  }

  async revokeSession(sessionId: string): Promise<void> {
    await this.refreshTokens.update({ sessionId, revokedAt: IsNull() }, { revokedAt: () => 'now()' });
  }
}

export function refreshFailure(outcome: RefreshOutcome['kind']): ApiError {
  switch (outcome) {
    case 'expired':
      return ApiError.unauthorized('Refresh token has expired', 'TOKEN_EXPIRED');
    case 'revoked':
    case 'reused':
      return ApiError.unauthorized('Refresh token has been revoked', 'TOKEN_REVOKED');
    case 'beyond-grant':
      return ApiError.validation('The scope asked for is wider than the refresh token was granted');
    default:
      return ApiError.unauthorized('Invalid refresh token');
  }
}
