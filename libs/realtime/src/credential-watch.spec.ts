import type { EventEnvelope, EventName } from '@app/events';
import type { AuthenticatedUser } from '@app/security';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { atExpiry, mayRevoke, sameRights } from './credential-watch';

const viaJwt: AuthenticatedUser = { id: 'u1', email: 'u1@x.io', roles: ['admin'], permissions: ['admin:*'], sessionId: 's1', via: 'jwt' };
const viaKey: AuthenticatedUser = { id: 'u1', email: 'u1@x.io', roles: ['admin'], permissions: ['read:tools'], via: 'api-key' };

function event(name: EventName, payload: unknown): EventEnvelope {
  return { id: 'e', name, payload, timestamp: new Date().toISOString(), origin: 'inst_x' } as EventEnvelope;
}

describe('mayRevoke', () => {
  it('picks the user\u2019s token revocations and record changes, for either credential', () => {
    for (const user of [viaJwt, viaKey]) {
      expect(mayRevoke(user, event('user.tokens.revoked', { userId: 'u1', before: Date.now() }))).toBe(true);
      expect(mayRevoke(user, event('user.updated', { userId: 'u1', fields: ['roles'] }))).toBe(true);
      expect(mayRevoke(user, event('user.updated', { userId: 'u2', fields: ['roles'] }))).toBe(false);
    }
  });

  it('picks a revoked API key of the user only for API-key connections', () => {
    const revoked = event('apikey.revoked', { keyId: 'k', keyHash: 'h', userId: 'u1' });
    expect(mayRevoke(viaKey, revoked)).toBe(true);
    expect(mayRevoke(viaJwt, revoked)).toBe(false);
    expect(mayRevoke(viaKey, event('apikey.revoked', { keyId: 'k', keyHash: 'h', userId: 'u2' }))).toBe(false);
  });

  it('picks a revoked login session only for connections opened with its tokens', () => {
    expect(mayRevoke(viaJwt, event('session.revoked', { sessionIds: ['s0', 's1'], until: 0 }))).toBe(true);
    expect(mayRevoke(viaJwt, event('session.revoked', { sessionIds: ['s2'], until: 0 }))).toBe(false);
    expect(mayRevoke(viaKey, event('session.revoked', { sessionIds: ['s1'], until: 0 }))).toBe(false);
  });

  it('ignores everything else, even about the user', () => {
    expect(mayRevoke(viaJwt, event('tool.executed', { userId: 'u1' }))).toBe(false);
    expect(mayRevoke(viaJwt, event('context.updated', { contextId: 'c', userId: 'u1', name: 'n', changed: [] }))).toBe(false);
  });
});

describe('sameRights', () => {
  it('compares roles and permissions as sets', () => {
    expect(sameRights(viaJwt, { ...viaJwt, roles: ['admin', 'admin'] })).toBe(true);
    expect(sameRights({ ...viaJwt, permissions: ['a', 'b'] }, { ...viaJwt, permissions: ['b', 'a'] })).toBe(true);
    expect(sameRights(viaJwt, { ...viaJwt, roles: ['user'] })).toBe(false);
    expect(sameRights(viaKey, { ...viaKey, permissions: [] })).toBe(false);
    expect(sameRights(viaKey, { ...viaKey, permissions: ['read:tools', 'execute:tools'] })).toBe(false);
  });
});

describe('atExpiry', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('calls the check once the key has expired, never for a credential without an expiry, and not once disarmed', () => {
    vi.useFakeTimers();
    const check = vi.fn();
    atExpiry({ ...viaKey, expiresAt: Date.now() + 5_000 }, check);
    vi.advanceTimersByTime(5_000);
    expect(check).not.toHaveBeenCalled();
    vi.advanceTimersByTime(100);
    expect(check).toHaveBeenCalledTimes(1);

    const never = vi.fn();
    atExpiry(viaJwt, never);
    atExpiry(viaKey, never);
    const disarm = atExpiry({ ...viaKey, expiresAt: Date.now() + 1_000 }, never);
    disarm();
    vi.advanceTimersByTime(60_000);
    expect(never).not.toHaveBeenCalled();
  });

  it('waits at most the longest timer for a far expiry (checked, then armed again), and checks at once one already past', () => {
    vi.useFakeTimers();
    const far = vi.fn();
    atExpiry({ ...viaKey, expiresAt: Date.now() + 60 * 24 * 3600 * 1000 }, far);
    vi.advanceTimersByTime(2 ** 31 - 1);
    expect(far).toHaveBeenCalledTimes(1);
    const past = vi.fn();
    atExpiry({ ...viaKey, expiresAt: Date.now() - 1_000 }, past);
    vi.advanceTimersByTime(100);
    expect(past).toHaveBeenCalledTimes(1);
  });
});
