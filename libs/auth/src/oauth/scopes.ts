import { holdsPermission } from '@app/security';

const MAX_SCOPES = 64;
const MAX_SCOPE_LENGTH = 128;
// RFC 6749 §3.3: a scope token is printable ASCII without space, `"` and `\`.
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/** The scopes of a `scope` parameter; null when absent; undefined when malformed. */
export function parseScope(value: string | undefined): string[] | null | undefined {
  if (value === undefined) return null;
  const scopes = [...new Set(value.split(' ').filter((scope) => scope !== ''))];
  if (scopes.length === 0) return null;
  if (scopes.length > MAX_SCOPES || scopes.some((scope) => scope.length > MAX_SCOPE_LENGTH || !SCOPE_TOKEN.test(scope))) return undefined;
  return scopes;
}

/**
 * What a grant may carry: the requested scopes the user holds (wildcards included), as for API
 * keys; all the user holds when nothing was asked for.
 */
export function grantedScope(held: readonly string[], requested: readonly string[] | null): string[] {
  return requested === null ? [...held] : requested.filter((scope) => holdsPermission(held, scope));
}

/** A narrower scope asked for at refresh must stay inside what was granted (null: everything held). */
export function withinGrant(granted: readonly string[] | null, requested: readonly string[]): boolean {
  return granted === null || requested.every((scope) => holdsPermission(granted, scope));
}
