import type { AuditWriter } from '@app/audit';
import type { AppConfig } from '@app/config';
import type { LoginResponse } from '@app/contracts';
import { EventBus, LocalOnlyTransport } from '@app/events';
import { SessionRevocations } from '@app/security';
import type { DataSource } from 'typeorm';
import { afterEach, describe, expect, it } from 'vitest';
import type { SignInService } from '../sign-in.service';
import type { AuthSource, UserEntity } from '../user.entity';
import { UserTokenFloors } from '../tokens/user-token-floors';
import type { UsersService } from '../users.service';
import type { SamlIdentity } from './saml.strategy';
import type { OAuthService } from '../oauth/oauth.service';
import { SamlService } from './saml.service';
import type { SsoClaims } from './sso-claims';

const USER_ID = 'u-1';

function identity(roles: SamlIdentity['roles']): SamlIdentity {
  return { email: 'sam@corp.example.test', name: 'Sam', roles, groups: [], issuer: 'https://idp', sessionIndex: null };
}

/** A SamlService over in-memory fakes, with the real UserTokenFloors, SessionRevocations and EventBus. */
function setUp(stored: { roles: string[]; authSource: AuthSource }) {
  const bus = new EventBus(new LocalOnlyTransport());
  const revocations = new SessionRevocations(bus);
  const user = { id: USER_ID, email: 'sam@corp.example.test', status: 'active', permissions: [], emailVerifiedAt: new Date(), ...stored } as unknown as UserEntity;
  const trace: string[] = [];
  const signedInAt: number[] = [];
  const repository = { update: async () => void trace.push('update') };
  const floorRows: unknown[][] = [];
  const endedBrowserSignIns: unknown[][] = [];
  const dataSource = {
    getRepository: () => repository,
    query: async (sql: string, parameters: unknown[]) => void (sql.includes('oauth_browser_sessions') ? endedBrowserSignIns : floorRows).push(parameters),
  } as unknown as DataSource;
  const floors = new UserTokenFloors(dataSource, revocations, { accessTokenTtlSeconds: 3600 } as AppConfig);
  const users = { findByEmail: async () => user, changed: () => void trace.push('changed') } as unknown as UsersService;
  const signIn = {
    complete: async (): Promise<LoginResponse> => {
      trace.push('complete');
      signedInAt.push(Date.now());
      return {} as LoginResponse;
    },
  } as unknown as SignInService;
  const audit = { record: async (entry: { action: string }) => void trace.push(entry.action) } as unknown as AuditWriter;
  // The OAuth hand-off is not reached by a plain login.
  // These accounts' addresses were proven (an admin made them, or the IdP did): nothing to claim.
  const claims = { claim: async () => Promise.reject(new Error('not a self-registered account')) } as unknown as SsoClaims;
  const service = new SamlService(dataSource, users, signIn, audit, bus, {} as AppConfig, floors, {} as OAuthService, claims);
  bus.on('user.tokens.revoked', () => void trace.push('user.tokens.revoked'));
  return { service, revocations, trace, signedInAt, bus, floorRows, endedBrowserSignIns };
}

describe('SamlService.login: roles synced from the IdP', () => {
  const cleanups: Array<() => void> = [];
  afterEach(() => {
    for (const cleanup of cleanups.splice(0)) cleanup();
  });

  async function loginAfterAToken(stored: { roles: string[]; authSource: AuthSource }, roles: SamlIdentity['roles']) {
    const setup = setUp(stored);
    cleanups.push(() => setup.revocations.onModuleDestroy());
    const oldTokenIssuedAt = Date.now() - 1;
    await setup.service.login(identity(roles), {});
    return { ...setup, oldTokenIssuedAt };
  }

  it('a changed role set refuses older tokens everywhere before this login issues its own', async () => {
    const { revocations, trace, signedInAt, oldTokenIssuedAt, floorRows, endedBrowserSignIns } = await loginAfterAToken({ roles: ['admin'], authSource: 'saml' }, ['user']);
    expect(revocations.issuedBeforeFloor(USER_ID, oldTokenIssuedAt)).toBe(true);
    // Kept in the database too, for instances that start later or missed the event.
    expect(floorRows).toEqual([[USER_ID, expect.any(Date)]]);
    // Browsers signed in at the authorization endpoint as this user sign in again.
    expect(endedBrowserSignIns).toEqual([[USER_ID]]);
    expect(revocations.issuedBeforeFloor(USER_ID, signedInAt[0])).toBe(false);
    expect(trace.indexOf('user.tokens.revoked')).toBeGreaterThan(trace.indexOf('update'));
    expect(trace.indexOf('user.tokens.revoked')).toBeLessThan(trace.indexOf('complete'));
    expect(trace).toContain('user.roles_sync');
  });

  it('a promotion does the same', async () => {
    const { revocations, oldTokenIssuedAt } = await loginAfterAToken({ roles: ['user'], authSource: 'saml' }, ['admin']);
    expect(revocations.issuedBeforeFloor(USER_ID, oldTokenIssuedAt)).toBe(true);
  });

  it('the same roles in another order, or a local account, leave older tokens alone', async () => {
    const same = await loginAfterAToken({ roles: ['developer', 'admin'], authSource: 'saml' }, ['admin', 'developer']);
    expect(same.revocations.issuedBeforeFloor(USER_ID, same.oldTokenIssuedAt)).toBe(false);
    expect(same.trace).toEqual(['complete']);
    const local = await loginAfterAToken({ roles: ['user'], authSource: 'local' }, ['admin']);
    expect(local.revocations.issuedBeforeFloor(USER_ID, local.oldTokenIssuedAt)).toBe(false);
    expect(local.trace).toEqual(['complete']);
  });
});
