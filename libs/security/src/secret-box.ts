import { AppConfig } from '@app/config';
import { Injectable, Logger } from '@nestjs/common';
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const VERSION = 'v1';

function parseKey(value: string): Buffer {
  return /^[0-9a-fA-F]{64}$/.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
}

/**
 * Encryption at rest (AES-256-GCM) and keyed hashes for stored secrets, from SECRETS_KEY or a key
 * generated once into DATA_DIR. Separate subkeys are derived for each use.
 */
@Injectable()
export class SecretBox {
  private readonly encryptionKey: Buffer;
  private readonly macKey: Buffer;

  constructor(config: AppConfig) {
    const master = config.secretsKey ? parseKey(config.secretsKey) : SecretBox.generatedKey(config.dataDir);
    this.encryptionKey = Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), 'secure-mcp/encryption', 32));
    this.macKey = Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), 'secure-mcp/mac', 32));
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
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.encryptionKey, iv);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
  }

  decrypt(sealed: string): string {
    const [version, iv, tag, body] = sealed.split('.');
    if (version !== VERSION || !iv || !tag || body === undefined) throw new Error('not a sealed secret');
    const decipher = createDecipheriv('aes-256-gcm', this.encryptionKey, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  }

  /** A keyed hash (HMAC-SHA256, hex): lookups of secrets that are never stored in clear. */
  mac(value: string): string {
    return createHmac('sha256', this.macKey).update(value).digest('hex');
  }

  /** Whether `known` is the keyed hash of `value`, compared in constant time. */
  macMatches(value: string, known: string): boolean {
    const given = Buffer.from(this.mac(value));
    const expected = Buffer.from(known);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}
