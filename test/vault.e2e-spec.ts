import { parseConfig } from '@app/config';
import type { CreatedWebhook, SecretsStatus } from '@app/contracts';
import { SecretBox } from '@app/security';
import { createTestCa, registerAndLoginAs, startTestApp, startVaultServer, type TestApp, type VaultServer } from '@app/testing';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const TOKEN = 's.gateway-test-token';
const ROLE_ID = 'secure-mcp-role';
const SECRET_ID = 'secret-id-for-the-gateway';
const key = (): string => randomBytes(32).toString('hex');
const boxOf = (current: string): SecretBox => new SecretBox(parseConfig({ SECRETS_KEY: current }));

type Health = { status: string; components: Record<string, { status: string; sealed?: boolean; version?: string; error?: string }> };

/** SECRETS_KEY and SECRETS_PREVIOUS_KEYS held in a Vault KV secret, read at start over Vault's HTTP API. */
describe('sealing keys from HashiCorp Vault', () => {
  const CURRENT = key();
  const OLD = key();
  let vault: VaultServer;
  const apps: TestApp[] = [];

  beforeAll(async () => {
    vault = await startVaultServer(TOKEN, { appRole: { roleId: ROLE_ID, secretId: SECRET_ID } });
    vault.put('secret/data/secure-mcp', { SECRETS_KEY: CURRENT, SECRETS_PREVIOUS_KEYS: [OLD] });
  });

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
    await vault?.close();
  });

  const envFor = (overrides: Record<string, string> = {}) => ({ SECRETS_KEY: '', VAULT_ADDR: vault.address, VAULT_TOKEN: TOKEN, VAULT_SECRET_PATH: 'secret/data/secure-mcp', ...overrides });
  async function boot(overrides: Record<string, string> = {}): Promise<TestApp> {
    const app = await startTestApp(envFor(overrides));
    apps.push(app);
    return app;
  }
  const secretReads = (path: string) => vault.requests.filter((request) => request.path === `/v1/${path}`);

  it('seals under the key Vault holds, keeps the older one it lists, and reports Vault in the detailed health', async () => {
    const app = await boot({ VAULT_NAMESPACE: 'team-a', WEBHOOK_ALLOWLIST: '127.0.0.1' });
    const admin = await registerAndLoginAs(app, ['admin']);
    const status = (await app.client.call<SecretsStatus>('getSecretsStatus', { headers: admin.auth })).body;
    expect(status.currentKeyId).toBe(boxOf(CURRENT).currentKeyId);
    expect(status.keys.map((entry) => [entry.id, entry.current])).toEqual([
      [boxOf(CURRENT).currentKeyId, true],
      [boxOf(OLD).currentKeyId, false],
    ]);
    const hook = await app.client.call<CreatedWebhook>('createWebhook', { headers: admin.auth, body: { url: 'http://127.0.0.1:9/hook', events: ['context.created'] } });
    expect(hook.status).toBe(201);
    const [row] = (await app.app.get(DataSource).query('SELECT secret FROM webhooks WHERE id = $1', [hook.body.id])) as Array<{ secret: string }>;
    expect(boxOf(CURRENT).decrypt(row.secret)).toBe(hook.body.secret);
    const [read] = secretReads('secret/data/secure-mcp');
    expect(read.headers).toMatchObject({ 'x-vault-token': TOKEN, 'x-vault-namespace': 'team-a' });

    const healthy = (await app.client.call<Health>('getDetailedHealth', { headers: admin.auth })).body;
    expect(healthy.components.vault).toMatchObject({ status: 'healthy', sealed: false, version: '1.15.6' });
    // Sealed later: the keys are already read, so the instance serves on, reported degraded and still ready.
    vault.seal(true);
    try {
      // Vault is asked at most every 2 s, whoever asks the public report.
      await new Promise((resolve) => setTimeout(resolve, 2_100));
      const degraded = (await app.client.call<Health>('getDetailedHealth', { headers: admin.auth })).body;
      expect(degraded.status).toBe('degraded');
      expect(degraded.components.vault).toMatchObject({ status: 'unhealthy', sealed: true, error: 'Vault is sealed' });
      expect((await app.client.call<{ ready: boolean }>('getReadiness')).body.ready).toBe(true);
      expect((await app.client.call('createContext', { headers: admin.auth, body: { name: 'while sealed' } })).status).toBe(201);
    } finally {
      vault.seal(false);
    }
    expect(JSON.stringify(healthy)).not.toContain(TOKEN);
    const healthChecks = vault.requests.filter((request) => request.path === '/v1/sys/health');
    expect(healthChecks.length).toBeGreaterThan(0);
    expect(healthChecks.every((request) => request.headers['x-vault-token'] === undefined)).toBe(true);
    // Asked again within 2 s: answered from the last check, not from Vault.
    const asked = healthChecks.length;
    await Promise.all([1, 2, 3].map(() => app.client.call('getDetailedHealth', { headers: admin.auth })));
    expect(vault.requests.filter((request) => request.path === '/v1/sys/health').length - asked).toBeLessThanOrEqual(1);
  });

  it('reads a KV version 1 secret, with the older keys as comma-separated text', async () => {
    vault.put('kv/secure-mcp', { SECRETS_KEY: CURRENT, SECRETS_PREVIOUS_KEYS: `${OLD}` }, 1);
    const app = await boot({ VAULT_SECRET_PATH: 'kv/secure-mcp' });
    const admin = await registerAndLoginAs(app, ['admin']);
    const status = (await app.client.call<SecretsStatus>('getSecretsStatus', { headers: admin.auth })).body;
    expect(status.keys.map((entry) => entry.id)).toEqual([boxOf(CURRENT).currentKeyId, boxOf(OLD).currentKeyId]);
  });

  it('waits for a Vault that is briefly unavailable', async () => {
    const before = secretReads('secret/data/secure-mcp').length;
    vault.unavailableFor(2);
    const app = await boot();
    expect(secretReads('secret/data/secure-mcp').length - before).toBe(3);
    expect((await app.client.call('getHealth')).status).toBe(200);
  });

  it('signs in with an AppRole once, reads the keys with the token it was given, and revokes that token', async () => {
    const issuedBefore = vault.loginTokens.issued.length;
    vault.unavailableFor(1);
    const app = await boot({ VAULT_TOKEN: '', VAULT_ROLE_ID: ROLE_ID, VAULT_SECRET_ID: SECRET_ID });
    // One login even though the first read was answered 503: a secret_id may be good for one use.
    expect(vault.loginTokens.issued.length - issuedBefore).toBe(1);
    const issued = vault.loginTokens.issued.at(-1) as string;
    const reads = secretReads('secret/data/secure-mcp').slice(-2);
    expect(reads.map((read) => read.headers['x-vault-token'])).toEqual([issued, issued]);
    expect(vault.loginTokens.revoked).toContain(issued);
    const admin = await registerAndLoginAs(app, ['admin']);
    const status = (await app.client.call<SecretsStatus>('getSecretsStatus', { headers: admin.auth })).body;
    expect(status.keys.map((entry) => entry.id)).toEqual([boxOf(CURRENT).currentKeyId, boxOf(OLD).currentKeyId]);

    const refused = await startTestApp(envFor({ VAULT_TOKEN: '', VAULT_ROLE_ID: ROLE_ID, VAULT_SECRET_ID: 'a-wrong-secret-id' })).then(
      (started) => {
        apps.push(started);
        return new Error('started');
      },
      (error: Error) => error,
    );
    expect(refused.message).toMatch(/Could not read the sealing keys from Vault: POST \/v1\/auth\/approle\/login answered 400: invalid role or secret ID/);
    expect(refused.message).not.toContain('a-wrong-secret-id');
  });

  it('reaches a Vault on https:// with a private CA through VAULT_CACERT, and refuses its certificate at once without it', async () => {
    const ca = createTestCa('Vault CA');
    const secure = await startVaultServer(TOKEN, { tls: ca.issue('127.0.0.1', { names: ['127.0.0.1'] }) });
    try {
      secure.put('secret/data/secure-mcp', { SECRETS_KEY: CURRENT });
      const caFile = join(mkdtempSync(join(tmpdir(), 'vault-ca-')), 'ca.pem');
      writeFileSync(caFile, ca.pem);
      const app = await boot({ VAULT_ADDR: secure.address, VAULT_CACERT: caFile });
      const health = (await app.client.call<Health>('getDetailedHealth')).body;
      expect(health.components.vault).toMatchObject({ status: 'healthy', sealed: false });

      const connectionsBefore = secure.connections();
      const refused = await startTestApp(envFor({ VAULT_ADDR: secure.address })).then(
        (running) => {
          apps.push(running);
          return new Error('started');
        },
        (error: Error) => error,
      );
      expect(refused.message).toMatch(/Could not read the sealing keys from Vault: not reachable at https:\/\/127\.0\.0\.1:\d+ \(fetch failed: .*certificate/);
      // Not retried: an untrusted certificate does not change while we wait.
      expect(secure.connections() - connectionsBefore).toBe(1);
    } finally {
      await secure.close();
    }
  });

  it('does not start without its keys, and says why without the token', async () => {
    vault.put('secret/data/short', { SECRETS_KEY: 'too-short' });
    vault.put('secret/data/empty', { OTHER: 'x' });
    vault.put('secret/data/repeated', { SECRETS_KEY: CURRENT, SECRETS_PREVIOUS_KEYS: [CURRENT] });
    const refusals: Array<[Record<string, string>, RegExp]> = [
      [{ VAULT_TOKEN: 's.wrong-token' }, /answered 403: permission denied/],
      [{ VAULT_SECRET_PATH: 'secret/data/missing' }, /answered 404/],
      [{ VAULT_SECRET_PATH: 'secret/data/short' }, /SECRETS_KEY must be 32 bytes/],
      [{ VAULT_SECRET_PATH: 'secret/data/empty' }, /has no SECRETS_KEY field/],
      [{ VAULT_SECRET_PATH: 'secret/data/repeated' }, /SECRETS_PREVIOUS_KEYS must not repeat SECRETS_KEY/],
    ];
    for (const [overrides, why] of refusals) {
      const failed = await startTestApp(envFor(overrides)).then(
        (app) => {
          apps.push(app);
          return new Error('started');
        },
        (error: Error) => error,
      );
      expect(failed.message, JSON.stringify(overrides)).toMatch(/Could not read the sealing keys from Vault/);
      expect(failed.message, JSON.stringify(overrides)).toMatch(why);
      expect(failed.message).not.toContain('s.wrong-token');
      expect(failed.message).not.toContain(TOKEN);
    }
  });
});
