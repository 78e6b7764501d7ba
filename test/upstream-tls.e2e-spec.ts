import type { AuditLogList, ToolExecution, UpstreamServer, UpstreamServerList } from '@app/contracts';
import { createTestCa, encryptedKey, type IssuedCertificate, type LoggedInUser, type McpTestServer, metricValue, registerAndLoginAs, startMcpTestServer, type TestCa, TOKEN_ISSUED, useTestApp } from '@app/testing';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

type Envelope = { error: string; message: string; details?: Array<{ field: string; message: string; code: string }> };
type McpContent = { content: Array<{ type: string; text: string }> };

const DAY_MS = 86_400_000;

describe('TLS to upstream servers: a private CA, client certificates (mutual TLS), a server name', () => {
  const t = useTestApp();
  let admin: LoggedInUser;
  let serverCa: TestCa;
  let clientCa: TestCa;
  let client: IssuedCertificate;
  /** Serves only clients with a certificate of clientCa, with a certificate of serverCa for 127.0.0.1. */
  let mutual: McpTestServer;
  /** A certificate for mcp.internal only, reached at 127.0.0.1. */
  let named: McpTestServer;

  const create = (body: Record<string, unknown>) => t.client.call<UpstreamServer & Envelope>('createServer', { headers: admin.auth, body: { timeouts: { connectMs: 3_000 }, ...body } });
  const put = (id: string, body: Record<string, unknown>) => t.client.call<UpstreamServer & Envelope>('updateServer', { headers: admin.auth, params: { id }, body: { timeouts: { connectMs: 3_000 }, ...body } });
  const patch = (id: string, body: Record<string, unknown>) => t.client.call<UpstreamServer & Envelope>('patchServer', { headers: admin.auth, params: { id }, body });
  const remove = (id: string) => t.client.call('deleteServer', { headers: admin.auth, params: { id } });
  const run = (tool: string, message: string) => t.client.call<ToolExecution & Envelope>('executeTool', { headers: admin.auth, params: { id: tool }, body: { parameters: { message } } });
  const mutualTls = () => ({ ca: serverCa.pem, cert: client.cert, key: client.key });

  beforeAll(async () => {
    admin = await registerAndLoginAs(t, ['admin']);
    serverCa = createTestCa('Upstream Server CA');
    clientCa = createTestCa('Gateway Client CA');
    client = clientCa.issue('gateway-client', { client: true });
    mutual = await startMcpTestServer({ tls: { ...serverCa.issue('127.0.0.1', { names: ['127.0.0.1'] }), clientCa: clientCa.pem } });
    named = await startMcpTestServer({ tls: serverCa.issue('mcp.internal', { names: ['mcp.internal'] }) });
  });

  afterAll(async () => {
    await mutual?.close();
    await named?.close();
  });

  it('presents the client certificate over Streamable HTTP, SSE and WebSocket, trusting the private CA', async () => {
    const transports = [
      ['mtls-http', { type: 'streamable-http', url: mutual.url }],
      ['mtls-sse', { type: 'sse', url: mutual.sseUrl }],
      ['mtls-ws', { type: 'websocket', url: mutual.wsUrl }],
    ] as const;
    for (const [name, transport] of transports) {
      const created = await create({ name, transport: { ...transport, tls: mutualTls() } });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      expect(created.body.status, created.body.lastError ?? '').toBe('connected');
      const echoed = await run(`${name}__echo`, `hello over ${transport.type}`);
      expect(echoed.body.status, JSON.stringify(echoed.body)).toBe('completed');
      expect((echoed.body.result as McpContent).content[0].text).toBe(`echo: hello over ${transport.type}`);
      expect(mutual.lastClientCertificate()).toBe('gateway-client');
      expect((await remove(created.body.id)).status).toBe(204);
    }
  });

  it('answers the settings with the key masked, and describes the client certificate', async () => {
    const created = await create({ name: 'mtls-view', transport: { type: 'streamable-http', url: mutual.url, tls: mutualTls() } });
    expect(created.status).toBe(201);
    expect(created.body.transport.tls).toEqual({ ca: serverCa.pem, cert: client.cert, key: '********' });
    const certificate = created.body.clientCertificate;
    expect(certificate).toMatchObject({ subject: 'CN=gateway-client', issuer: 'CN=Gateway Client CA', fingerprint256: expect.stringMatching(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/) });
    expect(Date.parse(certificate?.validTo ?? '') - Date.now()).toBeGreaterThan(6 * DAY_MS);
    const fetched = await t.client.call<UpstreamServer>('getServer', { headers: admin.auth, params: { id: created.body.id } });
    expect(JSON.stringify(fetched.body)).not.toContain(client.key.split('\n')[1]);
    const expiry = metricValue((await t.client.call('getMetrics')).text, 'mcp_upstream_client_certificate_expiry_seconds', { server: 'mtls-view' });
    expect(expiry).toBeGreaterThan(6 * 86_400);
    expect(expiry).toBeLessThanOrEqual(7 * 86_400);
    // A server without a client certificate has no series, and null for its certificate.
    const plain = await create({ name: 'tls-ca-only', transport: { type: 'streamable-http', url: named.url, tls: { ca: serverCa.pem, servername: 'mcp.internal' } } });
    expect(plain.body.clientCertificate).toBeNull();
    expect(metricValue((await t.client.call('getMetrics')).text, 'mcp_upstream_client_certificate_expiry_seconds', { server: 'tls-ca-only' })).toBeUndefined();
    await remove(plain.body.id);

    // Masked, the key (and its passphrase) stays: the server still connects after a PUT and a PATCH.
    const same = await put(created.body.id, { name: 'mtls-view', transport: { type: 'streamable-http', url: mutual.url, tls: { ...mutualTls(), key: '********' } } });
    expect(same.status, JSON.stringify(same.body)).toBe(200);
    expect(same.body.status).toBe('connected');
    // A new certificate with the masked key: checked against the stored key, which is not its own.
    const patched = await patch(created.body.id, { transport: { tls: { cert: clientCa.issue('another-client', { client: true }).cert } }, description: 'patched' });
    expect(patched.status, JSON.stringify(patched.body)).toBe(400);
    expect(patched.body.details?.[0]).toMatchObject({ field: 'transport.tls.key', code: 'KEY_MISMATCH' });
    const described = await patch(created.body.id, { description: 'patched' });
    expect(described.status, JSON.stringify(described.body)).toBe(200);
    expect(described.body.transport.tls?.key).toBe('********');
    // Taking tls away: the server asks for a certificate the gateway no longer shows, and its CA is not trusted.
    const untrusted = await patch(created.body.id, { transport: { tls: null } });
    expect(untrusted.status, JSON.stringify(untrusted.body)).toBe(200);
    expect(untrusted.body.transport.tls).toBeUndefined();
    expect(untrusted.body.clientCertificate).toBeNull();
    expect(untrusted.body.status).toBe('error');
    expect(untrusted.body.lastError).toMatch(/certificate/i);
    // Nothing stored to keep now.
    const nothingKept = await put(created.body.id, { name: 'mtls-view', transport: { type: 'streamable-http', url: mutual.url, tls: { ...mutualTls(), key: '********' } } });
    expect(nothingKept.status).toBe(400);
    expect(nothingKept.body.details).toEqual([expect.objectContaining({ field: 'transport.tls.key', code: 'MASKED_VALUE' })]);
    await remove(created.body.id);
  });

  it('says why a handshake failed: no client certificate, an untrusted CA, another name', async () => {
    const noCertificate = await create({ name: 'tls-no-cert', transport: { type: 'streamable-http', url: mutual.url, tls: { ca: serverCa.pem } } });
    expect(noCertificate.status).toBe(201);
    expect(noCertificate.body.status).toBe('error');
    const otherClient = createTestCa('Somebody Else').issue('intruder', { client: true });
    const wrongIssuer = await create({ name: 'tls-wrong-client', transport: { type: 'websocket', url: mutual.wsUrl, tls: { ca: serverCa.pem, ...otherClient } } });
    expect(wrongIssuer.body.status).toBe('error');
    const publicRoots = await create({ name: 'tls-public-roots', transport: { type: 'streamable-http', url: named.url } });
    expect(publicRoots.body.status).toBe('error');
    expect(publicRoots.body.lastError).toMatch(/certificate/i);
    const wrongName = await create({ name: 'tls-wrong-name', transport: { type: 'streamable-http', url: named.url, tls: { ca: serverCa.pem } } });
    expect(wrongName.body.status).toBe('error');
    expect(wrongName.body.lastError).toMatch(/mcp\.internal|altnames|hostname/i);
    const rightName = await create({ name: 'tls-right-name', transport: { type: 'streamable-http', url: named.url, tls: { ca: serverCa.pem, servername: 'mcp.internal' } } });
    expect(rightName.body.status, rightName.body.lastError ?? '').toBe('connected');
    expect((await run('tls-right-name__echo', 'named')).body.status).toBe('completed');
    const wrongNameWs = await create({ name: 'tls-wrong-name-ws', transport: { type: 'websocket', url: named.wsUrl, tls: { ca: serverCa.pem } } });
    expect(wrongNameWs.body.status).toBe('error');
    const rightNameWs = await create({ name: 'tls-right-name-ws', transport: { type: 'websocket', url: named.wsUrl, tls: { ca: serverCa.pem, servername: 'mcp.internal' } } });
    expect(rightNameWs.body.status, rightNameWs.body.lastError ?? '').toBe('connected');
    for (const created of [noCertificate, wrongIssuer, publicRoots, wrongName, rightName, wrongNameWs, rightNameWs]) await remove(created.body.id);
  });

  it('opens an encrypted key with its passphrase, kept masked as the key is', async () => {
    const locked = encryptedKey(client.key, 'open sesame');
    const created = await create({ name: 'tls-encrypted', transport: { type: 'streamable-http', url: mutual.url, tls: { ca: serverCa.pem, cert: client.cert, key: locked, passphrase: 'open sesame' } } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.status, created.body.lastError ?? '').toBe('connected');
    expect(created.body.transport.tls).toMatchObject({ key: '********', passphrase: '********' });
    const kept = await put(created.body.id, { name: 'tls-encrypted', transport: { type: 'streamable-http', url: mutual.url, tls: { ca: serverCa.pem, cert: client.cert, key: '********', passphrase: '********' } } });
    expect(kept.status, JSON.stringify(kept.body)).toBe(200);
    expect(kept.body.status).toBe('connected');
    const wrong = await create({ name: 'tls-wrong-pass', transport: { type: 'streamable-http', url: mutual.url, tls: { ca: serverCa.pem, cert: client.cert, key: locked, passphrase: 'guess' } } });
    expect(wrong.status).toBe(400);
    expect(wrong.body.details).toEqual([expect.objectContaining({ field: 'transport.tls.passphrase' })]);
    expect(JSON.stringify(wrong.body)).not.toContain('guess');
    const missing = await create({ name: 'tls-no-pass', transport: { type: 'streamable-http', url: mutual.url, tls: { ca: serverCa.pem, cert: client.cert, key: locked } } });
    expect(missing.status).toBe(400);
    expect(missing.body.details).toEqual([expect.objectContaining({ field: 'transport.tls.passphrase' })]);
    await remove(created.body.id);
  });

  it('refuses settings that could never work, saying where, and stores nothing', async () => {
    const other = clientCa.issue('other-client', { client: true });
    const expired = clientCa.issue('old-client', { client: true, notBefore: new Date(Date.now() - 10 * DAY_MS), notAfter: new Date(Date.now() - DAY_MS) });
    const early = clientCa.issue('future-client', { client: true, notBefore: new Date(Date.now() + DAY_MS), notAfter: new Date(Date.now() + 10 * DAY_MS) });
    const https = { type: 'streamable-http', url: mutual.url };
    const cases: Array<[Record<string, unknown>, string, string?]> = [
      [{ type: 'stdio', command: 'node', tls: { ca: serverCa.pem } }, 'transport.tls'],
      [{ type: 'streamable-http', url: mutual.url.replace('https:', 'http:'), tls: { ca: serverCa.pem } }, 'transport.tls'],
      [{ type: 'websocket', url: mutual.wsUrl.replace('wss:', 'ws:'), tls: { ca: serverCa.pem } }, 'transport.tls'],
      [{ ...https, tls: { cert: client.cert } }, 'transport.tls.key', 'REQUIRED'],
      [{ ...https, tls: { key: client.key } }, 'transport.tls.cert', 'REQUIRED'],
      [{ ...https, tls: { passphrase: 'x' } }, 'transport.tls.passphrase'],
      [{ ...https, tls: { cert: client.cert, key: other.key } }, 'transport.tls.key', 'KEY_MISMATCH'],
      [{ ...https, tls: { ...expired } }, 'transport.tls.cert', 'CERTIFICATE_EXPIRED'],
      [{ ...https, tls: { ...early } }, 'transport.tls.cert', 'CERTIFICATE_NOT_YET_VALID'],
      [{ ...https, tls: { ca: 'not a certificate' } }, 'transport.tls.ca', 'INVALID_CERTIFICATE'],
      [{ ...https, tls: { ca: `-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----` } }, 'transport.tls.ca', 'INVALID_CERTIFICATE'],
      [{ ...https, tls: { cert: client.cert, key: 'not a key' } }, 'transport.tls.key', 'INVALID_KEY'],
      [{ ...https, tls: { cert: client.key, key: client.key } }, 'transport.tls.cert', 'NOT_A_CERTIFICATE'],
      [{ ...https, tls: { cert: 'no PEM at all', key: client.key } }, 'transport.tls.cert', 'INVALID_CERTIFICATE'],
      [{ ...https, tls: { servername: 'bad name!' } }, 'transport.tls.servername'],
      [{ ...https, tls: { ca: serverCa.pem, rejectUnauthorized: false } }, 'transport.tls.rejectUnauthorized'],
      [{ ...https, tls: { ca: 'x'.repeat(65_537) } }, 'transport.tls.ca'],
      [{ ...https, tls: 'yes' }, 'transport.tls'],
      // A combined PEM (certificate and key): the key would be stored and shown as the certificate is.
      [{ ...https, tls: { cert: `${client.cert}${client.key}`, key: client.key } }, 'transport.tls.cert', 'NOT_A_CERTIFICATE'],
      [{ ...https, tls: { ca: `${serverCa.pem}${client.key}` } }, 'transport.tls.ca', 'NOT_A_CERTIFICATE'],
    ];
    for (const [transport, field, code] of cases) {
      const refused = await create({ name: 'tls-refused', transport });
      expect(refused.status, JSON.stringify(transport).slice(0, 200)).toBe(400);
      expect(refused.body.error).toBe('VALIDATION_ERROR');
      expect(refused.body.details?.[0], JSON.stringify(transport).slice(0, 200)).toMatchObject({ field, ...(code ? { code } : {}) });
      expect(JSON.stringify(refused.body)).not.toContain('PRIVATE KEY');
    }
    // A replica endpoint without TLS cannot take the server's TLS settings either.
    const replicas = await create({ name: 'tls-refused', transport: { ...https, tls: mutualTls() }, replicas: { count: 2, urls: [mutual.url.replace('https:', 'http:')] } });
    expect(replicas.status).toBe(400);
    expect(replicas.body.details?.[0].field).toBe('transport.tls');
    const listed = await t.client.call<UpstreamServerList>('listServers', { headers: admin.auth });
    expect(listed.body.servers.map((server) => server.name)).not.toContain('tls-refused');
  });

  it('keeps a stored certificate that has expired since, so the server can still be edited and disabled', async () => {
    const created = await create({ name: 'tls-expiring', transport: { type: 'streamable-http', url: mutual.url, tls: mutualTls() } });
    expect(created.status).toBe(201);
    // Its certificate expires (the row as it will be when it does: same key, a past end).
    const lapsed = clientCa.issue('gateway-client', { client: true, key: client.key, notBefore: new Date(Date.now() - 10 * DAY_MS), notAfter: new Date(Date.now() - DAY_MS) });
    const db = t.app.get(DataSource);
    await db.query(`UPDATE upstream_servers SET transport = jsonb_set(transport, '{tls,cert}', to_jsonb($2::text)) WHERE id = $1`, [created.body.id, lapsed.cert]);
    const disabled = await patch(created.body.id, { enabled: false, description: 'certificate lapsed' });
    expect(disabled.status, JSON.stringify(disabled.body)).toBe(200);
    expect(disabled.body.enabled).toBe(false);
    expect(Date.parse(disabled.body.clientCertificate?.validTo ?? '')).toBeLessThan(Date.now());
    // A certificate given anew is checked: another expired one is refused.
    const alsoLapsed = clientCa.issue('gateway-client', { client: true, key: client.key, notBefore: new Date(Date.now() - 10 * DAY_MS), notAfter: new Date(Date.now() - DAY_MS) });
    const renewedWithOld = await put(created.body.id, { name: 'tls-expiring', transport: { type: 'streamable-http', url: mutual.url, tls: { ...mutualTls(), cert: alsoLapsed.cert, key: '********' } }, enabled: false });
    expect(renewedWithOld.status).toBe(400);
    expect(renewedWithOld.body.details?.[0]).toMatchObject({ field: 'transport.tls.cert', code: 'CERTIFICATE_EXPIRED' });
    // Where it goes is still checked: TLS settings on a plain http:// url are refused.
    const plain = await patch(created.body.id, { transport: { url: mutual.url.replace('https:', 'http:') } });
    expect(plain.status).toBe(400);
    expect(plain.body.details?.[0].field).toBe('transport.tls');
    await remove(created.body.id);
  });

  it("fetches OAuth tokens from the server's own endpoint with its TLS settings (its private CA, its client certificate)", async () => {
    const tokenUrl = mutual.url.replace('/mcp', '/oauth/token');
    mutual.requireAuthorization([`Bearer ${TOKEN_ISSUED}`]);
    try {
      const issuedBefore = mutual.tokensIssued();
      const created = await create({ name: 'tls-oauth', transport: { type: 'streamable-http', url: mutual.url, tls: mutualTls() }, auth: { type: 'oauth2', tokenUrl, clientId: 'gateway', clientSecret: 'client-secret' } });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      expect(created.body.status, created.body.lastError ?? '').toBe('connected');
      expect(mutual.tokensIssued()).toBeGreaterThan(issuedBefore);
      expect((await run('tls-oauth__echo', 'with a token')).body.status).toBe('completed');
      expect(mutual.lastAuthorization()).toBe(`Bearer ${TOKEN_ISSUED}`);
      await remove(created.body.id);

      // Copies on another endpoint of the same server fetch their tokens from it the same way.
      const other = await startMcpTestServer({ tls: { ...serverCa.issue('127.0.0.1', { names: ['127.0.0.1'] }), clientCa: clientCa.pem } });
      try {
        other.requireAuthorization([`Bearer ${TOKEN_ISSUED}`]);
        const replicated = await create({ name: 'tls-oauth-copies', transport: { type: 'streamable-http', url: mutual.url, tls: mutualTls() }, replicas: { count: 2, urls: [other.url] }, auth: { type: 'oauth2', tokenUrl, clientId: 'gateway', clientSecret: 'client-secret' } });
        expect(replicated.status, JSON.stringify(replicated.body)).toBe(201);
        expect(replicated.body.replicaStates.map((state) => state.status), JSON.stringify(replicated.body.replicaStates)).toEqual(['connected', 'connected']);
        expect(other.lastAuthorization()).toBe(`Bearer ${TOKEN_ISSUED}`);
        await remove(replicated.body.id);
      } finally {
        await other.close();
      }
    } finally {
      mutual.requireAuthorization(undefined);
    }
  });

  it('keeps the key sealed at rest and out of the audit log', async () => {
    const created = await create({ name: 'tls-sealed', transport: { type: 'streamable-http', url: mutual.url, tls: mutualTls() } });
    expect(created.status).toBe(201);
    const keyLine = client.key.split('\n')[1];
    const rows: Array<{ transport: unknown }> = await t.app.get(DataSource).query('SELECT transport FROM upstream_servers WHERE id = $1', [created.body.id]);
    expect(JSON.stringify(rows[0].transport)).not.toContain(keyLine);
    expect(JSON.stringify(rows[0].transport)).toContain(client.cert.split(/\r?\n/)[1]);
    const audit = await t.client.call<AuditLogList>('listAuditLogs', { headers: admin.auth, query: { resource: `upstream:${created.body.id}` } });
    expect(audit.status).toBe(200);
    expect(audit.body.logs.length).toBeGreaterThan(0);
    expect(JSON.stringify(audit.body)).not.toContain(keyLine);
    // Gone with the server: its tools are no longer served.
    await remove(created.body.id);
    const calls = mutual.calls.get('echo') ?? 0;
    expect((await run('tls-sealed__echo', 'gone')).status).toBe(404);
    expect(mutual.calls.get('echo') ?? 0).toBe(calls);
  });
});
