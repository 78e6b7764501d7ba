import type { CreatedApiKey, LoginResponse, MfaEnrollment, User } from '@app/contracts';
import { Authenticator, type LoggedInUser, registerAndLogin, registerAndLoginAs, useTestApp } from '@app/testing';
import { describe, expect, it } from 'vitest';

type Envelope = { error: string; message: string };

describe('ADMIN_REQUIRES_MFA: admin rights only for a sign-in with a second factor', () => {
  const t = useTestApp({ ADMIN_REQUIRES_MFA: 'true' });

  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const listUsers = (headers: Record<string, string>) => t.client.call<Envelope>('listUsers', { headers });
  const permissionsOf = (token: string): string[] => (JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { permissions: string[] }).permissions;

  async function enrolTotp(user: LoggedInUser): Promise<Authenticator> {
    const enabled = await t.client.call<MfaEnrollment>('enableMfa', { headers: user.auth, body: { type: 'totp' } });
    expect(enabled.status).toBe(201);
    const authenticator = new Authenticator(enabled.body.secret as string);
    expect((await t.client.call('verifyMfaSetup', { headers: user.auth, body: { code: await authenticator.freshCode(), type: 'totp' } })).status).toBe(200);
    return authenticator;
  }

  it('a password alone makes an admin act as a user: admin routes answer 403 and say why; the profile still shows the role', async () => {
    const admin = await registerAndLoginAs(t, ['admin']);
    const refused = await listUsers(admin.auth);
    expect(refused.status).toBe(403);
    expect(refused.body.message).toContain('ADMIN_REQUIRES_MFA');
    expect(permissionsOf(admin.accessToken)).not.toContain('admin:*');
    expect(permissionsOf(admin.accessToken)).not.toContain('*');
    expect(permissionsOf(admin.accessToken)).toContain('execute:tools');
    expect((await t.client.call('executeTool', { headers: admin.auth, params: { id: 'echo' }, body: { parameters: { message: 'as a user' } } })).status).toBe(200);
    expect((await t.client.call<User>('getCurrentUser', { headers: admin.auth })).body.roles).toContain('admin');
    // Its refresh keeps what the sign-in proved.
    const refreshed = await t.client.call<LoginResponse>('refreshToken', { body: { refreshToken: admin.refreshToken } });
    expect(refreshed.status).toBe(200);
    expect((await listUsers(bearer(refreshed.body.accessToken))).status).toBe(403);
  });

  it('a sign-in with TOTP carries the admin rights, and so do its refreshed tokens', async () => {
    const admin = await registerAndLoginAs(t, ['admin']);
    const authenticator = await enrolTotp(admin);
    const signedIn = await t.client.call<LoginResponse>('loginUser', { body: { email: admin.input.email, password: admin.input.password, mfaCode: await authenticator.freshCode() } });
    expect(signedIn.status).toBe(200);
    expect((await listUsers(bearer(signedIn.body.accessToken))).status).toBe(200);
    const refreshed = await t.client.call<LoginResponse>('refreshToken', { body: { refreshToken: signedIn.body.refreshToken } });
    expect((await listUsers(bearer(refreshed.body.accessToken))).status).toBe(200);

    // An API key proves no second factor: even one made from this session cannot act as an admin.
    const key = await t.client.call<CreatedApiKey>('createApiKey', { headers: bearer(refreshed.body.accessToken), body: { name: 'automation', scopes: ['admin:*', 'read:tools'] } });
    expect(key.status).toBe(201);
    expect((await listUsers({ authorization: `ApiKey ${key.body.key}` })).status).toBe(403);
    expect((await t.client.call('listTools', { headers: { authorization: `ApiKey ${key.body.key}` } })).status).toBe(200);
  });

  it('a user who is not an admin keeps every right they hold, with or without a second factor', async () => {
    const developer = await registerAndLoginAs(t, ['developer']);
    expect(permissionsOf(developer.accessToken)).toEqual(expect.arrayContaining(['write:tools', 'filesystem:*', 'network:http']));
    const user = await registerAndLogin(t.client);
    expect((await t.client.call('executeTool', { headers: user.auth, params: { id: 'echo' }, body: { parameters: { message: 'plain user' } } })).status).toBe(200);
  });
});
