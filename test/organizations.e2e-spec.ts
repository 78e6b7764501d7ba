import { AuditLogEntity } from '@app/audit';
import type { Organization, OrganizationList, OrganizationMember, OrganizationMemberList, UpstreamServer } from '@app/contracts';
import { type LoggedInUser, type McpTestServer, openWs, registerAndLogin, registerAndLoginAs, startMcpTestServer, until, useTestApp } from '@app/testing';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

type Envelope = { error: string; message: string; details?: Array<{ field: string; message: string; code: string }> };

describe('Organizations (MCP Online Platform)', () => {
  const t = useTestApp();
  let admin: LoggedInUser;
  let owner: LoggedInUser;
  let member: LoggedInUser;
  let outsider: LoggedInUser;
  let remote: McpTestServer;
  let example: Organization;

  const create = (body: Record<string, unknown>) => t.client.call<Organization & Envelope>('createOrganization', { headers: admin.auth, body });
  const assign = (user: LoggedInUser | string, organizationId: string, role?: string) =>
    t.client.call<OrganizationMember & Envelope>('setUserOrganization', { headers: admin.auth, params: { id: typeof user === 'string' ? user : user.userId }, body: { organizationId, ...(role ? { role } : {}) } });
  const mine = (user: LoggedInUser) => t.client.call<Organization & Envelope>('getMyOrganization', { headers: user.auth });

  beforeAll(async () => {
    admin = await registerAndLoginAs(t, ['admin']);
    owner = await registerAndLogin(t.client);
    member = await registerAndLogin(t.client);
    outsider = await registerAndLogin(t.client);
    remote = await startMcpTestServer();
  });

  afterAll(async () => {
    await remote?.close();
  });

  it('an admin makes an organization with its plan; names are unique in any case; bad input is a 400', async () => {
    const made = await create({ name: 'Example Org', plan: { id: 'plan_standard', name: 'Standard', features: ['2 users', '10 MCP services'], maxUsers: 2 } });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    example = made.body;
    expect(made.body).toMatchObject({ name: 'Example Org', plan: { id: 'plan_standard', name: 'Standard', features: ['2 users', '10 MCP services'], maxUsers: 2 }, usersCount: 0, servicesCount: 0, toolRunsToday: 0 });
    expect((await create({ name: 'example org' })).status).toBe(409);
    const plain = await create({ name: 'Plain Co' });
    expect(plain.body.plan).toEqual({ name: 'Standard', features: [] });
    for (const body of [{ name: '' }, { name: 'x', plan: { name: 'P', maxUsers: 0 } }, { name: 'x', extra: 1 }, { name: 'x', plan: { features: ['a'] } }, { name: 'x'.repeat(201) }]) {
      expect((await create(body)).status, JSON.stringify(body)).toBe(400);
    }
    expect((await t.client.call('createOrganization', { headers: owner.auth, body: { name: 'Mine' } })).status).toBe(403);
    const listed = await t.client.call<OrganizationList>('listOrganizations', { headers: admin.auth, query: { q: 'EXAMPLE' } });
    expect(listed.body.organizations.map((organization) => organization.name)).toEqual(['Example Org']);
    expect((await t.client.call<OrganizationList>('listOrganizations', { headers: admin.auth, query: { q: '%' } })).body.organizations).toEqual([]);
    expect((await t.client.call<OrganizationList>('listOrganizations', { headers: admin.auth, query: { limit: 1, page: 2 } })).body).toMatchObject({ organizations: [{ name: 'Plain Co' }], pagination: { total: 2, pages: 2 } });
  });

  it('a user is in no organization until an admin puts them in one; the plan holds its members to its size', async () => {
    expect((await mine(owner)).status).toBe(404);
    const set = await assign(owner, example.id, 'admin');
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(set.body).toMatchObject({ id: owner.userId, email: owner.input.email, organizationId: example.id, role: 'admin', lastLoginAt: expect.any(String) });
    expect((await assign(member, example.id)).body.role).toBe('member');
    const full = await assign(outsider, example.id);
    expect(full.status).toBe(409);
    expect(full.body.message).toContain('allows 2 members');
    // Changing a member's role takes no new place.
    expect((await assign(member, example.id, 'member')).status).toBe(200);
    expect((await assign('00000000-0000-4000-8000-000000000000', example.id)).status).toBe(404);
    expect((await assign(outsider, '00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await t.client.call('setUserOrganization', { headers: admin.auth, params: { id: outsider.userId }, body: { organizationId: example.id, role: 'owner' } })).status).toBe(400);
    expect((await t.client.call('setUserOrganization', { headers: owner.auth, params: { id: outsider.userId }, body: { organizationId: example.id } })).status).toBe(403);
  });

  it('members see their organization and role; only its admins see its members', async () => {
    expect((await mine(owner)).body).toMatchObject({ id: example.id, name: 'Example Org', role: 'admin', usersCount: 2 });
    expect((await mine(member)).body).toMatchObject({ id: example.id, role: 'member' });
    expect((await t.client.call('listMyOrganizationUsers', { headers: member.auth })).status).toBe(403);
    const members = await t.client.call<OrganizationMemberList>('listMyOrganizationUsers', { headers: owner.auth });
    expect(members.status).toBe(200);
    expect(members.body.users.map((user) => [user.email, user.role])).toEqual([
      [owner.input.email, 'admin'],
      [member.input.email, 'member'],
    ]);
    expect(members.body.pagination).toMatchObject({ total: 2, pages: 1 });
    expect((await t.client.call('listMyOrganizationUsers', { headers: outsider.auth })).status).toBe(404);
    expect((await t.client.call<OrganizationMemberList>('listOrganizationUsers', { headers: admin.auth, params: { id: example.id }, query: { limit: 1 } })).body.users).toHaveLength(1);
    // The organization admin's powers are the admin's own acts: not an API key's, whatever its scopes.
    const key = await t.client.call<{ key: string }>('createApiKey', { headers: owner.auth, body: { name: 'scripts', scopes: ['read:tools'] } });
    const asKey = { authorization: `ApiKey ${key.body.key}` };
    expect((await t.client.call('listMyOrganizationUsers', { headers: asKey })).status).toBe(403);
    expect((await t.client.call('getMyOrganizationUsage', { headers: asKey })).status).toBe(403);
    expect((await t.client.call('removeMyOrganizationUser', { headers: asKey, params: { userId: member.userId } })).status).toBe(403);
    expect((await t.client.call<OrganizationMemberList>('listMyOrganizationUsers', { headers: owner.auth })).body.pagination.total).toBe(2);
  });

  it('counts the MCP services its members gave their own configuration', async () => {
    const userConfig = { schema: { type: 'object', properties: { token: { type: 'string' } }, required: ['token'] }, headers: { Authorization: 'Bearer {{token}}' } };
    const server = await t.client.call<UpstreamServer>('createServer', { headers: admin.auth, body: { name: 'personal', transport: { type: 'streamable-http', url: remote.url }, userConfig } });
    expect(server.status).toBe(201);
    for (const user of [owner, member, outsider]) expect((await t.client.call('configureMcpService', { headers: user.auth, params: { serviceId: server.body.id }, body: { config: { token: 'abc' } } })).status).toBe(200);
    expect((await mine(owner)).body.servicesCount).toBe(1);
  });

  it('a plan too small for the members is refused; a member moves to another organization; removal and deletion release members', async () => {
    const shrink = await t.client.call<Envelope>('updateOrganization', { headers: admin.auth, params: { id: example.id }, body: { name: 'Example Org', plan: { name: 'Solo', maxUsers: 1 } } });
    expect(shrink.status).toBe(409);
    const renamed = await t.client.call<Organization>('updateOrganization', { headers: admin.auth, params: { id: example.id }, body: { name: 'Example Organization' } });
    expect(renamed.body).toMatchObject({ name: 'Example Organization', plan: { maxUsers: 2 } });

    const other = (await create({ name: 'Other Org' })).body;
    expect((await assign(member, other.id)).body.organizationId).toBe(other.id);
    expect((await mine(owner)).body.usersCount).toBe(1);
    expect((await assign(outsider, example.id)).status).toBe(200);

    expect((await t.client.call('removeUserOrganization', { headers: admin.auth, params: { id: outsider.userId } })).status).toBe(204);
    expect((await t.client.call('removeUserOrganization', { headers: admin.auth, params: { id: outsider.userId } })).status).toBe(404);
    expect((await t.client.call('deleteOrganization', { headers: admin.auth, params: { id: other.id } })).status).toBe(204);
    expect((await mine(member)).status).toBe(404);
    expect((await t.client.call('getOrganization', { headers: admin.auth, params: { id: other.id } })).status).toBe(404);

    const actions = (await t.app.get(DataSource).getRepository(AuditLogEntity).find({ where: { userId: admin.userId } })).map((entry) => entry.action);
    expect(actions).toEqual(expect.arrayContaining(['organization.create', 'organization.update', 'organization.delete', 'organization.member.set', 'organization.member.remove']));
  });

  it("a plan's daily tool runs are shared by its members on every door; a bigger plan or leaving lifts the refusal at once", async () => {
    const tiny = (await create({ name: 'Quota Co', plan: { name: 'Tiny', dailyToolRuns: 3 } })).body;
    const [first, second] = [await registerAndLogin(t.client), await registerAndLogin(t.client)];
    for (const user of [first, second]) expect((await assign(user, tiny.id)).status).toBe(200);
    const echo = (user: LoggedInUser) => t.client.call<Envelope>('executeTool', { headers: user.auth, params: { id: 'echo' }, body: { parameters: { message: 'hi' } } });
    expect((await echo(first)).status).toBe(200);
    expect((await echo(second)).status).toBe(200);
    expect((await echo(first)).status).toBe(200);
    const refused = await echo(second);
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ error: 'RATE_LIMIT_EXCEEDED' });
    expect(refused.body.message).toContain('allows 3 tool runs a day');
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(86_400);
    expect(refused.headers.get('x-ratelimit-limit')).toBe('3');
    const socket = await openWs(t.baseUrl, { headers: first.auth });
    const viaWs = await socket.request('tools/execute', { tool: 'echo', arguments: { message: 'hi' } });
    socket.close();
    expect(viaWs.error).toMatchObject({ code: -32029, data: { code: 'RATE_LIMIT_EXCEEDED' } });
    // Others are not counted.
    expect((await echo(outsider)).status).toBe(200);
    expect((await until(() => t.client.call<Organization>('getMyOrganization', { headers: first.auth }), (answer) => answer.body.toolRunsToday >= 3)).body.toolRunsToday).toBe(3);

    expect((await t.client.call('updateOrganization', { headers: admin.auth, params: { id: tiny.id }, body: { name: 'Quota Co', plan: { name: 'Bigger', dailyToolRuns: 100 } } })).status).toBe(200);
    expect((await echo(second)).status).toBe(200);
    expect((await t.client.call('updateOrganization', { headers: admin.auth, params: { id: tiny.id }, body: { name: 'Quota Co', plan: { name: 'Tiny', dailyToolRuns: 3 } } })).status).toBe(200);
    expect((await echo(second)).status).toBe(429);
    expect((await t.client.call('removeUserOrganization', { headers: admin.auth, params: { id: second.userId } })).status).toBe(204);
    expect((await echo(second)).status).toBe(200);
    expect((await t.client.call('createOrganization', { headers: admin.auth, body: { name: 'Zero', plan: { name: 'None', dailyToolRuns: 0 } } })).status).toBe(400);
  });

  it("its admins see its members' runs by day against the plan, and take members out", async () => {
    const shop = (await create({ name: 'Usage Co', plan: { name: 'Metered', dailyToolRuns: 50 } })).body;
    const [boss, worker] = [await registerAndLogin(t.client), await registerAndLogin(t.client)];
    expect((await assign(boss, shop.id, 'admin')).status).toBe(200);
    expect((await assign(worker, shop.id)).status).toBe(200);
    for (const user of [boss, worker, worker]) expect((await t.client.call('executeTool', { headers: user.auth, params: { id: 'echo' }, body: { parameters: { message: 'count me' } } })).status).toBe(200);
    expect((await t.client.call('executeTool', { headers: worker.auth, params: { id: 'echo' }, body: { parameters: { message: 42 } } })).status).toBe(400);
    type Usage = { organizationId: string; dailyToolRuns: number | null; days: Array<{ day: string; runs: number; completed: number; failed: number }>; total: { runs: number } };
    const usage = await until(() => t.client.call<Usage & Envelope>('getMyOrganizationUsage', { headers: boss.auth, query: { days: 7 } }), (answer) => answer.body.total?.runs >= 3);
    expect(usage.status).toBe(200);
    expect(usage.body).toMatchObject({ organizationId: shop.id, dailyToolRuns: 50, total: { runs: 3, completed: 3, failed: 0 } });
    expect(usage.body.days).toHaveLength(7);
    expect(usage.body.days[0]).toEqual({ day: new Date().toISOString().slice(0, 10), runs: 3, completed: 3, failed: 0 });
    expect(usage.body.days.slice(1).every((day) => day.runs === 0)).toBe(true);
    expect((await t.client.call('getMyOrganizationUsage', { headers: worker.auth })).status).toBe(403);
    expect((await t.client.call('getMyOrganizationUsage', { headers: boss.auth, query: { days: 367 } })).status).toBe(400);
    expect((await t.client.call<Usage>('getOrganizationUsage', { headers: admin.auth, params: { id: shop.id } })).body.days).toHaveLength(30);

    expect((await t.client.call('removeMyOrganizationUser', { headers: worker.auth, params: { userId: boss.userId } })).status).toBe(403);
    expect((await t.client.call('removeMyOrganizationUser', { headers: boss.auth, params: { userId: outsider.userId } })).status).toBe(404);
    expect((await t.client.call('removeMyOrganizationUser', { headers: boss.auth, params: { userId: worker.userId } })).status).toBe(204);
    expect((await mine(worker)).status).toBe(404);
  });

  it('two admins giving away the last place at once: one gets it, the other a 409', async () => {
    const small = (await create({ name: 'Small', plan: { name: 'One', maxUsers: 1 } })).body;
    const answers = await Promise.all([assign(member, small.id), assign(outsider, small.id)]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409]);
    expect((await t.client.call<Organization>('getOrganization', { headers: admin.auth, params: { id: small.id } })).body.usersCount).toBe(1);
  });
});
