import { parseConfig } from '@app/config';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { JwtKeys } from './jwt-keys';
import { JwtService } from './jwt.service';

describe('JwtService', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'smcp-jwt-'));
  const config = parseConfig({ DATA_DIR: dataDir, ACCESS_TOKEN_TTL_SECONDS: '60' });
  const jwt = new JwtService(new JwtKeys(config), config);
  const subject = { sub: 'u1', email: 'a@b.c', roles: ['user'], permissions: ['read:tools'], sid: 's1' };

  afterEach(() => {
    vi.useRealTimers();
  });

  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('verifies what it signs', () => {
    const claims = jwt.verify(jwt.sign(subject));
    expect(claims).toMatchObject({ ...subject, token_use: 'access', iss: config.jwtIssuer, aud: config.jwtAudience });
    expect(claims.exp - claims.iat).toBe(60);
  });

  it('expires a token that was verified (and remembered) before', () => {
    vi.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') });
    const token = jwt.sign(subject);
    expect(jwt.verify(token).sub).toBe('u1');
    vi.setSystemTime(new Date('2026-01-01T00:01:31Z')); // past exp plus the 30 s skew
    expect(() => jwt.verify(token)).toThrow(expect.objectContaining({ code: 'TOKEN_EXPIRED' }));
    expect(() => jwt.verify(token)).toThrow(expect.objectContaining({ code: 'TOKEN_EXPIRED' }));
  });

  it('checks an expired token again for a connection it admitted, judging everything but exp', () => {
    vi.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') });
    const remembered = jwt.sign(subject);
    jwt.verify(remembered);
    const fresh = jwt.sign({ ...subject, sid: 's2' });
    vi.setSystemTime(new Date('2026-01-01T05:00:00Z'));
    for (const token of [remembered, fresh]) {
      expect(jwt.verify(token, { ignoreExpiry: true }).sub).toBe('u1');
      // Kept for the check again only: a request with it is still refused.
      expect(() => jwt.verify(token)).toThrow(expect.objectContaining({ code: 'TOKEN_EXPIRED' }));
    }
    const [h, p, sig] = fresh.split('.');
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...payload, exp: Number(payload.exp) + 86_400 })).toString('base64url')}.${sig}`;
    expect(() => jwt.verify(forged, { ignoreExpiry: true })).toThrow(expect.objectContaining({ code: 'UNAUTHORIZED' }));
  });

  it('keeps the generated key pair across restarts (same kid)', () => {
    const again = new JwtKeys(config);
    const first = new JwtKeys(config);
    expect(again.signingKid).toBe(first.signingKid);
    expect(again.jwks.keys).toHaveLength(1);
  });

  it('refuses a changed token even after its original was remembered', () => {
    const token = jwt.sign(subject);
    jwt.verify(token);
    const [h, p, s] = token.split('.');
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...payload, roles: ['admin'] })).toString('base64url')}.${s}`;
    expect(() => jwt.verify(forged)).toThrow(expect.objectContaining({ status: 401 }));
  });
});
