import type { EventEnvelope } from '@app/events';
import { type AuthenticatedUser, isAdmin } from '@app/security';

/**
 * The events clients may follow (WebSocket `subscribe`, SSE `types`); `*` is all of them.
 * `upstream.tools.changed` and the server and circuit events name no user: admins only;
 * `upstream.credentials.found` its caller and admins.
 */
export const PUBLIC_EVENTS: ReadonlySet<string> = new Set(['tool.executed', 'context.created', 'context.updated', 'context.deleted', 'session.terminated', 'user.created', 'user.security', 'error', 'upstream.tools.changed', 'upstream.credentials.found', 'server.connected', 'server.disconnected', 'server.error', 'circuit.opened', 'circuit.closed', '*']);

/** Admins see every event; anyone else only events about themselves, and never sign-ups. */
export function visibleTo(user: AuthenticatedUser, event: EventEnvelope): boolean {
  if (isAdmin(user)) return true;
  const payload = event.payload as { userId?: string };
  return event.name !== 'user.created' && payload.userId === user.id;
}

export function followed(names: ReadonlySet<string>, event: EventEnvelope): boolean {
  return PUBLIC_EVENTS.has(event.name) && (names.has(event.name) || names.has('*'));
}
