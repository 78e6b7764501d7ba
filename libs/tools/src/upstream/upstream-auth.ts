/** How the gateway authenticates to an upstream, secrets unsealed (the API's UpstreamAuth). */
export type UpstreamAuthSettings =
  | { readonly type: 'none' }
  | { readonly type: 'api_key'; readonly key: string; readonly header: string; readonly prefix: string }
  | {
      readonly type: 'oauth2';
      readonly tokenUrl: string;
      readonly clientId: string;
      readonly clientSecret: string;
      readonly clientAuthMethod?: 'client_secret_basic' | 'client_secret_post';
      readonly scopes?: readonly string[];
      readonly resource?: string;
    };

const TOKEN_TIMEOUT_MS = 10_000;
const MAX_TOKEN_RESPONSE_BYTES = 64 * 1024;
/** A token answered without expires_in is used for this long (RFC 6749 leaves it to the server's documentation). */
const ASSUMED_LIFETIME_MS = 5 * 60_000;
const MAX_REFRESH_MARGIN_MS = 60_000;

interface Token {
  readonly value: string;
  /** When to fetch the next one: before it expires, by a tenth of its life (at most a minute). */
  readonly refreshAt: number;
}

/** Why no token could be had, in words an admin can act on (never the secret). */
export class TokenEndpointError extends Error {}

function tokenError(status: number, body: unknown): TokenEndpointError {
  const answer = (body ?? {}) as { error?: unknown; error_description?: unknown };
  const code = typeof answer.error === 'string' ? answer.error.slice(0, 100) : undefined;
  const description = typeof answer.error_description === 'string' ? answer.error_description.slice(0, 200) : undefined;
  const why = [code, description].filter(Boolean).join(': ');
  return new TokenEndpointError(`the token endpoint answered HTTP ${status}${why ? ` (${why})` : ''}`);
}

async function boundedJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (Buffer.byteLength(text) > MAX_TOKEN_RESPONSE_BYTES) throw new TokenEndpointError('the token endpoint answered more than 64 KiB');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * The headers an upstream request carries for the server's `auth`. For oauth2, a token from the
 * client credentials grant, shared by every request until shortly before it expires, fetched once
 * however many requests wait for it, and dropped on demand (the upstream answered 401).
 */
export class UpstreamCredentials {
  private token?: Token;
  private fetching?: Promise<Token>;

  constructor(
    private readonly auth: UpstreamAuthSettings | undefined,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  /** Whether a 401 from the upstream is worth one more try with a new token. */
  get renewable(): boolean {
    return this.auth?.type === 'oauth2';
  }

  async headers(): Promise<Record<string, string>> {
    const auth = this.auth;
    if (!auth || auth.type === 'none') return {};
    if (auth.type === 'api_key') return { [auth.header]: auth.prefix ? `${auth.prefix} ${auth.key}` : auth.key };
    return { Authorization: `Bearer ${(await this.current(auth)).value}` };
  }

  /** Forgets the token, so that the next request fetches another. */
  invalidate(): void {
    this.token = undefined;
  }

  private current(auth: Extract<UpstreamAuthSettings, { type: 'oauth2' }>): Promise<Token> {
    if (this.token && Date.now() < this.token.refreshAt) return Promise.resolve(this.token);
    this.fetching ??= this.fetchToken(auth)
      .then((token) => (this.token = token))
      .finally(() => (this.fetching = undefined));
    return this.fetching;
  }

  private async fetchToken(auth: Extract<UpstreamAuthSettings, { type: 'oauth2' }>): Promise<Token> {
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (auth.scopes && auth.scopes.length > 0) form.set('scope', auth.scopes.join(' '));
    if (auth.resource) form.set('resource', auth.resource);
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
    if (auth.clientAuthMethod === 'client_secret_post') {
      form.set('client_id', auth.clientId);
      form.set('client_secret', auth.clientSecret);
    } else {
      // client_secret_basic: both parts form-encoded first (RFC 6749, section 2.3.1).
      headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(auth.clientId)}:${encodeURIComponent(auth.clientSecret)}`).toString('base64')}`;
    }
    let response: Response;
    try {
      response = await this.fetchImpl(auth.tokenUrl, {
        method: 'POST',
        headers,
        body: form.toString(),
        redirect: 'error',
        signal: AbortSignal.timeout(TOKEN_TIMEOUT_MS),
      });
    } catch (error) {
      const cause = (error as Error & { cause?: Error }).cause;
      throw new TokenEndpointError(`the token endpoint could not be reached: ${(cause ?? (error as Error)).message}`);
    }
    const body = await boundedJson(response);
    if (!response.ok) throw tokenError(response.status, body);
    const answer = (body ?? {}) as { access_token?: unknown; token_type?: unknown; expires_in?: unknown };
    if (typeof answer.access_token !== 'string' || answer.access_token === '') throw new TokenEndpointError('the token endpoint answered no access_token');
    if (typeof answer.token_type !== 'string' || answer.token_type.toLowerCase() !== 'bearer') throw new TokenEndpointError('the token endpoint answered a token that is not a Bearer token');
    // RFC 6750's b64token: anything else could not go into a header as it is.
    if (!/^[A-Za-z0-9\-._~+/]+=*$/.test(answer.access_token)) throw new TokenEndpointError('the token endpoint answered an access_token that cannot be sent as a Bearer token');
    const lifetimeMs = typeof answer.expires_in === 'number' && answer.expires_in > 0 ? answer.expires_in * 1000 : ASSUMED_LIFETIME_MS;
    return { value: answer.access_token, refreshAt: Date.now() + lifetimeMs - Math.min(MAX_REFRESH_MARGIN_MS, lifetimeMs / 10) };
  }
}
