import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import type { OAuthClientInformationMixed, OAuthClientMetadata, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import { constants, createHash, generateKeyPairSync, type JsonWebKey, type KeyObject, randomBytes, sign } from 'node:crypto';

/** The Accept header of a browser navigating to a page. */
export const BROWSER = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };
const DEFAULT_CALLBACK = 'http://127.0.0.1:8765/callback';

/** What an MCP client keeps between its steps, in memory, as the SDK's interface asks. */
export class MemoryProvider implements OAuthClientProvider {
  client?: OAuthClientInformationMixed;
  stored?: OAuthTokens;
  verifier = '';
  authorizationUrl?: URL;

  constructor(
    private readonly extra: Partial<OAuthClientMetadata> = {},
    private readonly options: { readonly redirectUrl?: string; readonly clientMetadataUrl?: string } = {},
  ) {}

  get redirectUrl(): string {
    return this.options.redirectUrl ?? DEFAULT_CALLBACK;
  }

  /** Set: the client names itself by this URL where the server takes metadata documents, and registers elsewhere. */
  get clientMetadataUrl(): string | undefined {
    return this.options.clientMetadataUrl;
  }

  get clientMetadata(): OAuthClientMetadata {
    return { client_name: 'E2E agent', redirect_uris: [this.redirectUrl], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], token_endpoint_auth_method: 'none', ...this.extra };
  }

  state(): string {
    return 'sdk-state';
  }

  clientInformation(): OAuthClientInformationMixed | undefined {
    return this.client;
  }

  saveClientInformation(information: OAuthClientInformationMixed): void {
    this.client = information;
  }

  tokens(): OAuthTokens | undefined {
    return this.stored;
  }

  saveTokens(tokens: OAuthTokens): void {
    this.stored = tokens;
  }

  redirectToAuthorization(url: URL): void {
    this.authorizationUrl = url;
  }

  saveCodeVerifier(verifier: string): void {
    this.verifier = verifier;
  }

  codeVerifier(): string {
    return this.verifier;
  }
}

function unescapeHtml(text: string): string {
  return text.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&#96;/g, '`').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** The hidden fields of the sign-in page, as a browser would submit them. */
export function hiddenFields(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const match of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) fields[match[1]] = unescapeHtml(match[2]);
  return fields;
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}


/** A client's key pair for private_key_jwt: the private key, and the public JWK to publish (with its kid). */
export function clientKeyPair(type: 'ec' | 'rsa' | 'ed25519' = 'ec', kid = `k-${randomBytes(4).toString('hex')}`): { privateKey: KeyObject; jwk: JsonWebKey & { kid: string } } {
  const { privateKey, publicKey } = type === 'ec' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : type === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ed25519');
  return { privateKey, jwk: { ...publicKey.export({ format: 'jwk' }), kid } };
}

const SIGNING: Record<string, { hash: string | null; options?: Record<string, unknown> }> = {
  ES256: { hash: 'sha256', options: { dsaEncoding: 'ieee-p1363' } },
  RS256: { hash: 'sha256' },
  PS256: { hash: 'sha256', options: { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST } },
  EdDSA: { hash: null },
};

/**
 * A client assertion (RFC 7523) as a private_key_jwt client makes one: iss and sub the client_id,
 * aud the token endpoint, five minutes of life, a fresh jti; `claims` and `header` override.
 */
export function signClientAssertion(privateKey: KeyObject, options: { clientId: string; audience: string; alg?: string; kid?: string; claims?: Record<string, unknown>; header?: Record<string, unknown> }): string {
  const alg = options.alg ?? 'ES256';
  const now = Math.floor(Date.now() / 1000);
  const header = { alg, typ: 'JWT', ...(options.kid ? { kid: options.kid } : {}), ...options.header };
  const claims = { iss: options.clientId, sub: options.clientId, aud: options.audience, iat: now, exp: now + 300, jti: randomBytes(12).toString('hex'), ...options.claims };
  const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  const signing = SIGNING[alg] ?? SIGNING.RS256;
  const signature = sign(signing.hash, Buffer.from(input), { key: privateKey, ...signing.options } as Parameters<typeof sign>[2]);
  return `${input}.${signature.toString('base64url')}`;
}
