import { parseConfig } from '@app/config';
import { createCipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SecretBox } from './secret-box';

const oldKey = randomBytes(32).toString('hex');
const newKey = randomBytes(32).toString('hex');
const box = (current: string, previous: string[] = []) => new SecretBox(parseConfig({ SECRETS_KEY: current, SECRETS_PREVIOUS_KEYS: previous.join(',') }));

/** A value as the first version sealed it: no key id. */
function sealedAsV1(key: string, plaintext: string): string {
  const encryption = Buffer.from(hkdfSync('sha256', Buffer.from(key, 'hex'), Buffer.alloc(0), 'secure-mcp/encryption', 32));
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', encryption, iv);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
}

function macAsBefore(key: string, value: string): string {
  const mac = Buffer.from(hkdfSync('sha256', Buffer.from(key, 'hex'), Buffer.alloc(0), 'secure-mcp/mac', 32));
  return createHmac('sha256', mac).update(value).digest('hex');
}

describe('SecretBox', () => {
  it('seals under the current key, naming it, and opens what it sealed', () => {
    const secrets = box(newKey);
    const sealed = secrets.encrypt('hunter2');
    expect(sealed.split('.').slice(0, 2)).toEqual(['v2', secrets.currentKeyId]);
    expect(secrets.isSealed(sealed)).toBe(true);
    expect(secrets.decrypt(sealed)).toBe('hunter2');
    expect(secrets.encrypt('hunter2')).not.toBe(sealed);
  });

  it('opens what a replaced key sealed, and seals it again under the current one', () => {
    const before = box(oldKey);
    const sealed = before.encrypt('token-of-old');
    const after = box(newKey, [oldKey]);
    expect(after.keyIds).toEqual([after.currentKeyId, before.currentKeyId]);
    expect(after.keyIdOf(sealed)).toBe(before.currentKeyId);
    expect(after.decrypt(sealed)).toBe('token-of-old');
    const resealed = after.reseal(sealed);
    expect(after.keyIdOf(resealed)).toBe(after.currentKeyId);
    expect(box(newKey).decrypt(resealed)).toBe('token-of-old');
    // Already under the current key: left as it is.
    expect(after.reseal(resealed)).toBe(resealed);
  });

  it('opens values sealed before keys had ids, with whichever configured key sealed them', () => {
    const legacy = sealedAsV1(oldKey, 'from v1');
    expect(box(oldKey).decrypt(legacy)).toBe('from v1');
    // Under the current key already: nothing to seal again.
    expect(box(oldKey).reseal(legacy)).toBe(legacy);
    const rotated = box(newKey, [oldKey]);
    expect(rotated.decrypt(legacy)).toBe('from v1');
    expect(rotated.keyIdOf(legacy)).toBe(box(oldKey).currentKeyId);
    expect(rotated.keyIdOf(rotated.reseal(legacy))).toBe(rotated.currentKeyId);
  });

  it('refuses a value no configured key opens, saying which key it needs', () => {
    const sealed = box(oldKey).encrypt('lost');
    expect(() => box(newKey).decrypt(sealed)).toThrow(new RegExp(`sealed under key ${box(oldKey).currentKeyId}`));
    expect(() => box(newKey).reseal(sealed)).toThrow(/SECRETS_PREVIOUS_KEYS/);
    expect(() => box(newKey).decrypt(sealedAsV1(oldKey, 'lost'))).toThrow(/no configured key opens/);
    expect(box(newKey).keyIdOf(sealedAsV1(oldKey, 'lost'))).toBeUndefined();
    expect(box(newKey).keyIdOf(sealed)).toBeUndefined();
  });

  it('refuses tampered and malformed values', () => {
    const secrets = box(newKey);
    const sealed = secrets.encrypt('intact');
    const parts = sealed.split('.');
    const flipped = parts[4].startsWith('A') ? `B${parts[4].slice(1)}` : `A${parts[4].slice(1)}`;
    expect(() => secrets.decrypt([...parts.slice(0, 4), flipped].join('.'))).toThrow();
    expect(secrets.keyIdOf([...parts.slice(0, 4), flipped].join('.'))).toBeUndefined();
    expect(secrets.keyIdOf(sealed)).toBe(secrets.currentKeyId);
    for (const bad of ['', 'plain text', 'v3.a.b.c', `v2.${parts[1]}.short.tag.body`, sealed.replace('v2.', 'v1.')]) {
      expect(() => secrets.decrypt(bad)).toThrow();
    }
    expect(secrets.isSealed('v1.2.3.4')).toBe(false);
    expect(secrets.keyIdOf('v1.2.3.4')).toBeUndefined();
  });

  it('hashes under the current key and matches hashes made under a replaced one', () => {
    const rotated = box(newKey, [oldKey]);
    const hashOld = macAsBefore(oldKey, 'smcp_key');
    expect(rotated.mac('smcp_key')).toBe(macAsBefore(newKey, 'smcp_key'));
    expect(rotated.macs('smcp_key')).toEqual([macAsBefore(newKey, 'smcp_key'), hashOld]);
    expect(rotated.macMatches('smcp_key', hashOld)).toBe(true);
    expect(rotated.macMatches('smcp_key', rotated.mac('smcp_key'))).toBe(true);
    expect(rotated.macMatches('other', hashOld)).toBe(false);
    expect(box(newKey).macMatches('smcp_key', hashOld)).toBe(false);
    expect(rotated.macMatches('smcp_key', 'short')).toBe(false);
  });
});
