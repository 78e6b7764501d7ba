import type { UpstreamServer } from '@app/contracts';
import { type LoggedInUser, type McpTestServer, registerAndLogin, registerAndLoginAs, startMcpTestServer, useTestApp } from '@app/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

type Envelope = { error: string; message: string; details?: Array<{ field: string; code: string }> };

describe("An upstream server's tool filter: only the tools it lets through are served", () => {
  const t = useTestApp();
  let admin: LoggedInUser;
  let user: LoggedInUser;
  let remote: McpTestServer;
  let serverId: string;

  const save = (toolFilter: unknown) =>
    t.client.call<UpstreamServer & Envelope>(serverId ? 'updateServer' : 'createServer', { headers: admin.auth, ...(serverId ? { params: { id: serverId } } : {}), body: { name: 'filtered', transport: { type: 'streamable-http', url: remote.url }, toolFilter } });
  const served = (server: UpstreamServer) => [...server.tools].sort();

  beforeAll(async () => {
    admin = await registerAndLoginAs(t, ['admin']);
    user = await registerAndLogin(t.client);
    remote = await startMcpTestServer();
  });

  afterAll(async () => {
    await remote?.close();
  });

  it('bad filters are 400s and make nothing', async () => {
    for (const bad of [{ include: ['has space'] }, { include: [''] }, { exclude: 'echo' }, { readOnly: 'yes' }, { other: true }, { include: Array.from({ length: 101 }, () => 'a') }]) {
      const answer = await save(bad);
      expect(answer.status, JSON.stringify(bad)).toBe(400);
    }
    expect((await t.client.call<{ servers: UpstreamServer[] }>('listServers', { headers: admin.auth })).body.servers).toEqual([]);
  });

  it('include and exclude patterns, by the upstream names: the rest is not registered at all', async () => {
    const created = await save({ include: ['echo', 'look*', 'sl*'], exclude: ['slow'] });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    serverId = created.body.id;
    expect(created.body.toolFilter).toEqual({ include: ['echo', 'look*', 'sl*'], exclude: ['slow'] });
    expect(served(created.body)).toEqual(['filtered__echo', 'filtered__lookup']);
    // What the filter keeps out is shown to the admin, so a filter can be checked against the listing.
    expect(created.body.filteredTools).toEqual(expect.arrayContaining(['filtered__fail', 'filtered__slow', 'filtered__whoami']));
    expect(created.body.filteredTools).not.toContain('filtered__echo');
    expect((await t.client.call('getTool', { headers: user.auth, params: { id: 'filtered__fail' } })).status).toBe(404);
    const run = await t.client.call<Envelope>('executeTool', { headers: user.auth, params: { id: 'filtered__fail' }, body: { parameters: {} } });
    expect(run.status).toBe(404);
    expect(remote.calls.get('fail')).toBeUndefined();
    expect((await t.client.call('executeTool', { headers: user.auth, params: { id: 'filtered__echo' }, body: { parameters: { message: 'hi' } } })).status).toBe(200);
  });

  it('readOnly serves only what the upstream annotates read-only; no filter serves everything again', async () => {
    const readOnly = await save({ readOnly: true });
    expect(served(readOnly.body)).toEqual(['filtered__lookup']);
    const open = await save(null);
    expect(open.body.toolFilter).toBeNull();
    expect(open.body.filteredTools).toEqual([]);
    expect(open.body.tools).toEqual(expect.arrayContaining(['filtered__echo', 'filtered__fail', 'filtered__lookup', 'filtered__slow']));
  });
});
