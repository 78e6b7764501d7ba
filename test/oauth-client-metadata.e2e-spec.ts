import { AppConfig } from '@app/config';
import type { AuditLogList, AuthorizationServerMetadata, OAuthClientList, SessionList } from '@app/contracts';
import {
  BROWSER,
  clientKeyPair,
  ContractValidator,
  freePort,
  hiddenFields,
  httpJson,
  MemoryProvider,
  newUserInput,
  pkcePair,
  type ServerProcess,
  signClientAssertion,
  spawnServer,
  startTestApp,
  startTlsDocumentServer,
  type TestApp,
  type TlsDocumentServer,
  until,
  useProcessWorkspace,
} from '@app/testing';
import { auth, UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CALLBACK = 'http://127.0.0.1:8766/callback';
const ADMIN = { email: 'cimd.admin@example.test', password: 'Adm1n!Passw0rd-cimd' };

interface Answer<T = unknown> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
}

/**
 * The server runs as its own process, started with the test CA in NODE_EXTRA_CA_CERTS as an operator
 * would for an intranet CA: metadata documents are fetched over real TLS, from a real HTTPS server.
 */
describe('OAuth clients known by their Client ID Metadata Documents', () => {
  const workspace = useProcessWorkspace('cimd', { lasts: 'file' });
  let docs: TlsDocumentServer;
  let server: ServerProcess;
  let validator: ContractValidator;
  let publicUrl: string;
  let adminToken: string;
  const user = newUserInput();
  const clients: Client[] = [];

  async function read<T>(operationId: string, response: Response): Promise<Answer<T>> {
    const text = await response.text();
    const body: unknown = (response.headers.get('content-type') ?? '').includes('json') && text ? JSON.parse(text) : text;
    validator.assertResponse(operationId, response.status, response.headers.get('content-type'), body);
    return { status: response.status, headers: response.headers, body: body as T };
  }

  const page = async (query: URLSearchParams | string, headers: Record<string, string> = BROWSER): Promise<Answer<string>> =>
    read<string>('oauthAuthorize', await fetch(`${publicUrl}/api/v1/oauth/authorize?${query.toString()}`, { redirect: 'manual', headers }));

  const submit = async (fields: Record<string, string>): Promise<Response> =>
    fetch(`${publicUrl}/api/v1/oauth/authorize`, { method: 'POST', redirect: 'manual', headers: { ...BROWSER, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });

  const token = async (fields: Record<string, string>): Promise<Answer<{ error?: string; access_token?: string }>> =>
    read('oauthToken', await fetch(`${publicUrl}/api/v1/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() }));

  /** A document at `path` on the test server, naming its own URL. */
  function serveClient(path: string, fields: Record<string, unknown> = {}, headers: Record<string, string> = {}): string {
    const url = `${docs.origin}${path}`;
    docs.serve(path, { body: { client_id: url, client_name: 'Metadata Agent', redirect_uris: [CALLBACK], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], token_endpoint_auth_method: 'none', ...fields }, headers });
    return url;
  }

  function authorizeQuery(clientId: string, redirectUri = CALLBACK): URLSearchParams {
    return new URLSearchParams({ client_id: clientId, redirect_uri: redirectUri, response_type: 'code', code_challenge: pkcePair().challenge, code_challenge_method: 'S256', state: 's1' });
  }

  /** The token request fields by which a private_key_jwt client proves itself with `key`. */
  const assertedBy = (clientId: string, key: ReturnType<typeof clientKeyPair>): Record<string, string> => ({
    client_id: clientId,
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: signClientAssertion(key.privateKey, { clientId, audience: `${publicUrl}/api/v1/oauth/token`, kid: key.jwk.kid }),
  });

  /** The test user signs in on the page and allows the client: the code, and the verifier to spend it with. */
  async function allowedCode(clientId: string): Promise<{ code: string; verifier: string }> {
    const { verifier, challenge } = pkcePair();
    const signIn = await page(new URLSearchParams({ client_id: clientId, redirect_uri: CALLBACK, response_type: 'code', code_challenge: challenge, code_challenge_method: 'S256', state: 's1' }));
    expect(signIn.status).toBe(200);
    const answer = await submit({ ...hiddenFields(signIn.body), email: user.email, password: user.password, decision: 'allow' });
    return { code: new URL(answer.headers.get('location') as string).searchParams.get('code') as string, verifier };
  }

  beforeAll(async () => {
    docs = await startTlsDocumentServer();
    validator = await ContractValidator.load();
    const prepared = await workspace.prepare();
    const port = await freePort();
    publicUrl = `http://127.0.0.1:${port}`;
    server = await spawnServer({
      ...prepared.env,
      PORT: String(port),
      PUBLIC_URL: publicUrl,
      NODE_EXTRA_CA_CERTS: docs.caFile,
      OAUTH_CLIENT_ID_METADATA_HOSTS: new URL(docs.origin).host,
      // Closed to registration: metadata documents are the only way in.
      OAUTH_DYNAMIC_REGISTRATION: 'false',
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      RATE_LIMIT_REGISTER: '1000/3600',
    });
    expect((await httpJson(server.baseUrl, 'POST', '/api/v1/auth/register', user)).status).toBe(201);
    adminToken = (await httpJson(server.baseUrl, 'POST', '/api/v1/auth/login', ADMIN)).body.accessToken as string;
  }, 120_000);

  afterAll(async () => {
    await Promise.allSettled(clients.map((client) => client.close()));
    await server?.stop();
    await docs?.close();
  });

  it('are announced by the metadata, beside registration turned off', async () => {
    const metadata = await read<AuthorizationServerMetadata>('getAuthorizationServerMetadata', await fetch(`${publicUrl}/.well-known/oauth-authorization-server`));
    expect(metadata.body.client_id_metadata_document_supported).toBe(true);
    expect(metadata.body.registration_endpoint).toBeUndefined();
  });

  it('the official SDK client names itself by its document, signs the user in, calls tools and refreshes', async () => {
    const clientId = serveClient('/agents/e2e.json', {}, { 'cache-control': 'max-age=600' });
    const provider = new MemoryProvider({}, { redirectUrl: CALLBACK, clientMetadataUrl: clientId });
    const serverUrl = new URL(`${publicUrl}/mcp`);
    const first = new Client({ name: 'e2e-cimd', version: '1.0.0' }, { capabilities: {} });
    clients.push(first);
    const transport = new StreamableHTTPClientTransport(serverUrl, { authProvider: provider });
    await expect(first.connect(transport)).rejects.toBeInstanceOf(UnauthorizedError);
    expect(provider.client?.client_id).toBe(clientId);
    const url = provider.authorizationUrl as URL;
    expect(url.searchParams.get('client_id')).toBe(clientId);

    const signIn = await page(url.searchParams);
    expect(signIn.status).toBe(200);
    expect(signIn.body).toContain('Metadata Agent');
    expect(signIn.body).toContain(`described by <code>${new URL(docs.origin).host}</code>`);
    expect(docs.hits('/agents/e2e.json')).toBe(1);
    const answer = await submit({ ...hiddenFields(signIn.body), email: user.email, password: user.password, decision: 'allow' });
    expect(answer.status).toBe(303);
    const callback = new URL(answer.headers.get('location') as string);
    expect(`${callback.origin}${callback.pathname}`).toBe(CALLBACK);
    await transport.finishAuth(callback.searchParams.get('code') as string);
    // The form's second look at the request used the copy kept, not a second fetch.
    expect(docs.hits('/agents/e2e.json')).toBe(1);

    const connected = new Client({ name: 'e2e-cimd', version: '1.0.0' }, { capabilities: {} });
    clients.push(connected);
    await connected.connect(new StreamableHTTPClientTransport(serverUrl, { authProvider: provider }));
    const result = (await connected.callTool({ name: 'echo', arguments: { message: 'signed in by a metadata document' } })) as CallToolResult;
    expect(result.isError).toBeFalsy();
    expect(JSON.stringify(result.content)).toContain('signed in by a metadata document');

    const before = provider.stored?.refresh_token;
    expect(await auth(provider, { serverUrl })).toBe('AUTHORIZED');
    expect(provider.stored?.refresh_token).not.toBe(before);

    // The user, signed in on their own (the agent's token holds only the tool scopes), sees which client holds a session.
    const userToken = (await httpJson(server.baseUrl, 'POST', '/api/v1/auth/login', { email: user.email, password: user.password })).body.accessToken as string;
    const sessions = await read<SessionList>('listSessions', await fetch(`${publicUrl}/api/v1/sessions`, { headers: { authorization: `Bearer ${userToken}` } }));
    const viaClient = sessions.body.sessions.find((session) => session.oauthClient);
    expect(viaClient?.oauthClient?.name).toBe('Metadata Agent');

    const listed = await read<OAuthClientList>('listOAuthClients', await fetch(`${publicUrl}/api/v1/admin/oauth-clients`, { headers: { authorization: `Bearer ${adminToken}` } }));
    const known = listed.body.clients.find((client) => client.metadataDocument === clientId);
    expect(known).toMatchObject({ name: 'Metadata Agent', redirectUris: [CALLBACK], tokenEndpointAuthMethod: 'none', registeredFrom: null, activeSessions: 1 });
    expect(known?.clientId).toBe(viaClient?.oauthClient?.id);
    const audit = await read<AuditLogList>('listAuditLogs', await fetch(`${publicUrl}/api/v1/admin/audit-logs?action=oauth.client.register`, { headers: { authorization: `Bearer ${adminToken}` } }));
    expect(audit.body.logs.filter((entry) => entry.details?.metadataUrl === clientId)).toHaveLength(1);
  });

  // The two rotations wait out the same 10 s refetch window, side by side (their clients and documents are their own).
  it.concurrent('a private_key_jwt client publishes its keys at a jwks_uri, proves itself with them, and may rotate them', async () => {
    const first = clientKeyPair('ec', 'first');
    const jwksPath = '/agents/keyed/jwks.json';
    docs.serve(jwksPath, { body: { keys: [first.jwk] }, headers: { 'cache-control': 'max-age=3600' } });
    const clientId = serveClient('/agents/keyed.json', { client_name: 'Keyed Agent', token_endpoint_auth_method: 'private_key_jwt', jwks_uri: `${docs.origin}${jwksPath}` });
    const proof = (key: ReturnType<typeof clientKeyPair>) => assertedBy(clientId, key);

    const { code, verifier } = await allowedCode(clientId);
    const exchange = { grant_type: 'authorization_code', code, redirect_uri: CALLBACK, code_verifier: verifier };
    expect((await token({ ...exchange, client_id: clientId })).body.error).toBe('invalid_client');
    const tokens = await token({ ...exchange, ...proof(first) });
    expect(tokens.status).toBe(200);
    expect(docs.hits(jwksPath)).toBe(1);

    // The client rotates: a kid not seen yet has the keys fetched again (at most once every 10 s).
    const second = clientKeyPair('ec', 'second');
    docs.serve(jwksPath, { body: { keys: [second.jwk] }, headers: { 'cache-control': 'max-age=3600' } });
    let refresh = tokens.body as { refresh_token?: string };
    const rotated = await until(
      () => token({ grant_type: 'refresh_token', refresh_token: refresh.refresh_token as string, ...proof(second) }),
      (answer) => answer.status === 200,
      20_000,
      500,
    );
    refresh = rotated.body as { refresh_token?: string };
    expect(docs.hits(jwksPath)).toBe(2);
    // The retired key no longer proves anything.
    const retired = await token({ grant_type: 'refresh_token', refresh_token: refresh.refresh_token as string, ...proof(first) });
    expect(retired.status).toBe(401);

    const listed = await read<OAuthClientList>('listOAuthClients', await fetch(`${publicUrl}/api/v1/admin/oauth-clients?limit=100`, { headers: { authorization: `Bearer ${adminToken}` } }));
    expect(listed.body.clients.find((client) => client.metadataDocument === clientId)).toMatchObject({ tokenEndpointAuthMethod: 'private_key_jwt', jwksUri: `${docs.origin}${jwksPath}`, inlineKeys: 0 });
  }, 60_000);

  it.concurrent('a private_key_jwt client with its keys in its document rotates them there: an unseen kid has the document read again, and the change is audited', async () => {
    const first = clientKeyPair('ec', 'inline-first');
    const documentPath = '/agents/inline-keys.json';
    const keyed = (keys: unknown[]) => ({ client_name: 'Inline Keys Agent', token_endpoint_auth_method: 'private_key_jwt', jwks: { keys } });
    const clientId = serveClient(documentPath, keyed([first.jwk]), { 'cache-control': 'max-age=3600' });
    const proof = (key: ReturnType<typeof clientKeyPair>) => assertedBy(clientId, key);

    const { code, verifier } = await allowedCode(clientId);
    const tokens = await token({ grant_type: 'authorization_code', code, redirect_uri: CALLBACK, code_verifier: verifier, ...proof(first) });
    expect(tokens.status).toBe(200);
    expect(docs.hits(documentPath)).toBe(1);

    // The client publishes a new key and drops the old one; the copy kept is fresh for an hour.
    const second = clientKeyPair('ec', 'inline-second');
    docs.serve(documentPath, { body: { client_id: clientId, redirect_uris: [CALLBACK], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], ...keyed([second.jwk]) }, headers: { 'cache-control': 'max-age=3600' } });
    let refresh = (tokens.body as { refresh_token: string }).refresh_token;
    const rotated = await until(
      () => token({ grant_type: 'refresh_token', refresh_token: refresh, ...proof(second) }),
      (reply) => reply.status === 200,
      20_000,
      500,
    );
    refresh = (rotated.body as { refresh_token: string }).refresh_token;
    expect(docs.hits(documentPath)).toBe(2);

    // The dropped key proves nothing now, and kids nobody published do not have the document read again and again.
    const retired = await token({ grant_type: 'refresh_token', refresh_token: refresh, ...proof(first) });
    expect(retired.status).toBe(401);
    expect(retired.body.error).toBe('invalid_client');
    const stranger = clientKeyPair('ec', 'never-published');
    for (let attempt = 0; attempt < 3; attempt++) expect((await token({ grant_type: 'refresh_token', refresh_token: refresh, ...proof(stranger) })).status).toBe(401);
    expect(docs.hits(documentPath)).toBe(2);
    expect((await token({ grant_type: 'refresh_token', refresh_token: refresh, ...proof(second) })).status).toBe(200);

    const audit = await read<AuditLogList>('listAuditLogs', await fetch(`${publicUrl}/api/v1/admin/audit-logs?action=oauth.client.update`, { headers: { authorization: `Bearer ${adminToken}` } }));
    const updates = audit.body.logs.filter((entry) => entry.details?.metadataUrl === clientId);
    expect(updates).toHaveLength(1);
    expect(updates[0].details).toMatchObject({ authMethod: 'private_key_jwt', before: { keysChanged: true } });
  }, 60_000);

  it('a private_key_jwt document with keys elsewhere, or none, is refused; its jwks_uri must be on a host taken for documents', async () => {
    const noKeys = serveClient('/agents/keyless.json', { token_endpoint_auth_method: 'private_key_jwt' });
    const refused = await page(authorizeQuery(noKeys));
    expect(refused.status).toBe(400);
    expect(refused.body).toContain('jwks_uri or jwks');

    const elsewhere = serveClient('/agents/keys-elsewhere.json', { token_endpoint_auth_method: 'private_key_jwt', jwks_uri: 'https://keys.example/jwks.json' });
    const { code, verifier } = await allowedCode(elsewhere);
    const key = clientKeyPair('ec');
    const tokens = await token({
      grant_type: 'authorization_code',
      code,
      redirect_uri: CALLBACK,
      code_verifier: verifier,
      client_id: elsewhere,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: signClientAssertion(key.privateKey, { clientId: elsewhere, audience: publicUrl }),
    });
    expect(tokens.status).toBe(401);
    expect((tokens.body as { error_description?: string }).error_description).toContain('keys.example, not a host this server takes clients from');
  });

  it('a document first asked for by many requests at once makes one client and one audit entry', async () => {
    const clientId = serveClient('/agents/concurrent.json', { client_name: 'Concurrent Agent' });
    const pages = await Promise.all(Array.from({ length: 6 }, () => page(authorizeQuery(clientId))));
    expect(pages.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200, 200]);
    const listed = await read<OAuthClientList>('listOAuthClients', await fetch(`${publicUrl}/api/v1/admin/oauth-clients?limit=100`, { headers: { authorization: `Bearer ${adminToken}` } }));
    expect(listed.body.clients.filter((client) => client.metadataDocument === clientId)).toHaveLength(1);
    const audit = await read<AuditLogList>('listAuditLogs', await fetch(`${publicUrl}/api/v1/admin/audit-logs?action=oauth.client.register`, { headers: { authorization: `Bearer ${adminToken}` } }));
    expect(audit.body.logs.filter((entry) => entry.details?.metadataUrl === clientId)).toHaveLength(1);
  });

  it('a token request names the document URL as client_id: unknown until authorized, and never with a secret', async () => {
    const unknown = await token({ grant_type: 'authorization_code', code: 'mcp_ac_x', redirect_uri: CALLBACK, code_verifier: pkcePair().verifier, client_id: `${docs.origin}/agents/never-authorized.json` });
    expect(unknown.status).toBe(401);
    expect(unknown.body.error).toBe('invalid_client');
    const withSecret = await token({ grant_type: 'refresh_token', refresh_token: 'mcp_rt_x', client_id: `${docs.origin}/agents/e2e.json`, client_secret: 'guess' });
    expect(withSecret.status).toBe(401);
    expect(withSecret.body.error).toBe('invalid_client');
    expect(docs.hits('/agents/never-authorized.json')).toBe(0);
  });

  it('a document that cannot be used refuses the request with a page that says why, and redirects nowhere', async () => {
    const big = 'x'.repeat(20_000);
    const cases: Array<{ path: string; serve: () => void; reason: string }> = [
      { path: '/bad/other-id.json', serve: () => docs.serve('/bad/other-id.json', { body: { client_id: `${docs.origin}/agents/e2e.json`, redirect_uris: [CALLBACK] } }), reason: 'its client_id is not the URL it was fetched from' },
      { path: '/bad/secret.json', serve: () => void serveClient('/bad/secret.json', { client_secret: 'in the open' }), reason: 'must not hold client_secret' },
      { path: '/bad/basic.json', serve: () => void serveClient('/bad/basic.json', { token_endpoint_auth_method: 'client_secret_basic' }), reason: 'token_endpoint_auth_method must be one of none' },
      { path: '/bad/javascript.json', serve: () => void serveClient('/bad/javascript.json', { redirect_uris: ['javascript:alert(1)'] }), reason: 'not allowed' },
      { path: '/bad/missing.json', serve: () => undefined, reason: 'it answered 404' },
      { path: '/bad/moved.json', serve: () => docs.serve('/bad/moved.json', { status: 302, headers: { location: `${docs.origin}/agents/e2e.json` }, body: '' }), reason: 'redirects are not followed' },
      { path: '/bad/html.json', serve: () => docs.serve('/bad/html.json', { headers: { 'content-type': 'text/html' }, body: '<html></html>' }), reason: 'it is not JSON' },
      { path: '/bad/broken.json', serve: () => docs.serve('/bad/broken.json', { headers: { 'content-type': 'application/json' }, body: '{"client_id":' }), reason: 'not valid JSON' },
      { path: '/bad/huge.json', serve: () => void serveClient('/bad/huge.json', { client_name: 'Huge', padding: big }), reason: 'larger than 16384 bytes' },
      { path: '/bad/array.json', serve: () => docs.serve('/bad/array.json', { body: [1, 2] }), reason: 'not a JSON object' },
    ];
    for (const { path, serve, reason } of cases) {
      serve();
      const refused = await page(authorizeQuery(`${docs.origin}${path}`));
      expect(refused.status, path).toBe(400);
      expect(refused.headers.get('location'), path).toBeNull();
      expect(refused.body, path).toContain(reason);
    }
    // A client that asks for JSON gets the same refusal as an OAuth error.
    const json = await page(authorizeQuery(`${docs.origin}/bad/secret.json`), { accept: 'application/json' });
    expect(json.status).toBe(400);
    expect(json.body).toMatchObject({ error: 'invalid_request', error_description: expect.stringContaining('client_secret') });
    // Failed documents are not fetched again for a minute (anyone can send any URL here).
    expect(docs.hits('/bad/missing.json')).toBe(1);
    expect(docs.hits('/bad/secret.json')).toBe(1);
  });

  it('a redirect URI the document does not list, a host not configured, or a URL not in normal form is refused', async () => {
    const clientId = serveClient('/agents/strict.json');
    const wrongRedirect = await page(authorizeQuery(clientId, 'http://127.0.0.1:8766/elsewhere'));
    expect(wrongRedirect.status).toBe(400);
    expect(wrongRedirect.body).toContain('not one this application registered');
    for (const [id, reason] of [
      ['https://agents.example.org/client.json', 'agents.example.org is not a host this server takes clients from'],
      [`${docs.origin}/agents/../agents/strict.json`, 'normal form'],
      [`${docs.origin}/`, 'must have a path'],
      [`${docs.origin}/agents/strict.json#frag`, 'fragment'],
    ]) {
      const refused = await page(authorizeQuery(id));
      expect(refused.status, id).toBe(400);
      expect(refused.headers.get('location'), id).toBeNull();
      expect(refused.body, id).toContain(reason);
    }
  });

  it('a document that takes longer than 5 s to answer is refused', async () => {
    const clientId = `${docs.origin}/slow/client.json`;
    docs.serve('/slow/client.json', { delayMs: 7_000, body: { client_id: clientId, redirect_uris: [CALLBACK] } });
    const started = Date.now();
    const refused = await page(authorizeQuery(clientId));
    expect(refused.status).toBe(400);
    expect(refused.body).toContain('no complete answer within 5000 ms');
    expect(Date.now() - started).toBeLessThan(6_500);
  }, 15_000);
});

