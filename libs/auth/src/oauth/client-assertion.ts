import { constants, createPublicKey, type JsonWebKey, type KeyObject, verify } from 'node:crypto';
import { OAuthError } from './oauth-error';

/** RFC 7523 §2.2: how a private_key_jwt client says its token request carries a signed JWT. */
export const JWT_BEARER_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

const MAX_KEYS = 10;
const MAX_ASSERTION_LENGTH = 8192;
const MIN_RSA_BITS = 2048;
// An assertion is for one request: it may not be made to last, and its id is kept until it expires.
const MAX_LIFETIME_SECONDS = 3600;
const CLOCK_SKEW_SECONDS = 60;
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

interface Algorithm {
  readonly hash: string | null;
  readonly keyType: string;
  readonly curve?: string;
  readonly pss?: boolean;
  readonly ecdsa?: boolean;
}

const ALGORITHMS: Readonly<Record<string, Algorithm>> = {
  RS256: { hash: 'sha256', keyType: 'rsa' },
  RS384: { hash: 'sha384', keyType: 'rsa' },
  RS512: { hash: 'sha512', keyType: 'rsa' },
  PS256: { hash: 'sha256', keyType: 'rsa', pss: true },
  PS384: { hash: 'sha384', keyType: 'rsa', pss: true },
  PS512: { hash: 'sha512', keyType: 'rsa', pss: true },
  ES256: { hash: 'sha256', keyType: 'ec', curve: 'prime256v1', ecdsa: true },
  ES384: { hash: 'sha384', keyType: 'ec', curve: 'secp384r1', ecdsa: true },
  ES512: { hash: 'sha512', keyType: 'ec', curve: 'secp521r1', ecdsa: true },
  EdDSA: { hash: null, keyType: 'ed25519' },
};

/** The algorithms a client assertion may be signed with (never `none`, never a shared secret). */
export const ASSERTION_ALGORITHMS = Object.keys(ALGORITHMS);

const badMetadata = (description: string): OAuthError => new OAuthError('invalid_client_metadata', description);
const refused = (description: string): OAuthError => new OAuthError('invalid_client', `Client assertion refused: ${description}`);

/**
 * The public keys of a JWK Set (`{"keys": [...]}`), each one checked: RSA (2048 bits or more), EC
 * or Ed25519, for signing, importable, and without private members (a key published by mistake
 * with its private half is refused, not trimmed). `make` builds the error to throw.
 */
export function publicKeysOf(set: unknown, make: (description: string) => OAuthError = badMetadata): JsonWebKey[] {
  if (typeof set !== 'object' || set === null || Array.isArray(set)) throw make('jwks must be a JWK Set: an object with "keys"');
  const keys = (set as { keys?: unknown }).keys;
  if (!Array.isArray(keys) || keys.length === 0 || keys.length > MAX_KEYS) throw make(`jwks must hold 1 to ${MAX_KEYS} keys`);
  return keys.map((key: unknown, index) => {
    const problem = keyProblem(key);
    if (problem) throw make(`jwks key ${index} ${problem}`);
    return key as JsonWebKey;
  });
}

function keyProblem(key: unknown): string | undefined {
  if (typeof key !== 'object' || key === null || Array.isArray(key)) return 'is not an object';
  const fields = key as Record<string, unknown>;
  if (!['RSA', 'EC', 'OKP'].includes(fields.kty as string)) return 'must be an RSA, EC or OKP key';
  const secret = PRIVATE_MEMBERS.find((member) => member in fields);
  if (secret) return `holds the private member "${secret}": publish the public key only`;
  if (fields.use !== undefined && fields.use !== 'sig') return 'is not for signing (use)';
  if (fields.kid !== undefined && (typeof fields.kid !== 'string' || fields.kid.length > 200)) return 'has a kid that is not a string of at most 200 characters';
  let imported: KeyObject;
  try {
    imported = createPublicKey({ key: fields as JsonWebKey, format: 'jwk' });
  } catch {
    return 'cannot be read as a public key';
  }
  const bits = imported.asymmetricKeyDetails?.modulusLength;
  if (imported.asymmetricKeyType === 'rsa' && (bits ?? 0) < MIN_RSA_BITS) return `is an RSA key of fewer than ${MIN_RSA_BITS} bits`;
  return undefined;
}

interface DecodedAssertion {
  readonly header: Record<string, unknown>;
  readonly claims: Record<string, unknown>;
  readonly signingInput: Buffer;
  readonly signature: Buffer;
}

function decodePart(part: string, what: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw refused(`its ${what} is not a base64url JSON object`);
}

