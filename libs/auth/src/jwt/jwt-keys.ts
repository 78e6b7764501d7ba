import { AppConfig } from '@app/config';
import { Injectable, Logger } from '@nestjs/common';
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type JsonWebKey, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface PublicJwk {
  readonly kty: 'RSA';
  readonly kid: string;
  readonly use: 'sig';
  readonly alg: 'RS256';
  readonly n: string;
  readonly e: string;
}

/** RFC 7638 thumbprint: a kid that is the same wherever the key is loaded. */
function thumbprint(jwk: JsonWebKey): string {
  return createHash('sha256').update(JSON.stringify({ e: jwk.e, kty: 'RSA', n: jwk.n })).digest('base64url');
}

function toJwk(publicKey: KeyObject): PublicJwk {
  if (publicKey.asymmetricKeyType !== 'rsa') throw new Error('JWT keys must be RSA keys');
  const jwk = publicKey.export({ format: 'jwk' });
  return { kty: 'RSA', kid: thumbprint(jwk), use: 'sig', alg: 'RS256', n: jwk.n as string, e: jwk.e as string };
}

/**
 * The signing key and every public key that verifies tokens, parsed once into KeyObjects
 * (verifying against PEM strings per request is many times slower). Keys come from
 * JWT_PRIVATE_KEY/JWT_PUBLIC_KEY, or are generated once into DATA_DIR; JWT_PREVIOUS_PUBLIC_KEYS
 * keeps retired keys valid while their tokens live out.
 */
@Injectable()
export class JwtKeys {
  readonly signingKey: KeyObject;
  readonly signingKid: string;
  private readonly verifying = new Map<string, KeyObject>();
  readonly jwks: { keys: PublicJwk[] };

  constructor(config: AppConfig) {
    const { privatePem, publicPem } = config.jwtPrivateKey && config.jwtPublicKey
      ? { privatePem: config.jwtPrivateKey, publicPem: config.jwtPublicKey }
      : JwtKeys.generatedPair(config.dataDir);
    this.signingKey = createPrivateKey(privatePem);
    const publicKey = createPublicKey(publicPem);
    const current = toJwk(publicKey);
    if (toJwk(createPublicKey(this.signingKey)).kid !== current.kid) {
      throw new Error('JWT_PUBLIC_KEY is not the public half of JWT_PRIVATE_KEY');
    }
    this.signingKid = current.kid;
    const jwks = [current];
    this.verifying.set(current.kid, publicKey);
    for (const pem of config.jwtPreviousPublicKeys) {
      const previous = createPublicKey(pem);
      const jwk = toJwk(previous);
      if (!this.verifying.has(jwk.kid)) {
        this.verifying.set(jwk.kid, previous);
        jwks.push(jwk);
      }
    }
    this.jwks = { keys: jwks };
  }

  verificationKey(kid: string): KeyObject | undefined {
    return this.verifying.get(kid);
  }

  private static generatedPair(dataDir: string): { privatePem: string; publicPem: string } {
    const privateFile = join(dataDir, 'jwt-private.pem');
    const publicFile = join(dataDir, 'jwt-public.pem');
    if (existsSync(privateFile) && existsSync(publicFile)) {
      return { privatePem: readFileSync(privateFile, 'utf8'), publicPem: readFileSync(publicFile, 'utf8') };
    }
    mkdirSync(dataDir, { recursive: true });
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const privatePem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const publicPem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    writeFileSync(privateFile, privatePem, { mode: 0o600 });
    writeFileSync(publicFile, publicPem);
    new Logger('JwtKeys').warn(`JWT_PRIVATE_KEY/JWT_PUBLIC_KEY are not set: generated a key pair in ${dataDir}; configure them when several instances serve one API`);
    return { privatePem, publicPem };
  }
}
