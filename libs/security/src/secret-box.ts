import { ApiError } from '@app/common';
import { AppConfig, type SecretKeys } from '@app/config';
import { Injectable, Logger } from '@nestjs/common';
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// v2 names the key that sealed it; v1 (before rotation existed) does not, and is tried with each key.
const SEALED = /^v2\.([A-Za-z0-9_-]{8})\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]*)$/;
const LEGACY = /^v1\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]*)$/;

function parseKey(value: string): Buffer {
  return /^[0-9a-fA-F]{64}$/.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
}

interface SealingKey {
  /** Derived from the key, so it names the key without revealing it. */
  readonly id: string;
  readonly encryption: Buffer;
  readonly mac: Buffer;
}

function sealingKey(master: Buffer): SealingKey {
  const derive = (info: string, length: number) => Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), info, length));
  return { id: derive('secure-mcp/key-id', 6).toString('base64url'), encryption: derive('secure-mcp/encryption', 32), mac: derive('secure-mcp/mac', 32) };
}

/** A sealed value's parts, or undefined when the text is not one. */
function sealedParts(sealed: string): { keyId?: string; iv: string; tag: string; body: string } | undefined {
  const current = SEALED.exec(sealed);
  if (current) return { keyId: current[1], iv: current[2], tag: current[3], body: current[4] };
  const legacy = LEGACY.exec(sealed);
  return legacy ? { iv: legacy[1], tag: legacy[2], body: legacy[3] } : undefined;
}

/**
 * Encryption at rest (AES-256-GCM) and keyed hashes for stored secrets, from SECRETS_KEY or a key
 * generated once into DATA_DIR. Separate subkeys are derived for each use. The keys SECRETS_KEY
 * replaced (SECRETS_PREVIOUS_KEYS) still open what they sealed and match what they hashed; new
 * values are always sealed and hashed under SECRETS_KEY.
 */
@Injectable()
export class SecretBox {
  private readonly keys: readonly SealingKey[];

  /** `keys`: where they came from (Vault), when not from the configuration itself. */
  constructor(config: AppConfig, keys: SecretKeys = config) {
    const master = keys.secretsKey ? parseKey(keys.secretsKey) : SecretBox.generatedKey(config.dataDir);
    this.keys = [master, ...keys.secretsPreviousKeys.map(parseKey)].map(sealingKey);
  }

  /** The id of the key new values are sealed under. */
  get currentKeyId(): string {
    return this.keys[0].id;
  }

  /** Every configured key's id, the current one first. */
  get keyIds(): readonly string[] {
    return this.keys.map((key) => key.id);
  }

  private static generatedKey(dataDir: string): Buffer {
    const file = join(dataDir, 'secrets.key');
    if (existsSync(file)) return parseKey(readFileSync(file, 'utf8').trim());
    mkdirSync(dataDir, { recursive: true });
    const key = randomBytes(32);
    try {
      writeFileSync(file, key.toString('hex'), { mode: 0o600, flag: 'wx' });
    } catch (error) {
      // Another process on the same DATA_DIR won the race: use its key.
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return parseKey(readFileSync(file, 'utf8').trim());
      throw error;
    }
    new Logger('SecretBox').warn(`SECRETS_KEY is not set: generated one in ${file}; set SECRETS_KEY when several instances share a database`);
    return key;
  }

  encrypt(plaintext: string): string {
    const key = this.keys[0];
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key.encryption, iv);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v2', key.id, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
  }

  decrypt(sealed: string): string {
    const opened = this.opened(sealed);
    if (!opened) throw this.refusal(sealed);
    return opened.plaintext;
  }

  /** Whether `value` has the form of a sealed secret (it may still be one no configured key opens). */
  isSealed(value: string): boolean {
    return sealedParts(value) !== undefined;
  }

  /** The id of the configured key that opens a sealed value; undefined when none does (its key is gone, or it was altered). */
  keyIdOf(sealed: string): string | undefined {
    return this.opened(sealed)?.key.id;
  }

  /** The value sealed under the current key: itself when it already is. Throws when no configured key opens it. */
  reseal(sealed: string): string {
    const opened = this.opened(sealed);
    if (!opened) throw this.refusal(sealed);
    return opened.key === this.keys[0] ? sealed : this.encrypt(opened.plaintext);
  }

  /** The key that opens a sealed value (the one it names, or for v1 any), and what it opens to. */
  private opened(sealed: string): { key: SealingKey; plaintext: string } | undefined {
    const parts = sealedParts(sealed);
    if (!parts) return undefined;
    for (const key of parts.keyId === undefined ? this.keys : this.keys.filter((candidate) => candidate.id === parts.keyId)) {
      const plaintext = open(key, parts);
      if (plaintext !== undefined) return { key, plaintext };
    }
    return undefined;
  }

  /**
   * Why a stored secret cannot be opened, as the answer to whatever needed it: 503, since no input
   * of the caller's can help; only an operator restoring the key can (the log names it).
   */
  private refusal(sealed: string): ApiError {
    const parts = sealedParts(sealed);
    const reason = !parts
      ? 'not a sealed secret'
      : parts.keyId !== undefined && !this.keys.some((key) => key.id === parts.keyId)
        ? `sealed under key ${parts.keyId}, which is neither SECRETS_KEY nor in SECRETS_PREVIOUS_KEYS`
        : 'a sealed secret no configured key opens';
    return new ApiError(503, 'SERVICE_UNAVAILABLE', `A stored secret this needs cannot be opened (${reason}); an administrator must configure its key again (SECRETS_PREVIOUS_KEYS)`, {
      details: [{ field: 'secret', message: reason, code: 'SECRET_UNREADABLE' }],
    });
  }

  /** A keyed hash (HMAC-SHA256, hex) under the current key: lookups of secrets that are never stored in clear. */
  mac(value: string): string {
    return macWith(this.keys[0], value);
  }

  /** The keyed hash under every configured key, the current one first: what a stored hash may be. */
  macs(value: string): string[] {
    return this.keys.map((key) => macWith(key, value));
  }

  /** Whether `known` is the keyed hash of `value` under any configured key, compared in constant time. */
  macMatches(value: string, known: string): boolean {
    const expected = Buffer.from(known);
    let matched = false;
    for (const hash of this.macs(value)) {
      const given = Buffer.from(hash);
      if (given.length === expected.length && timingSafeEqual(given, expected)) matched = true;
    }
    return matched;
  }
}

function macWith(key: SealingKey, value: string): string {
  return createHmac('sha256', key.mac).update(value).digest('hex');
}

/** The plaintext, or undefined when this key did not seal it (GCM's tag does not verify). */
function open(key: SealingKey, parts: { iv: string; tag: string; body: string }): string | undefined {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.encryption, Buffer.from(parts.iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(parts.tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(parts.body, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}
