import { AuditLogEntity } from '@app/audit';
import { parseConfig } from '@app/config';
import type { CreatedApiKey, CreatedWebhook, LoginResponse, MfaEnrollment, ResealResult, SecretsStatus } from '@app/contracts';
import { SecretBox } from '@app/security';
import {
  Authenticator,
  type ContractClient,
  createKeptDatabase,
  type LoggedInUser,
  login,
  type McpTestServer,
  registerAndLogin,
  registerAndLoginAs,
  startMcpTestServer,
  startTestApp,
  startWebhookReceiver,
  type TestApp,
  type TestDatabase,
  until,
  useTestApp,
  type WebhookReceiver,
} from '@app/testing';
import { verifyBodySignature } from '@app/webhooks';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const key = (): string => randomBytes(32).toString('hex');
const boxOf = (current: string, previous: string[] = []): SecretBox => new SecretBox(parseConfig({ SECRETS_KEY: current, SECRETS_PREVIOUS_KEYS: previous.join(',') }));
const asAdmin = (admin: LoggedInUser) => ({ headers: admin.auth });

async function statusOf(client: ContractClient, admin: { auth: Record<string, string> }): Promise<SecretsStatus> {
  const response = await client.call<SecretsStatus>('getSecretsStatus', { headers: admin.auth });
  expect(response.status).toBe(200);
  return response.body;
}

const sealedUnder = (status: SecretsStatus, keyId: string): number | undefined => status.keys.find((entry) => entry.id === keyId)?.sealedValues;

/**
 * An operator's rotation on a database that outlives the servers: secrets stored under the old key,
 * a restart with the new key and the old one kept, then a restart with the new key alone.
 */
