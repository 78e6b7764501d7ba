const MAX_URI_LENGTH = 2000;
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
// Schemes a native app may not claim: they run code, read files or leave the app's hands.
const REFUSED_SCHEMES = new Set(['javascript:', 'data:', 'file:', 'vbscript:', 'blob:', 'about:', 'filesystem:', 'view-source:', 'ftp:', 'ws:', 'wss:', 'mailto:', 'tel:', 'sms:']);
const SCHEME = /^[a-z][a-z0-9+.-]*:$/;

/** C0 controls, DEL and (for URIs) spaces: never part of a value a client registers. */
export function hasControlCharacters(text: string, spaceToo = false): boolean {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 0x20 || code === 0x7f || (spaceToo && /\s/.test(text[index]))) return true;
  }
  return false;
}

function parse(uri: string): URL | undefined {
  try {
    return new URL(uri);
  } catch {
    return undefined;
  }
}

function isLoopback(url: URL): boolean {
  return url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname);
}

/**
 * Why a redirect URI may not be registered, or undefined when it may: https, a loopback http
 * address (RFC 8252 §7.3) or a native app's own scheme (§7.1); never a fragment or credentials.
 */
export function redirectUriProblem(uri: string): string | undefined {
  if (uri.length === 0 || uri.length > MAX_URI_LENGTH) return `must be 1 to ${MAX_URI_LENGTH} characters`;
  if (hasControlCharacters(uri, true)) return 'must not contain spaces or control characters';
  if (uri.includes('#')) return 'must not contain a fragment';
  const url = parse(uri);
  if (!url) return 'is not an absolute URI';
  if (url.username !== '' || url.password !== '') return 'must not contain credentials';
  if (url.protocol === 'https:') return url.hostname === '' ? 'must name a host' : undefined;
  if (url.protocol === 'http:') return isLoopback(url) ? undefined : 'http is allowed only for localhost, 127.0.0.1 and [::1]; use https';
  if (!SCHEME.test(url.protocol) || REFUSED_SCHEMES.has(url.protocol)) return `the scheme ${url.protocol} is not allowed`;
  return uri.length > url.protocol.length ? undefined : 'must not be a bare scheme';
}

/** The registered URI a request's redirect_uri stands for: exact, or a loopback one on any port. */
export function matchRedirectUri(registered: readonly string[], requested: string): string | undefined {
  if (registered.includes(requested)) return requested;
  const asked = parse(requested);
  if (!asked || !isLoopback(asked) || requested.includes('#') || asked.username !== '' || asked.password !== '') return undefined;
  const portless = (url: URL): string => `${url.protocol}//${url.hostname}${url.pathname}${url.search}`;
  return registered.some((uri) => {
    const known = parse(uri);
    return known !== undefined && isLoopback(known) && portless(known) === portless(asked);
  })
    ? requested
    : undefined;
}

/** What the sign-in page's form may be sent on to: the redirect URI's origin, or its scheme. */
export function formActionSource(redirectUri: string): string {
  const url = new URL(redirectUri);
  return url.protocol === 'https:' || url.protocol === 'http:' ? url.origin : url.protocol;
}

/** The redirect URI with the answer's parameters added to its query. */
export function withParameters(redirectUri: string, parameters: Readonly<Record<string, string | undefined>>): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(parameters)) if (value !== undefined) url.searchParams.set(name, value);
  return url.toString();
}
