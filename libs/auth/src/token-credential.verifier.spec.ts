import { parseConfig } from '@app/config';
import { EventBus, LocalOnlyTransport } from '@app/events';
import { SessionRevocations } from '@app/security';
import type { SessionsService } from '@app/sessions';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import type { ApiKeysService } from './api-keys/api-keys.service';
import { JwtKeys } from './jwt/jwt-keys';
import { JwtService } from './jwt/jwt.service';
import { TokenCredentialVerifier } from './token-credential.verifier';

describe('TokenCredentialVerifier, checking a live connection again', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'smcp-verifier-'));
  const config = parseConfig({ DATA_DIR: dataDir, ACCESS_TOKEN_TTL_SECONDS: '60' });
  const jwt = new JwtService(new JwtKeys(config), config);
  const subject = { sub: 'u1', email: 'a@b.c', roles: ['user'], permissions: ['read:tools'], sid: 's1' };

  function verifierWith(activeSessions: readonly string[]): { verifier: TokenCredentialVerifier; revocations: SessionRevocations } {
    const revocations = new SessionRevocations(new EventBus(new LocalOnlyTransport()));
    const sessions = { findActive: vi.fn(async (id: string) => (activeSessions.includes(id) ? { id } : null)) } as unknown as SessionsService;
    return { verifier: new TokenCredentialVerifier(jwt, {} as ApiKeysService, revocations, sessions), revocations };
  }

  afterEach(() => {
    vi.useRealTimers();
  });

  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps a login token past its exp while its session is active; a request with it is still refused', async () => {
    vi.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z'), toFake: ['Date'] });
    const { verifier, revocations } = verifierWith(['s1']);
    const header = `Bearer ${jwt.sign(subject)}`;
    vi.setSystemTime(new Date('2026-01-01T03:00:00Z'));
    expect(await verifier.recheckAuthorization(header, undefined)).toMatchObject({ id: 'u1', sessionId: 's1', via: 'jwt' });
    await expect(verifier.verifyAuthorization(header, undefined)).rejects.toMatchObject({ code: 'TOKEN_EXPIRED' });
    revocations.remember(['s1'], Date.now() + 60_000);
    await expect(verifier.recheckAuthorization(header, undefined)).rejects.toMatchObject({ code: 'TOKEN_REVOKED' });
  });

  it('refuses it once its session has ended, or the user’s rights changed after it was issued', async () => {
    vi.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z'), toFake: ['Date'] });
    const header = `Bearer ${jwt.sign(subject)}`;
    vi.setSystemTime(new Date('2026-01-01T03:00:00Z'));
    await expect(verifierWith([]).verifier.recheckAuthorization(header, undefined)).rejects.toMatchObject({ code: 'TOKEN_REVOKED' });
    const { verifier, revocations } = verifierWith(['s1']);
    revocations.rememberFloor('u1', Date.now());
    await expect(verifier.recheckAuthorization(header, undefined)).rejects.toMatchObject({ code: 'TOKEN_REVOKED' });
  });
});