describe('rotating SECRETS_KEY across restarts', () => {
  const OLD = key();
  const NEW = key();
  const ADMIN = { email: 'rotation.admin@example.test', password: 'Adm1n!Passw0rd-rotation' };
  const UPSTREAM_AUTHORIZATION = `Bearer upstream-${randomBytes(8).toString('hex')}`;
  let kept: TestDatabase;
  let receiver: WebhookReceiver;
  let upstream: McpTestServer;
  let running: TestApp | undefined;

  beforeAll(async () => {
    kept = await createKeptDatabase();
    receiver = await startWebhookReceiver();
    upstream = await startMcpTestServer();
    upstream.requireAuthorization([UPSTREAM_AUTHORIZATION]);
  });
  afterAll(async () => {
    await running?.close();
    await receiver?.stop();
    await upstream?.close();
    await kept?.drop();
  });

  async function boot(secrets: Record<string, string>): Promise<TestApp> {
    await running?.close();
    running = await startTestApp({ ...secrets, ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, WEBHOOK_ALLOWLIST: '127.0.0.1', WEBHOOK_POLL_MS: '50' }, { database: kept.target });
    return running;
  }

  it('keeps every secret working: sealed again at the start that knows both keys, and usable once the old key is gone', async () => {
    const oldBox = boxOf(OLD);
    const newBox = boxOf(NEW);

    // Under the old key: a webhook, an upstream server with a secret header, an API key, a user with TOTP.
    let app = await boot({ SECRETS_KEY: OLD });
    let admin = await login(app.client, ADMIN);
    const hook = await app.client.call<CreatedWebhook>('createWebhook', { headers: admin.auth, body: { url: receiver.url, events: ['context.created'] } });
    expect(hook.status).toBe(201);
    const server = await app.client.call<{ id: string }>('createServer', {
      headers: admin.auth,
      body: { name: 'guarded', transport: { type: 'streamable-http', url: upstream.url, headers: { authorization: UPSTREAM_AUTHORIZATION } } },
    });
    expect(server.status).toBe(201);
    const apiKey = (await app.client.call<CreatedApiKey>('createApiKey', { headers: admin.auth, body: { name: 'ci', scopes: ['read:tools'] } })).body;
    const member = await registerAndLogin(app.client);
    const enrolled = await app.client.call<MfaEnrollment>('enableMfa', { headers: member.auth, body: { type: 'totp' } });
    const authenticator = new Authenticator(enrolled.body.secret as string);
    expect((await app.client.call('verifyMfaSetup', { headers: member.auth, body: { code: await authenticator.freshCode(), type: 'totp' } })).status).toBe(200);
    const [usedBackup, unusedBackup] = enrolled.body.backupCodes;
    const before = await statusOf(app.client, admin);
    expect(before).toMatchObject({ currentKeyId: oldBox.currentKeyId, unreadableValues: 0 });
    // The webhook secret, the header and the TOTP secret.
    expect(sealedUnder(before, oldBox.currentKeyId)).toBe(3);

    // Rotation: the new key, with the old one kept. The start seals everything again, in the background.
    app = await boot({ SECRETS_KEY: NEW, SECRETS_PREVIOUS_KEYS: OLD });
    admin = await login(app.client, ADMIN);
    const rotated = await until(
      () => statusOf(app.client, admin),
      (status) => sealedUnder(status, oldBox.currentKeyId) === 0,
    );
    expect(rotated).toMatchObject({
      currentKeyId: newBox.currentKeyId,
      keys: [
        { id: newBox.currentKeyId, current: true, sealedValues: 3 },
        { id: oldBox.currentKeyId, current: false, sealedValues: 0 },
      ],
      unreadableValues: 0,
    });
    expect(rotated.stores.find((store) => store.name === 'webhooks.secret')).toMatchObject({ sealedValues: 1, underOlderKeys: 0, unreadable: 0 });
    const db = app.app.get(DataSource);
    const [stored] = (await db.query('SELECT secret FROM webhooks WHERE id = $1', [hook.body.id])) as Array<{ secret: string }>;
    expect(stored.secret.startsWith(`v2.${newBox.currentKeyId}.`)).toBe(true);
    const [resealAudit] = await db.getRepository(AuditLogEntity).findBy({ action: 'secrets.reseal' });
    expect(resealAudit).toMatchObject({ userId: null, result: 'success', details: { resealed: 3, unreadable: 0, changedMeanwhile: 0 } });
    // Keyed hashes cannot be made again without the secret: the API key's is, when it is used.
    expect((await app.client.call('listTools', { headers: { authorization: `ApiKey ${apiKey.key}` } })).status).toBe(200);
    const [keyRow] = (await db.query('SELECT key_hash FROM api_keys WHERE id = $1', [apiKey.id])) as Array<{ key_hash: string }>;
    expect(keyRow.key_hash).toBe(newBox.mac(apiKey.key));
    // A backup code hashed under the old key still counts, once.
    const withBackup = await app.client.call<LoginResponse>('loginUser', { body: { email: member.input.email, password: member.input.password, backupCode: usedBackup } });
    expect(withBackup.status).toBe(200);
    expect((await app.client.call('loginUser', { body: { email: member.input.email, password: member.input.password, backupCode: usedBackup } })).status).toBe(401);

    // The old key gone.
    app = await boot({ SECRETS_KEY: NEW });
    admin = await login(app.client, ADMIN);
    expect(await statusOf(app.client, admin)).toMatchObject({ keys: [{ id: newBox.currentKeyId, current: true, sealedValues: 3 }], unreadableValues: 0 });
    expect((await app.client.call('listTools', { headers: { authorization: `ApiKey ${apiKey.key}` } })).status).toBe(200);
    // The upstream gets its header, opened with the new key.
    expect((await app.client.call('connectServer', { headers: admin.auth, params: { id: server.body.id } })).status).toBe(200);
    expect(upstream.lastAuthorization()).toBe(UPSTREAM_AUTHORIZATION);
    // Deliveries are signed with the secret the receiver was given.
    expect((await app.client.call('createContext', { headers: admin.auth, body: { name: 'after rotation' } })).status).toBe(201);
    const [delivery] = await receiver.waitFor(1, 10_000);
    expect(verifyBodySignature(hook.body.secret, delivery.body, String(delivery.headers['x-webhook-signature']))).toBe(true);
    const withTotp = await app.client.call<LoginResponse>('loginUser', { body: { email: member.input.email, password: member.input.password, mfaCode: await authenticator.freshCode() } });
    expect(withTotp.status).toBe(200);
    // What the docs warn of: a backup code never used while the old key was configured no longer works.
    expect((await app.client.call('loginUser', { body: { email: member.input.email, password: member.input.password, backupCode: unusedBackup } })).status).toBe(401);

    // An enabled server whose header only a removed key opens: the next start goes on without it.
    const [current] = (await app.app.get(DataSource).query('SELECT transport FROM upstream_servers WHERE id = $1', [server.body.id])) as Array<{ transport: { headers: Record<string, string> } }>;
    const lost = { ...current.transport, headers: Object.fromEntries(Object.keys(current.transport.headers).map((name) => [name, boxOf(key()).encrypt(UPSTREAM_AUTHORIZATION)])) };
    await app.app.get(DataSource).query('UPDATE upstream_servers SET transport = $1::jsonb, enabled = true WHERE id = $2', [JSON.stringify(lost), server.body.id]);
    app = await boot({ SECRETS_KEY: NEW });
    admin = await login(app.client, ADMIN);
    expect((await app.client.call<{ status: string }>('getServer', { headers: admin.auth, params: { id: server.body.id } })).body.status).toBe('disconnected');
    expect((await app.client.call('listTools', { headers: admin.auth })).status).toBe(200);
  }, 120_000);
});

