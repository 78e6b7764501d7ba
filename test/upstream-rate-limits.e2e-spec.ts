import type { Tool, ToolExecution, UpstreamServer } from '@app/contracts';
import { type LoggedInUser, type McpTestServer, registerAndLogin, registerAndLoginAs, startMcpTestServer, useTestApp } from '@app/testing';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

type Envelope = { error: string; message: string; details?: Array<{ field: string; message: string; code: string }> };

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("Upstream servers' rate limits: several windows at once, per caller or for the whole server", () => {
  const t = useTestApp();
  let admin: LoggedInUser;
  let ada: LoggedInUser;
  let bob: LoggedInUser;
  let remote: McpTestServer;

  const create = (name: string, rateLimits: unknown) => t.client.call<UpstreamServer & Envelope>('createServer', { headers: admin.auth, body: { name, transport: { type: 'streamable-http', url: remote.url }, rateLimits } });
  const run = (user: LoggedInUser, tool: string) => t.client.call<ToolExecution & Envelope>('executeTool', { headers: user.auth, params: { id: tool }, body: { parameters: { message: 'hi' } } });
  const statuses = async (user: LoggedInUser, tool: string, times: number) => {
    const seen: number[] = [];
    for (let i = 0; i < times; i++) seen.push((await run(user, tool)).status);
    return seen;
  };

  beforeAll(async () => {
    admin = await registerAndLoginAs(t, ['admin']);
    ada = await registerAndLogin(t.client);
    bob = await registerAndLogin(t.client);
    remote = await startMcpTestServer();
  });

  afterAll(async () => {
    await remote?.close();
  });

  it("takes the seed's requestsPerMinute and requestsPerDay together, each caller with budgets of their own", async () => {
    const created = await create('limited-both', { requestsPerMinute: 3, requestsPerDay: 4 });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.rateLimits).toEqual({ requestsPerMinute: 3, requestsPerDay: 4, scope: 'caller' });
    expect(await statuses(ada, 'limited-both__echo', 4)).toEqual([200, 200, 200, 429]);
    const refused = await run(ada, 'limited-both__echo');
    expect(refused.body.error).toBe('RATE_LIMIT_EXCEEDED');
    expect(refused.body.message).toContain('3 per 1m');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    // Bob's budgets are his own.
    expect(await statuses(bob, 'limited-both__echo', 1)).toEqual([200]);

    const tool = await t.client.call<Tool>('getTool', { headers: ada.auth, params: { id: 'limited-both__echo' } });
    expect(tool.body.rateLimit).toEqual({ requests: 3, window: '1m' });
    expect(tool.body.rateLimits).toEqual([
      { requests: 3, window: '1m', scope: 'caller' },
      { requests: 4, window: '24h', scope: 'caller' },
    ]);
  });

  it('spends windows shortest first: a run the short window refuses spends nothing of the long one, which refuses in turn', async () => {
    const created = await create('limited-day', { requests: 1, window: '2s', requestsPerDay: 2 });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const seen: number[] = [];
    for (let i = 0; i < 3; i++) {
      seen.push(...(await statuses(ada, 'limited-day__echo', 2)));
      await pause(2_100);
    }
    // Each 2 s: one run, the second refused by the short window. The third time: the day's two are spent.
    expect(seen).toEqual([200, 429, 200, 429, 429, 429]);
    const refused = await run(ada, 'limited-day__echo');
    expect(refused.body.message).toContain('2 per 24h');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(60);
  });

  it('with scope server, every caller spends the same budget', async () => {
    const created = await create('limited-shared', { requestsPerMinute: 2, scope: 'server' });
    expect(created.status).toBe(201);
    expect(await statuses(ada, 'limited-shared__echo', 1)).toEqual([200]);
    expect(await statuses(bob, 'limited-shared__echo', 1)).toEqual([200]);
    const refused = await run(ada, 'limited-shared__echo');
    expect(refused.status).toBe(429);
    expect(refused.body.message).toContain('for all its callers');
    expect(await statuses(bob, 'limited-shared__echo', 1)).toEqual([429]);
    // The budget is the server's, not a tool's: its other tools share it.
    expect((await t.client.call('executeTool', { headers: bob.auth, params: { id: 'limited-shared__lookup' }, body: { parameters: { key: 'k' } } })).status).toBe(429);
  });

  it("keeps a limit stored before scope (and today's rules) existed as one per caller, editable around it; PATCH merges windows in", async () => {
    const created = await create('limited-patch', { requests: 2, window: '1m' });
    expect(created.body.rateLimits).toEqual({ requests: 2, window: '1m', scope: 'caller' });
    // As an older version stored it: no scope, and a window longer than a day is now allowed.
    await t.app.get(DataSource).query(`UPDATE upstream_servers SET rate_limits = '{"requests": 2, "window": "48h"}' WHERE id = $1`, [created.body.id]);
    const described = await t.client.call<UpstreamServer & Envelope>('patchServer', { headers: admin.auth, params: { id: created.body.id }, body: { description: 'still editable' } });
    expect(described.status, JSON.stringify(described.body)).toBe(200);
    expect(described.body.rateLimits).toEqual({ requests: 2, window: '48h', scope: 'caller' });
    const old = await t.client.call<Tool>('getTool', { headers: ada.auth, params: { id: 'limited-patch__echo' } });
    expect(old.body.rateLimits).toEqual([{ requests: 2, window: '48h', scope: 'caller' }]);
    // Changed, the limits are checked as new ones are.
    const longer = await t.client.call<Envelope>('patchServer', { headers: admin.auth, params: { id: created.body.id }, body: { rateLimits: { requests: 3 } } });
    expect(longer.status).toBe(400);
    expect(longer.body.details?.[0].field).toBe('rateLimits.window');
    const patched = await t.client.call<UpstreamServer & Envelope>('patchServer', { headers: admin.auth, params: { id: created.body.id }, body: { rateLimits: { requestsPerHour: 10, window: null, requests: null } } });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.body.rateLimits).toEqual({ requestsPerHour: 10, scope: 'caller' });
    const tool = await t.client.call<Tool>('getTool', { headers: ada.auth, params: { id: 'limited-patch__echo' } });
    expect(tool.body.rateLimits).toEqual([{ requests: 10, window: '1h', scope: 'caller' }]);
  });

  it('refuses limits that say nothing or could not be kept, saying which field', async () => {
    const cases: Array<[unknown, string]> = [
      [{}, 'rateLimits'],
      [{ scope: 'server' }, 'rateLimits'],
      [{ requests: 5 }, 'rateLimits.window'],
      [{ window: '1m' }, 'rateLimits.requests'],
      [{ requests: 1, window: '25h' }, 'rateLimits.window'],
      [{ requests: 1, window: '500ms' }, 'rateLimits.window'],
      [{ requests: 1, window: 'soon' }, 'rateLimits.window'],
      [{ requestsPerMinute: 0 }, 'rateLimits.requestsPerMinute'],
      [{ requestsPerDay: 1.5 }, 'rateLimits.requestsPerDay'],
      [{ requestsPerHour: '10' }, 'rateLimits.requestsPerHour'],
      [{ requestsPerDay: 1, scope: 'galaxy' }, 'rateLimits.scope'],
      [{ requestsPerWeek: 1 }, 'rateLimits.requestsPerWeek'],
      // Two budgets over the same span.
      [{ requests: 5, window: '60s', requestsPerMinute: 3 }, 'rateLimits.window'],
      [{ requests: 5, window: '24h', requestsPerDay: 30 }, 'rateLimits.window'],
      ['1/m', 'rateLimits'],
    ];
    for (const [rateLimits, field] of cases) {
      const refused = await create('limited-bad', rateLimits);
      expect(refused.status, JSON.stringify(rateLimits)).toBe(400);
      expect(refused.body.error).toBe('VALIDATION_ERROR');
      expect(refused.body.details?.map((detail) => detail.field), JSON.stringify(rateLimits)).toContain(field);
    }
  });
});
