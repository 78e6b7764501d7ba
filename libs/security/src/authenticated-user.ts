import { ApiError, noteApiKey } from '@app/common';
import type { FastifyRequest } from 'fastify';

/** The caller, as every door sees it once credentials are verified. */
export interface AuthenticatedUser {
  readonly id: string;
  readonly email: string;
  readonly roles: readonly string[];
  readonly permissions: readonly string[];
  readonly sessionId?: string;
  readonly via: 'jwt' | 'api-key';
  /** The OAuth client acting for the user with a token it was granted (absent: the user's own sign-in). */
  readonly clientId?: string;
  /** When an API key with an expiry stops working (ms since the epoch); live connections opened with it close then. */
  readonly expiresAt?: number;
  /** The API key it authenticated with (via `api-key`). */
  readonly apiKeyId?: string;
}

/**
 * The account's credentials (API keys, MFA, password, the applications let in) are managed only
 * with its own sign-in: a leaked API key, or an application acting within its grant, must not mint
 * a key that outlives the grant, turn MFA off or on, or let itself or others in.
 */
export function requireOwnSignIn(user: AuthenticatedUser, what: string): void {
  if (user.via !== 'jwt' || user.clientId !== undefined) throw ApiError.forbidden(`${what} with a login session of the account itself, not with an API key or a token an application holds`);
}

/**
 * Turns a request's credentials into a user. Identity binds the real one; with none bound every
 * protected route answers 401 (deny by default).
 */
export abstract class CredentialVerifier {
  /** null: no credentials presented. Throws ApiError(401) for bad ones. */
  abstract verify(request: FastifyRequest): Promise<AuthenticatedUser | null>;
}

/**
 * What a user holds now (roles and explicit grants), whatever a token in hand was narrowed to:
 * whether asking for a wider grant would help (MCP step-up). Identity binds it.
 */
export abstract class PermissionLookup {
  abstract heldBy(userId: string): Promise<readonly string[]>;
}

const USER = Symbol('authenticatedUser');

export function attachUser(request: FastifyRequest, user: AuthenticatedUser): void {
  (request as unknown as Record<symbol, AuthenticatedUser>)[USER] = user;
  if (user.apiKeyId) noteApiKey(request, user.apiKeyId);
}

export function userOf(request: FastifyRequest): AuthenticatedUser | undefined {
  return (request as unknown as Record<symbol, AuthenticatedUser | undefined>)[USER];
}

/** `admin:*` style wildcards: a held `filesystem:*` grants `filesystem:read`; `*` grants all. */
export function holdsPermission(held: readonly string[], required: string): boolean {
  if (held.includes(required) || held.includes('*')) return true;
  const [action] = required.split(':');
  return held.includes(`${action}:*`) || held.includes('admin:*');
}

/** An admin sees and may do everything (`admin:*` grants every permission). */
export function isAdmin(user: AuthenticatedUser): boolean {
  return holdsPermission(user.permissions, 'admin:*');
}
