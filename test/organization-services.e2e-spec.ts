import { AuditLogEntity } from '@app/audit';
import type { CreatedApiKey, McpService, McpServiceList, ToolExecution, UpstreamOrganizationConfigList, UpstreamServer } from '@app/contracts';
import { type LoggedInUser, type McpTestServer, openRawMcpSession, rawMcpRequest, registerAndLogin, registerAndLoginAs, startMcpTestServer, useTestApp } from '@app/testing';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

type Envelope = { error: string; message: string; details?: Array<{ field: string; message: string; code: string }> };
type Headers = Record<string, string>;

const userConfig = {
  schema: { type: 'object', properties: { token: { type: 'string', minLength: 3, maxLength: 200 }, org: { type: 'string', maxLength: 50 } }, required: ['token'] },
  headers: { Authorization: 'Bearer {{token}}', 'X-Org': '{{org}}' },
};

describe("An organization's configuration of a service: its admins give it once, its members without their own use it", () => {
  const t = useTestApp();
  let admin: LoggedInUser;
  let alice: LoggedInUser; // Acme's admin
  let bob: LoggedInUser; // Acme's member
  let carol: LoggedInUser; // in no organization
  let dave: LoggedInUser; // Beta's member
  let remote: McpTestServer;
  let acme: string;
  let serviceId: string;

  const organization = async (name: string) => (await t.client.call<{ id: string }>('createOrganization', { headers: admin.auth, body: { name } })).body.id;
  const join = async (user: LoggedInUser, organizationId: string, role: 'member' | 'admin' = 'member') => {
    expect((await t.client.call('setUserOrganization', { headers: admin.auth, params: { id: user.userId }, body: { organizationId, role } })).status).toBe(200);
  };
  const configureForAcme = (headers: Headers, config: Record<string, unknown>, verify?: boolean) =>
    t.client.call<McpService & Envelope>('configureMyOrganizationService', { headers, params: { serviceId }, body: { config, ...(verify === undefined ? {} : { verify }) } });
  const whoami = (user: LoggedInUser) => t.client.call<ToolExecution & Envelope>('executeTool', { headers: user.auth, params: { id: 'personal__whoami' }, body: { parameters: {} } });
  const authorizationOf = async (user: LoggedInUser) => {
    const answer = await whoami(user);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return (answer.body.result as { structuredContent: { authorization: string | null; org: string | null } }).structuredContent;
  };
  const refusedUnconfigured = async (user: LoggedInUser) => {
    const answer = await whoami(user);
    expect(answer.status, JSON.stringify(answer.body)).toBe(400);
    expect(answer.body.error).toBe('MCP_SERVICE_UNCONFIGURED');
    return answer.body.message;
  };
  const audits = (action: string) => t.app.get(DataSource).getRepository(AuditLogEntity).findBy({ action });

  beforeAll(async () => {
    admin = await registerAndLoginAs(t, ['admin']);
    [alice, bob, carol, dave] = await Promise.all([registerAndLogin(t.client), registerAndLogin(t.client), registerAndLogin(t.client), registerAndLogin(t.client)]);
    remote = await startMcpTestServer();
    remote.requireAuthorization(['Bearer discovery', 'Bearer team-token', 'Bearer bob-own', 'Bearer new-team']);
    acme = await organization('Acme');
    await join(alice, acme, 'admin');
    await join(bob, acme);
    await join(dave, await organization('Beta'));
    const created = await t.client.call<UpstreamServer>('createServer', { headers: admin.auth, body: { name: 'personal', transport: { type: 'streamable-http', url: remote.url, headers: { Authorization: 'Bearer discovery' } }, userConfig } });
    expect(created.status).toBe(201);
    serviceId = created.body.id;
  });

  afterAll(async () => {
    await remote?.close();
  });

  it("only the organization's admins, signed in themselves, configure it; bad or refused configurations store nothing", async () => {
    expect((await t.client.call<Envelope>('listMyOrganizationServices', { headers: bob.auth })).status).toBe(403);
    expect((await configureForAcme(bob.auth, { token: 'team-token' })).status).toBe(403);
    expect((await t.client.call<Envelope>('listMyOrganizationServices', { headers: carol.auth })).status).toBe(404);
    expect((await configureForAcme(carol.auth, { token: 'team-token' })).status).toBe(404);

    const listed = await t.client.call<McpServiceList>('listMyOrganizationServices', { headers: alice.auth });
    expect(listed.status).toBe(200);
    expect(listed.body.services).toEqual([expect.objectContaining({ id: serviceId, configurable: true, isConfigured: false, configuredBy: null })]);

    const invalid = await configureForAcme(alice.auth, { org: 'acme' });
    expect(invalid.status).toBe(400);
    expect(invalid.body.details).toEqual([expect.objectContaining({ field: 'config.token' })]);
    const refused = await configureForAcme(alice.auth, { token: 'not-taken', org: 'acme' });
    expect(refused.status, JSON.stringify(refused.body)).toBe(502);
    const key = await t.client.call<CreatedApiKey>('createApiKey', { headers: alice.auth, body: { name: 'scripts', scopes: ['read:tools', 'execute:tools'] } });
    expect((await configureForAcme({ authorization: `ApiKey ${key.body.key}` }, { token: 'team-token' })).status).toBe(403);
    expect((await t.client.call('removeMyOrganizationServiceConfiguration', { headers: alice.auth, params: { serviceId } })).status).toBe(404);
    expect(await audits('upstream.organization_config.update')).toEqual([]);

    const configured = await configureForAcme(alice.auth, { token: 'team-token', org: 'acme' });
    expect(configured.status, JSON.stringify(configured.body)).toBe(200);
    expect(configured.body).toMatchObject({ isConfigured: true, configuredBy: 'organization', configuredFields: ['org', 'token'] });
    const [entry] = await audits('upstream.organization_config.update');
    expect(entry).toMatchObject({ userId: alice.userId, details: { organizationId: acme, fields: ['org', 'token'], replaced: false } });
    expect(JSON.stringify(entry)).not.toContain('team-token');
  });

  it('members without their own run through it, on one connection the organization shares; their own comes first', async () => {
    expect(await authorizationOf(bob)).toEqual({ authorization: 'Bearer team-token', org: 'acme' });
    expect(await authorizationOf(alice)).toEqual({ authorization: 'Bearer team-token', org: 'acme' });
    expect((await t.client.call<UpstreamServer>('getServer', { headers: admin.auth, params: { id: serviceId } })).body.userConnections).toBe(1);
    expect(await refusedUnconfigured(carol)).toContain(`/api/v1/services/${serviceId}/configure`);
    await refusedUnconfigured(dave);

    const asBob = await t.client.call<McpService>('getMcpService', { headers: bob.auth, params: { serviceId } });
    expect(asBob.body).toMatchObject({ isConfigured: false, configuredBy: 'organization', configuredFields: [], capabilities: expect.arrayContaining(['tools', 'resources']) });
    expect((await t.client.call<McpService>('getMcpService', { headers: carol.auth, params: { serviceId } })).body).toMatchObject({ configuredBy: null, capabilities: [] });
    // The MCP door reaches its resources through the organization's connection too.
    const resources = await rawMcpRequest(t.baseUrl, await openRawMcpSession(t.baseUrl, bob.accessToken), 'resources/list');
    expect((resources.result?.resources as Array<{ uri: string }>).map((resource) => resource.uri)).toContain('test://note');

    expect((await t.client.call<McpService>('configureMcpService', { headers: bob.auth, params: { serviceId }, body: { config: { token: 'bob-own', org: 'bob-org' } } })).body).toMatchObject({ isConfigured: true, configuredBy: 'user' });
    expect(await authorizationOf(bob)).toEqual({ authorization: 'Bearer bob-own', org: 'bob-org' });
    expect(await authorizationOf(alice)).toEqual({ authorization: 'Bearer team-token', org: 'acme' });
    expect((await t.client.call('removeMcpServiceConfiguration', { headers: bob.auth, params: { serviceId } })).status).toBe(204);
    expect(await authorizationOf(bob)).toEqual({ authorization: 'Bearer team-token', org: 'acme' });

    const held = await t.client.call<UpstreamOrganizationConfigList>('listServerOrganizationConfigs', { headers: admin.auth, params: { id: serviceId } });
    expect(held.status).toBe(200);
    expect(held.body.configs).toEqual([expect.objectContaining({ organizationId: acme, fields: ['org', 'token'], updatedBy: alice.userId, connected: true })]);
    expect((await t.client.call('listServerOrganizationConfigs', { headers: bob.auth, params: { id: serviceId } })).status).toBe(403);
  });

  it('a new configuration replaces the shared connection; a member taken out, a removal or a schema it no longer fits ends their use of it', async () => {
    const masked = await configureForAcme(alice.auth, { token: '********', org: 'acme-2' });
    expect(masked.status, JSON.stringify(masked.body)).toBe(200);
    expect(await authorizationOf(bob)).toEqual({ authorization: 'Bearer team-token', org: 'acme-2' });
    expect((await configureForAcme(alice.auth, { token: 'new-team', org: 'acme-3' })).status).toBe(200);
    expect(await authorizationOf(bob)).toEqual({ authorization: 'Bearer new-team', org: 'acme-3' });

    expect((await t.client.call('removeUserOrganization', { headers: admin.auth, params: { id: bob.userId } })).status).toBe(204);
    await refusedUnconfigured(bob);
    await join(bob, acme);
    expect(await authorizationOf(bob)).toEqual({ authorization: 'Bearer new-team', org: 'acme-3' });

    // The server now takes an org the organization did not give: refused, saying whose it is.
    const stricter = { ...userConfig, schema: { ...userConfig.schema, properties: { ...userConfig.schema.properties, org: { type: 'string', enum: ['acme'] } } } };
    expect((await t.client.call('updateServer', { headers: admin.auth, params: { id: serviceId }, body: { name: 'personal', transport: { type: 'streamable-http', url: remote.url, headers: { Authorization: 'Bearer discovery' } }, userConfig: stricter } })).status).toBe(200);
    expect(await refusedUnconfigured(bob)).toContain("organization's configuration no longer fits");
    expect((await configureForAcme(alice.auth, { token: '********', org: 'acme' })).status).toBe(200);
    expect(await authorizationOf(bob)).toEqual({ authorization: 'Bearer new-team', org: 'acme' });

    expect((await t.client.call('removeMyOrganizationServiceConfiguration', { headers: alice.auth, params: { serviceId } })).status).toBe(204);
    await refusedUnconfigured(bob);
    expect(await audits('upstream.organization_config.delete')).toEqual([expect.objectContaining({ userId: alice.userId, details: expect.objectContaining({ organizationId: acme }) })]);
  });

  it("a gateway admin can take an organization's configuration away, and a deleted organization's goes with it", async () => {
    expect((await configureForAcme(alice.auth, { token: 'team-token', org: 'acme' })).status).toBe(200);
    expect((await t.client.call('deleteServerOrganizationConfig', { headers: admin.auth, params: { id: serviceId, organizationId: acme } })).status).toBe(204);
    expect((await t.client.call('deleteServerOrganizationConfig', { headers: admin.auth, params: { id: serviceId, organizationId: acme } })).status).toBe(404);
    expect(await audits('admin.upstream.organization_config.delete')).toEqual([expect.objectContaining({ userId: admin.userId, details: expect.objectContaining({ organizationId: acme }) })]);
    await refusedUnconfigured(bob);

    expect((await configureForAcme(alice.auth, { token: 'team-token', org: 'acme' })).status).toBe(200);
    expect(await authorizationOf(bob)).toMatchObject({ authorization: 'Bearer team-token' });
    expect((await t.client.call('deleteOrganization', { headers: admin.auth, params: { id: acme } })).status).toBe(204);
    expect((await t.client.call<UpstreamOrganizationConfigList>('listServerOrganizationConfigs', { headers: admin.auth, params: { id: serviceId } })).body.configs).toEqual([]);
    await refusedUnconfigured(bob);
    expect((await t.client.call<UpstreamServer>('getServer', { headers: admin.auth, params: { id: serviceId } })).body.userConnections).toBe(0);
  });
});