/** In this process, which does not trust the test CA: what is refused before and at TLS, and the copy kept. */
describe('Client ID Metadata Documents the server cannot trust', () => {
  let docs: TlsDocumentServer;
  let t: TestApp;
  let unlisted: TestApp;

  beforeAll(async () => {
    docs = await startTlsDocumentServer();
    t = await startTestApp({ OAUTH_CLIENT_ID_METADATA_HOSTS: new URL(docs.origin).host });
    unlisted = await startTestApp({});
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await unlisted?.close();
    await docs?.close();
  });

  const refusalOf = async (app: TestApp, clientId: string): Promise<{ status: number; body: string; location: string | null }> => {
    const query = new URLSearchParams({ client_id: clientId, redirect_uri: CALLBACK, response_type: 'code', code_challenge: pkcePair().challenge, code_challenge_method: 'S256' });
    const response = await fetch(`${app.baseUrl}/api/v1/oauth/authorize?${query.toString()}`, { redirect: 'manual', headers: BROWSER });
    return { status: response.status, body: await response.text(), location: response.headers.get('location') };
  };

  const keep = async (clientId: string, expiresAt: Date): Promise<void> => {
    await t.app.get(DataSource).query(
      `INSERT INTO oauth_clients (id, name, redirect_uris, grant_types, auth_method, metadata_url, metadata_expires_at) VALUES ($1, 'Kept Agent', $2, $3, 'none', $4, $5)`,
      [randomUUID(), [CALLBACK], ['authorization_code', 'refresh_token'], clientId, expiresAt],
    );
  };

  it('a certificate from a CA the server does not trust is refused', async () => {
    const clientId = `${docs.origin}/untrusted/client.json`;
    docs.serve('/untrusted/client.json', { body: { client_id: clientId, redirect_uris: [CALLBACK] } });
    const refused = await refusalOf(t, clientId);
    expect(refused.status).toBe(400);
    expect(refused.location).toBeNull();
    expect(refused.body).toMatch(/it could not be fetched \((UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)\)/);
  });

  it('a private address is refused unless its host is configured, and nothing is fetched', async () => {
    const clientId = `${docs.origin}/private/client.json`;
    docs.serve('/private/client.json', { body: { client_id: clientId, redirect_uris: [CALLBACK] } });
    const refused = await refusalOf(unlisted, clientId);
    expect(refused.status).toBe(400);
    expect(refused.body).toContain('a private or reserved address');
    expect(docs.hits('/private/client.json')).toBe(0);
  });

  it('a fresh copy is used without fetching; a stale one is fetched again, and refused when that fails', async () => {
    const fresh = `${docs.origin}/kept/fresh.json`;
    await keep(fresh, new Date(Date.now() + 600_000));
    const connections = docs.connections();
    const page = await refusalOf(t, fresh);
    expect(page.status).toBe(200);
    expect(page.body).toContain('Kept Agent');
    expect(docs.connections()).toBe(connections);

    // This process cannot complete TLS with the server: a fetch shows as a connection, and fails.
    const stale = `${docs.origin}/kept/stale.json`;
    await keep(stale, new Date(Date.now() - 1_000));
    const refused = await refusalOf(t, stale);
    expect(refused.status).toBe(400);
    expect(refused.body).toContain('it could not be fetched');
    expect(docs.connections()).toBe(connections + 1);
  });

  it("a private_key_jwt client's stale copy is read again at the token endpoint, and its keys refused when that fails", async () => {
    const key = clientKeyPair('ec', 'kept-key');
    const keepKeyed = async (clientId: string, expiresAt: Date): Promise<void> => {
      await t.app.get(DataSource).query(
        `INSERT INTO oauth_clients (id, name, redirect_uris, grant_types, auth_method, metadata_url, metadata_expires_at, jwks) VALUES ($1, 'Keyed Kept Agent', $2, $3, 'private_key_jwt', $4, $5, $6::jsonb)`,
        [randomUUID(), [CALLBACK], ['authorization_code', 'refresh_token'], clientId, expiresAt, JSON.stringify([key.jwk])],
      );
    };
    const refreshWith = async (clientId: string): Promise<{ status: number; body: { error?: string; error_description?: string } }> => {
      const fields = {
        grant_type: 'refresh_token',
        refresh_token: 'mcp_rt_not-a-real-one',
        client_id: clientId,
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: signClientAssertion(key.privateKey, { clientId, audience: `${t.app.get(AppConfig).publicUrl}/api/v1/oauth/token`, kid: key.jwk.kid }),
      };
      const response = await fetch(`${t.baseUrl}/api/v1/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
      return { status: response.status, body: (await response.json()) as { error?: string; error_description?: string } };
    };

    // Fresh: the kept keys prove the client (the refresh token is what is refused), and nothing is fetched.
    const fresh = `${docs.origin}/kept/keyed-fresh.json`;
    await keepKeyed(fresh, new Date(Date.now() + 600_000));
    const connections = docs.connections();
    expect((await refreshWith(fresh)).body.error).toBe('invalid_grant');
    expect(docs.connections()).toBe(connections);

    // Stale: the document is fetched again; this process cannot complete TLS with its server, so the keys kept are not trusted.
    const stale = `${docs.origin}/kept/keyed-stale.json`;
    await keepKeyed(stale, new Date(Date.now() - 1_000));
    const refused = await refreshWith(stale);
    expect(refused.status).toBe(401);
    expect(refused.body.error).toBe('invalid_client');
    expect(refused.body.error_description).toContain("The client's metadata document cannot be used: it could not be fetched");
    expect(docs.connections()).toBe(connections + 1);
  });

  it('are not taken at all when OAUTH_CLIENT_ID_METADATA is off', async () => {
    const off = await startTestApp({ OAUTH_CLIENT_ID_METADATA: 'false' });
    try {
      const metadata = await off.client.call<AuthorizationServerMetadata>('getAuthorizationServerMetadata', {});
      expect(metadata.body.client_id_metadata_document_supported).toBe(false);
      const refused = await refusalOf(off, `${docs.origin}/agents/off.json`);
      expect(refused.status).toBe(400);
      expect(refused.body).toContain('does not accept metadata documents');
    } finally {
      await off.close();
    }
  });
});