/** Values sealed under older keys, put in place as an earlier version or key would have left them. */
describe('the sealed secrets API', () => {
  const OLD = key();
  const NEW = key();
  const GONE = key();
  const t = useTestApp({ SECRETS_KEY: NEW, SECRETS_PREVIOUS_KEYS: OLD, WEBHOOK_ALLOWLIST: '127.0.0.1' });
  let admin: LoggedInUser;
  const newBox = boxOf(NEW);
  const oldBox = boxOf(OLD);
  const db = () => t.app.get(DataSource);

  beforeAll(async () => {
    admin = await registerAndLoginAs(t, ['admin']);
  });

  async function webhookSealedAs(sealed: string): Promise<string> {
    const hook = await t.client.call<CreatedWebhook>('createWebhook', { ...asAdmin(admin), body: { url: 'http://127.0.0.1:9/hook', events: ['context.created'] } });
    expect(hook.status).toBe(201);
    await db().query('UPDATE webhooks SET secret = $1 WHERE id = $2', [sealed, hook.body.id]);
    return hook.body.id;
  }

  const secretOf = async (id: string): Promise<string> => ((await db().query('SELECT secret FROM webhooks WHERE id = $1', [id])) as Array<{ secret: string }>)[0].secret;

  it('is for admins only', async () => {
    const user = await registerAndLogin(t.client);
    expect((await t.client.call('getSecretsStatus', { headers: user.auth })).status).toBe(403);
    expect((await t.client.call('resealSecrets', { headers: user.auth })).status).toBe(403);
    expect((await t.client.call('getSecretsStatus')).status).toBe(401);
    expect((await t.client.call('resealSecrets')).status).toBe(401);
  });

  it('counts values under each key and those no key opens, seals the old ones again, and leaves the unreadable as they are', async () => {
    const underOld = await webhookSealedAs(oldBox.encrypt('whsec-old'));
    const sealedUnderGone = boxOf(GONE).encrypt('whsec-gone');
    const underGone = await webhookSealedAs(sealedUnderGone);
    // The ciphertext's first character, whose six bits are all data: the last one's lowest bits
    // may be base64 padding, which decoding ignores (a quarter of the runs tampered with nothing).
    const sealedFine = newBox.encrypt('whsec-tampered');
    const cut = sealedFine.lastIndexOf('.') + 1;
    const tampered = `${sealedFine.slice(0, cut)}${sealedFine[cut] === 'A' ? 'B' : 'A'}${sealedFine.slice(cut + 1)}`;
    const underNone = await webhookSealedAs(tampered);
    // A server whose environment was sealed under the old key, beside a value that only looks sealed.
    const server = await t.client.call<{ id: string }>('createServer', { ...asAdmin(admin), body: { name: 'sealed-env', enabled: false, transport: { type: 'streamable-http', url: 'http://127.0.0.1:9/mcp' } } });
    expect(server.status).toBe(201);
    const transport = { type: 'stdio', command: 'node', args: ['v1.not.sealed.text'], env: { TOKEN: oldBox.encrypt('env-secret') } };
    await db().query('UPDATE upstream_servers SET transport = $1::jsonb WHERE id = $2', [JSON.stringify(transport), server.body.id]);

    const before = await statusOf(t.client, admin);
    expect(sealedUnder(before, oldBox.currentKeyId)).toBe(2);
    expect(before.unreadableValues).toBe(2);
    expect(before.stores.find((store) => store.name === 'webhooks.secret')).toMatchObject({ sealedValues: 3, underOlderKeys: 1, unreadable: 2 });
    expect(before.stores.find((store) => store.name === 'upstream_servers.transport')).toMatchObject({ sealedValues: 1, underOlderKeys: 1, unreadable: 0 });
    expect(before.stores.map((store) => store.name)).toEqual(
      expect.arrayContaining(['users.mfa_secret', 'upstream_servers.auth', 'upstream_user_configs.sealed', 'upstream_organization_configs.sealed', 'http_tools.headers', 'http_tools.auth', 'tool_executions.pending_input']),
    );

    const resealed = await t.client.call<ResealResult>('resealSecrets', asAdmin(admin));
    expect(resealed.status).toBe(200);
    expect(resealed.body).toMatchObject({ resealed: 2, unreadable: 2, changedMeanwhile: 0 });
    expect(sealedUnder(resealed.body.status, oldBox.currentKeyId)).toBe(0);
    expect(resealed.body.status.unreadableValues).toBe(2);

    expect(newBox.decrypt(await secretOf(underOld))).toBe('whsec-old');
    expect(await secretOf(underGone)).toBe(sealedUnderGone);
    expect(await secretOf(underNone)).toBe(tampered);
    const [row] = (await db().query('SELECT transport FROM upstream_servers WHERE id = $1', [server.body.id])) as Array<{ transport: typeof transport }>;
    expect(row.transport.args).toEqual(['v1.not.sealed.text']);
    expect(boxOf(NEW).decrypt(row.transport.env.TOKEN)).toBe('env-secret');

    const audits = await db().getRepository(AuditLogEntity).findBy({ action: 'secrets.reseal', userId: admin.userId });
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ result: 'success', resource: `secrets-key:${newBox.currentKeyId}`, details: { resealed: 2, unreadable: 2, changedMeanwhile: 0 } });

    // Nothing left to do: a second sweep changes nothing.
    expect((await t.client.call<ResealResult>('resealSecrets', asAdmin(admin))).body).toMatchObject({ resealed: 0, unreadable: 2 });
    await db().query('DELETE FROM webhooks WHERE id = ANY($1)', [[underGone, underNone]]);
  });

  it('a secret no configured key opens answers 503 saying so, never 500, and the rest keeps working', async () => {
    type Envelope = { error: string; message: string; details?: Array<{ field: string; code: string; message: string }> };
    const gone = boxOf(GONE);
    // An upstream whose header was sealed under a key since removed.
    const server = await t.client.call<{ id: string }>('createServer', { ...asAdmin(admin), body: { name: 'lost-header', enabled: false, transport: { type: 'streamable-http', url: 'http://127.0.0.1:9/mcp' } } });
    expect(server.status).toBe(201);
    await db().query('UPDATE upstream_servers SET transport = $1::jsonb WHERE id = $2', [JSON.stringify({ type: 'streamable-http', url: 'http://127.0.0.1:9/mcp', headers: { authorization: gone.encrypt('header-secret') } }), server.body.id]);
    const connect = await t.client.call<Envelope>('connectServer', { ...asAdmin(admin), params: { id: server.body.id } });
    expect(connect.status).toBe(503);
    expect(connect.body).toMatchObject({ error: 'SERVICE_UNAVAILABLE', details: [{ field: 'secret', code: 'SECRET_UNREADABLE', message: expect.stringContaining(gone.currentKeyId) }] });
    expect(connect.body.message).not.toContain('header-secret');

    // A second factor sealed under it: the sign-in says why it cannot go on, rather than failing blind.
    const member = await registerAndLogin(t.client);
    const enrolled = await t.client.call<MfaEnrollment>('enableMfa', { headers: member.auth, body: { type: 'totp' } });
    const authenticator = new Authenticator(enrolled.body.secret as string);
    expect((await t.client.call('verifyMfaSetup', { headers: member.auth, body: { code: await authenticator.freshCode(), type: 'totp' } })).status).toBe(200);
    await db().query('UPDATE users SET mfa_secret = $1 WHERE id = $2', [gone.encrypt(enrolled.body.secret as string), member.userId]);
    const signIn = await t.client.call<Envelope>('loginUser', { body: { email: member.input.email, password: member.input.password, mfaCode: await authenticator.freshCode() } });
    expect(signIn.status).toBe(503);
    expect(signIn.body.details).toEqual([expect.objectContaining({ code: 'SECRET_UNREADABLE' })]);
    expect((await t.client.call('listServers', asAdmin(admin))).status).toBe(200);
    // Left as they were, they would count as unreadable in the tests after this one.
    await db().query('DELETE FROM upstream_servers WHERE id = $1', [server.body.id]);
    await db().query('UPDATE users SET mfa_secret = NULL, mfa_enabled = false WHERE id = $1', [member.userId]);
  });

  it('opens values sealed before keys were named (v1), and seals them again under the current key', async () => {
    const legacy = ['v1', ...oldBox.encrypt('whsec-v1').split('.').slice(2)].join('.');
    const id = await webhookSealedAs(legacy);
    expect(sealedUnder(await statusOf(t.client, admin), oldBox.currentKeyId)).toBe(1);
    expect((await t.client.call<ResealResult>('resealSecrets', asAdmin(admin))).body).toMatchObject({ resealed: 1, unreadable: 0 });
    expect(newBox.keyIdOf(await secretOf(id))).toBe(newBox.currentKeyId);
    expect(newBox.decrypt(await secretOf(id))).toBe('whsec-v1');
  });

  it('runs one sweep at a time: requests made together share it rather than race over the same rows', async () => {
    const id = await webhookSealedAs(oldBox.encrypt('whsec-shared'));
    const answers = await Promise.all([1, 2, 3].map(() => t.client.call<ResealResult>('resealSecrets', asAdmin(admin))));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
    // Two sweeps at once would both read the row, and the one that lost the write would count it as changed.
    expect(answers.map((answer) => answer.body.changedMeanwhile)).toEqual([0, 0, 0]);
    expect(answers.some((answer) => answer.body.resealed === 1)).toBe(true);
    for (const answer of answers) expect([0, 1]).toContain(answer.body.resealed);
    expect(newBox.decrypt(await secretOf(id))).toBe('whsec-shared');
  });

  it('refuses a malformed body with 400, not 500', async () => {
    const response = await fetch(`${t.baseUrl}/api/v1/admin/secrets/reseal`, { method: 'POST', headers: { ...admin.auth, 'content-type': 'application/json' }, body: '{"oops' });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: expect.any(String), message: expect.any(String) });
  });
});