/** The parts of a compact JWS, unverified: enough to know which client it claims to be. */
export function decodeAssertion(assertion: string): DecodedAssertion {
  if (assertion.length > MAX_ASSERTION_LENGTH) throw refused(`it is longer than ${MAX_ASSERTION_LENGTH} characters`);
  const parts = assertion.split('.');
  if (parts.length !== 3 || parts.some((part) => !/^[A-Za-z0-9_-]*$/.test(part))) throw refused('it is not a compact JWS (three base64url parts)');
  return { header: decodePart(parts[0], 'header'), claims: decodePart(parts[1], 'payload'), signingInput: Buffer.from(`${parts[0]}.${parts[1]}`), signature: Buffer.from(parts[2], 'base64url') };
}

/** Whether the key can check a signature of this algorithm (the key decides nothing about the algorithm). */
function fits(key: KeyObject, algorithm: Algorithm): boolean {
  if (key.asymmetricKeyType !== algorithm.keyType) return false;
  return algorithm.curve === undefined || key.asymmetricKeyDetails?.namedCurve === algorithm.curve;
}

function signatureHolds(decoded: DecodedAssertion, key: KeyObject, algorithm: Algorithm): boolean {
  const options = algorithm.pss ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST } : algorithm.ecdsa ? { key, dsaEncoding: 'ieee-p1363' as const } : key;
  try {
    return verify(algorithm.hash, decoded.signingInput, options, decoded.signature);
  } catch {
    return false;
  }
}

/** Which keys a `kid` names; without one, all of them (the signature then picks). */
export function keysNamed(keys: readonly JsonWebKey[], kid: unknown): JsonWebKey[] {
  return typeof kid === 'string' ? keys.filter((key) => (key as { kid?: unknown }).kid === kid) : [...keys];
}

export interface AssertionExpectations {
  /** The client_id the client goes by (a registered id, or its metadata document's URL). */
  readonly clientId: string;
  /** Values `aud` may hold: the issuer and the endpoint receiving it. */
  readonly audiences: readonly string[];
  readonly nowSeconds: number;
}

/**
 * Checks a client assertion (RFC 7523 §3) against the client's keys: the signature by one of them,
 * `iss` and `sub` the client, `aud` this server, `exp` in the future and within an hour, `nbf` and
 * `iat` not in the future, a `jti`. Returns the jti and expiry for the caller to take the id once.
 */
export function verifyAssertion(decoded: DecodedAssertion, keys: readonly JsonWebKey[], expected: AssertionExpectations): { jti: string; expiresAt: number } {
  const algorithm = typeof decoded.header.alg === 'string' ? ALGORITHMS[decoded.header.alg] : undefined;
  if (!algorithm) throw refused(`alg must be one of ${ASSERTION_ALGORITHMS.join(', ')}`);
  if (decoded.header.crit !== undefined) throw refused('crit extensions are not understood');
  const candidates = keysNamed(keys, decoded.header.kid)
    .map((jwk) => createPublicKey({ key: jwk, format: 'jwk' }))
    .filter((key) => fits(key, algorithm));
  if (candidates.length === 0) throw refused(typeof decoded.header.kid === 'string' ? `no key of the client has kid "${decoded.header.kid.slice(0, 200)}" for ${String(decoded.header.alg)}` : `no key of the client fits ${String(decoded.header.alg)}`);
  if (!candidates.some((key) => signatureHolds(decoded, key, algorithm))) throw refused('the signature does not verify with the client’s keys');
  const { claims } = decoded;
  if (claims.iss !== expected.clientId || claims.sub !== expected.clientId) throw refused('iss and sub must both be the client_id');
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audiences.some((audience) => typeof audience === 'string' && expected.audiences.includes(audience))) throw refused(`aud must name this server (${expected.audiences[0]})`);
  const now = expected.nowSeconds;
  if (typeof claims.exp !== 'number' || !Number.isFinite(claims.exp)) throw refused('exp is required');
  if (claims.exp <= now - CLOCK_SKEW_SECONDS) throw refused('it has expired');
  if (claims.exp > now + MAX_LIFETIME_SECONDS + CLOCK_SKEW_SECONDS) throw refused(`exp must be within ${MAX_LIFETIME_SECONDS} s`);
  for (const claim of ['nbf', 'iat'] as const) {
    const value = claims[claim];
    if (value !== undefined && (typeof value !== 'number' || value > now + CLOCK_SKEW_SECONDS)) throw refused(`${claim} is in the future`);
  }
  if (typeof claims.jti !== 'string' || claims.jti === '' || claims.jti.length > 256) throw refused('jti must be a string of 1 to 256 characters');
  return { jti: claims.jti, expiresAt: Math.max(claims.exp, now) + CLOCK_SKEW_SECONDS };
}
