import { type ClientRegistration, registrationOf } from './client-registration';
import { OAuthError } from './oauth-error';
import { hasControlCharacters } from './redirect-uris';

/** What a metadata document may weigh: a client's name and a few redirect URIs fit many times over. */
export const MAX_DOCUMENT_BYTES = 16 * 1024;
const MAX_URL_LENGTH = 2000;
const MIN_FRESH_MS = 5 * 60_000;
const DEFAULT_FRESH_MS = 60 * 60_000;
const MAX_FRESH_MS = 24 * 60 * 60_000;
// No shared secret can be agreed through a public document: clients known this way are public, or
// prove themselves with a key whose public half the document gives (private_key_jwt).
const METADATA_RULES = { defaultAuthMethod: 'none', authMethods: ['none', 'private_key_jwt'] } as const;
const SECRET_FIELDS = ['client_secret', 'client_secret_expires_at'];

/** Whether a client_id is meant as the URL of a metadata document rather than a registered id. */
export function isMetadataClientId(clientId: string): boolean {
  return clientId.startsWith('https://');
}

/**
 * Why a client_id cannot be the URL of a metadata document, or undefined when it can: https with a
 * path, no fragment, no credentials, and written as the URL parser writes it (so no dot segments,
 * no default port, a lower-case host), since the document must name the very same string.
 */
export function metadataUrlProblem(clientId: string): string | undefined {
  if (clientId.length > MAX_URL_LENGTH) return `must be at most ${MAX_URL_LENGTH} characters`;
  if (hasControlCharacters(clientId, true)) return 'must not contain spaces or control characters';
  let url: URL;
  try {
    url = new URL(clientId);
  } catch {
    return 'is not a URL';
  }
  if (url.protocol !== 'https:') return 'must be an https URL';
  if (url.username !== '' || url.password !== '') return 'must not contain credentials';
  if (clientId.includes('#')) return 'must not contain a fragment';
  if (url.pathname === '/') return 'must have a path (the document, not the site)';
  if (url.href !== clientId) return `must be written in normal form (${url.href})`;
  return undefined;
}

/** Whether the configuration takes documents from this URL's host: `host`, `host:port`, `*.domain`; none listed, any. */
export function hostAccepted(url: URL, hosts: readonly string[]): boolean {
  if (hosts.length === 0) return true;
  return hosts.some((entry) => {
    if (entry.startsWith('*.')) return url.hostname.endsWith(entry.slice(1));
    return entry.includes(':') ? url.host === entry : url.hostname === entry;
  });
}

/** The listed hosts the SSRF guard lets through even when they resolve to private addresses: the exact ones. */
export function privateHostsAllowed(hosts: readonly string[]): string[] {
  return hosts.filter((entry) => !entry.startsWith('*.'));
}

/**
 * What a fetched document says of its client, checked as a registration is and by the rules of
 * Client ID Metadata Documents: it names its own URL as client_id, and holds no secret.
 */
export function documentRegistration(document: unknown, url: string): ClientRegistration {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) throw new OAuthError('invalid_client_metadata', 'the document is not a JSON object');
  const fields = document as Record<string, unknown>;
  if (fields.client_id !== url) throw new OAuthError('invalid_client_metadata', 'its client_id is not the URL it was fetched from');
  const secret = SECRET_FIELDS.find((field) => field in fields);
  if (secret) throw new OAuthError('invalid_client_metadata', `it must not hold ${secret}: a public document cannot keep a secret`);
  return registrationOf(document, METADATA_RULES);
}

/** Until when a document may be used without fetching it again: its `Cache-Control`, within 5 minutes and a day. */
export function freshUntil(cacheControl: string | undefined, now: number): Date {
  const directives = (cacheControl ?? '').toLowerCase();
  const maxAge = /(?:^|[,\s])max-age\s*=\s*"?(\d+)/.exec(directives);
  const wanted = /no-store|no-cache/.test(directives) ? 0 : maxAge ? Number(maxAge[1]) * 1000 : DEFAULT_FRESH_MS;
  return new Date(now + Math.min(MAX_FRESH_MS, Math.max(MIN_FRESH_MS, wanted)));
}
