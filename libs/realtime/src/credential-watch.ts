import type { TokenCredentialVerifier } from '@app/auth';
import type { EventEnvelope, EventName } from '@app/events';
import type { AuthenticatedUser } from '@app/security';

function is<K extends EventName>(event: EventEnvelope, name: K): event is EventEnvelope<K> {
  return event.name === name;
}

/** The events that can take rights away; any other event is not looked at twice. */
export const REVOKING_EVENTS: ReadonlySet<string> = new Set(['session.revoked', 'user.tokens.revoked', 'user.updated', 'apikey.revoked', 'apikey.updated']);

/**
 * Whether an event may have taken away what a live connection was opened with: its login session
 * revoked, the user's tokens refused or record changed (roles, permissions, status), or an API key
 * of theirs revoked or limited to other addresses. Such a connection has its credential checked again; others are left alone.
 */
export function mayRevoke(user: AuthenticatedUser, event: EventEnvelope): boolean {
  if (is(event, 'session.revoked')) return user.sessionId !== undefined && event.payload.sessionIds.includes(user.sessionId);
  if (is(event, 'user.tokens.revoked') || is(event, 'user.updated')) return event.payload.userId === user.id;
  if (is(event, 'apikey.revoked') || is(event, 'apikey.updated')) return user.via === 'api-key' && event.payload.userId === user.id;
  return false;
}

/** Same roles and permissions, in any order: the connection may keep acting as before. */
export function sameRights(before: AuthenticatedUser, now: AuthenticatedUser): boolean {
  return sameSet(before.roles, now.roles) && sameSet(before.permissions, now.permissions);
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((item) => right.has(item));
}

/**
 * Whether a live connection (a WebSocket, an event stream) opened with `authorization` as `user`
 * may still act as opened: the check a new request would get, but for a login's token past its
 * `exp` (the connection lives as long as the login session). `reason` says why not; `now` is
 * the caller as the credential stands for it when it still holds (an API key's expiry may have moved).
 */
export async function recheckCredential(verifier: TokenCredentialVerifier, user: AuthenticatedUser, authorization: string, address: string | undefined): Promise<{ reason: string | null; now?: AuthenticatedUser }> {
  try {
    const now = await verifier.recheckAuthorization(authorization, address);
    if (!now || now.id !== user.id) return { reason: 'credentials revoked' };
    return sameRights(user, now) ? { reason: null, now } : { reason: 'rights changed: reconnect' };
  } catch (error) {
    return { reason: `credentials revoked: ${error instanceof Error ? error.message : 'refused'}` };
  }
}

// setTimeout's longest delay (about 24.8 days): a later expiry is re-armed when this one fires.
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Calls `recheck` once the credential's expiry (an API key's) has passed, so a live connection
 * does not outlive the key it was opened with; returns what disarms it. Nothing for credentials
 * without one (a login session's connection lives as long as the session).
 */
export function atExpiry(user: AuthenticatedUser, recheck: () => void): () => void {
  if (user.expiresAt === undefined) return () => undefined;
  const timer = setTimeout(recheck, Math.min(Math.max(0, user.expiresAt - Date.now()) + 100, MAX_TIMER_MS));
  timer.unref();
  return () => clearTimeout(timer);
}
