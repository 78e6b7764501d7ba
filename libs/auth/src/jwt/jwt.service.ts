import { ApiError } from '@app/common';
import { AppConfig } from '@app/config';
import { Injectable } from '@nestjs/common';
import { randomUUID, sign, verify } from 'node:crypto';
import { JwtKeys } from './jwt-keys';

export interface AccessClaims {
  readonly iss: string;
  readonly aud: string;
  readonly sub: string;
  readonly email: string;
  readonly roles: string[];
  readonly permissions: string[];
  readonly sid: string;
  readonly jti: string;
  readonly iat: number;
  readonly exp: number;
  /** `iat` in milliseconds: a change of rights at 10.4 s must refuse a token issued at 10.2 s only. */
  readonly iat_ms?: number;
  /** Marks the token kind, so no other token we sign can pass as an access token. */
  readonly token_use: 'access';
  /** RFC 9068: the OAuth client the token was issued to (absent: the account's own sign-in). */
  readonly client_id?: string;
}

export type AccessSubject = Pick<AccessClaims, 'sub' | 'email' | 'roles' | 'permissions' | 'sid' | 'client_id'>;

const MAX_TOKEN_LENGTH = 8192;
const VERIFIED_CACHE_MAX = 10_000;
// 43 base64url characters: the last 256 bits of an RS256 signature.
const VERIFIED_KEY_CHARS = 43;
const CLOCK_SKEW_SECONDS = 30;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

function encode(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function decodeJson(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const invalid = (): ApiError => ApiError.unauthorized('Invalid access token');

/**
 * RS256 access tokens. Verification accepts exactly one algorithm and only our own key ids, so
 * `alg: none`, HMAC-with-the-public-key and foreign keys all fail before any signature math.
 */
@Injectable()
export class JwtService {
  // Keyed by the signature's last characters, not the whole token: each request's token is a new
  // string, and hashing all of it for the lookup cost more than the rest of the check. The entry
  // keeps the whole token, and only the very same token is taken from it.
  private readonly verified = new Map<string, { readonly token: string; readonly claims: AccessClaims }>();

  constructor(
    private readonly keys: JwtKeys,
    private readonly config: AppConfig,
  ) {}

  get expiresIn(): number {
    return this.config.accessTokenTtlSeconds;
  }

  sign(subject: AccessSubject): string {
    const nowMs = Date.now();
    const now = Math.floor(nowMs / 1000);
    const claims: AccessClaims = {
      iss: this.config.jwtIssuer,
      aud: this.config.jwtAudience,
      ...subject,
      jti: randomUUID(),
      iat: now,
      iat_ms: nowMs,
      exp: now + this.config.accessTokenTtlSeconds,
      token_use: 'access',
    };
    const input = `${encode({ alg: 'RS256', typ: 'JWT', kid: this.keys.signingKid })}.${encode(claims)}`;
    return `${input}.${sign('sha256', Buffer.from(input), this.keys.signingKey).toString('base64url')}`;
  }

  /**
   * The claims of a valid access token; ApiError(401) otherwise (TOKEN_EXPIRED when only expired).
   * A token is immutable, so a verified one is remembered: repeat requests skip the RSA math, and
   * expiry (like revocation, checked by the caller) is still judged on every call.
   * `ignoreExpiry` is for a connection already admitted with the token, checked again: everything
   * but `exp` must still hold (the caller answers for the login session it belongs to).
   */
  verify(token: string, options: { readonly ignoreExpiry?: boolean } = {}): AccessClaims {
    const key = token.slice(-VERIFIED_KEY_CHARS);
    const known = this.verified.get(key);
    if (known && known.token === token) {
      if (!options.ignoreExpiry && known.claims.exp <= Math.floor(Date.now() / 1000) - CLOCK_SKEW_SECONDS) {
        this.verified.delete(key);
        throw ApiError.unauthorized('Access token has expired', 'TOKEN_EXPIRED');
      }
      return known.claims;
    }
    const claims = this.verifySignedToken(token, options.ignoreExpiry === true);
    if (this.verified.size >= VERIFIED_CACHE_MAX) this.verified.delete(this.verified.keys().next().value as string);
    this.verified.set(key, { token, claims });
    return claims;
  }

  private verifySignedToken(token: string, ignoreExpiry: boolean): AccessClaims {
    if (token.length > MAX_TOKEN_LENGTH) throw invalid();
    const parts = token.split('.');
    if (parts.length !== 3 || !parts.every((part) => BASE64URL.test(part))) throw invalid();
    const [headerPart, payloadPart, signaturePart] = parts;
    const header = decodeJson(headerPart);
    if (!header || header.alg !== 'RS256' || (header.typ !== undefined && header.typ !== 'JWT') || typeof header.kid !== 'string') throw invalid();
    const key = this.keys.verificationKey(header.kid);
    if (!key) throw invalid();
    if (!verify('sha256', Buffer.from(`${headerPart}.${payloadPart}`), key, Buffer.from(signaturePart, 'base64url'))) throw invalid();
    const claims = decodeJson(payloadPart);
    if (!claims || !this.wellFormed(claims)) throw invalid();
    const now = Math.floor(Date.now() / 1000);
    if (claims.iat > now + CLOCK_SKEW_SECONDS) throw invalid();
    if (!ignoreExpiry && claims.exp <= now - CLOCK_SKEW_SECONDS) throw ApiError.unauthorized('Access token has expired', 'TOKEN_EXPIRED');
    return claims;
  }

  private wellFormed(claims: Record<string, unknown>): claims is AccessClaims & Record<string, unknown> {
    const strings = (value: unknown): boolean => Array.isArray(value) && value.every((item) => typeof item === 'string');
    return (
      claims.token_use === 'access' &&
      claims.iss === this.config.jwtIssuer &&
      claims.aud === this.config.jwtAudience &&
      typeof claims.sub === 'string' &&
      typeof claims.sid === 'string' &&
      typeof claims.email === 'string' &&
      typeof claims.jti === 'string' &&
      Number.isInteger(claims.iat) &&
      Number.isInteger(claims.exp) &&
      strings(claims.roles) &&
      strings(claims.permissions) &&
      (claims.client_id === undefined || typeof claims.client_id === 'string')
    );
  }
}
