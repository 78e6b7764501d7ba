import type { CircuitBreakerList, MonitorOverview, ToolExecution, ToolList, UpstreamServer } from '@app/contracts';
import { type LoggedInUser, type McpTestServer, metricValue, processAlive, registerAndLoginAs, startMcpTestServer, startWebhookReceiver, TcpProxy, until, useTestApp, type WebhookReceiver } from '@app/testing';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

type Envelope = { error: string; message: string; details?: Array<{ field: string; code: string }> };

const FIXTURE = join(process.cwd(), 'test/fixtures/replica-mcp-server.mjs');
const SERVER_EVENTS = ['server.connected', 'server.disconnected', 'server.error', 'circuit.opened', 'circuit.closed'];


/** Copies of an upstream: real stdio processes and real Streamable HTTP sessions, calls spread over them. */
describe('replicated upstreams', () => {
  const t = useTestApp({ UPSTREAM_STDIO_COMMANDS: process.execPath, UPSTREAM_BREAKER_THRESHOLD: '2', UPSTREAM_BREAKER_COOLDOWN_MS: '60000', WEBHOOK_ALLOWLIST: '127.0.0.1', WEBHOOK_POLL_MS: '20' });
  let admin: LoggedInUser;
  let remote: McpTestServer;
  let receiver: WebhookReceiver;
  let repId: string;

  beforeAll(async () => {
    admin = await registerAndLoginAs(t, ['admin']);
    remote = await startMcpTestServer();
    receiver = await startWebhookReceiver();
    expect((await t.client.call('createWebhook', { headers: admin.auth, body: { url: receiver.url, events: SERVER_EVENTS } })).status).toBe(201);
  });

  afterAll(async () => {
    await remote?.close();
    await receiver?.stop();
  });

  const server = async (id: string) => (await t.client.call<UpstreamServer>('getServer', { headers: admin.auth, params: { id } })).body;
  const create = (body: Record<string, unknown>) => t.client.call<UpstreamServer & Envelope>('createServer', { headers: admin.auth, body });
  const stdio = (name: string, replicas?: Record<string, unknown>) => ({ name, transport: { type: 'stdio', command: process.execPath, args: [FIXTURE] }, ...(replicas ? { replicas } : {}) });
  const run = (tool: string, parameters: Record<string, unknown> = {}) => t.client.call<ToolExecution & Envelope>('executeTool', { headers: admin.auth, params: { id: tool }, body: { parameters } });
  /** The pid a copy answered with (the fixture answers its own). */
  const answeredBy = (execution: ToolExecution): number => Number((execution.result as { content: Array<{ text: string }> }).content[0].text);
  const copiesUp = async (name: string) => metricValue((await t.client.call('getMetrics')).text, 'mcp_upstream_replicas_up', { server: name });
  const pidsOf = (view: UpstreamServer): number[] => view.replicaStates.map((state) => state.pid as number);
  const eventsOf = (id: string) =>
    receiver.received
      .map((hook) => JSON.parse(hook.body) as { event: string; data: { serverId?: string } })
      .filter((hook) => hook.data.serverId === id)
      .map((hook) => hook.event);

  it('stdio: starts a process per copy, serves one listing, and sends calls to each copy in turn', async () => {
    const created = await create(stdio('rep', { count: 3 }));
    expect(created.status).toBe(201);
    repId = created.body.id;
    expect(created.body).toMatchObject({ status: 'connected', circuit: 'closed', replicas: { count: 3, strategy: 'round_robin' } });
    expect(created.body.replicaStates.map((state) => [state.index, state.status, state.circuit, state.inFlight, state.calls])).toEqual([
      [0, 'connected', 'closed', 0, 0],
      [1, 'connected', 'closed', 0, 0],
      [2, 'connected', 'closed', 0, 0],
    ]);
    const pids = pidsOf(created.body);
    expect(new Set(pids).size).toBe(3);
    for (const pid of pids) expect(processAlive(pid)).toBe(true);
    expect(pids).toContain(created.body.pid);
    expect([...created.body.tools].sort()).toEqual(['rep__break', 'rep__hold', 'rep__peek', 'rep__pid']);
    expect(await copiesUp('rep')).toBe(3);
    const listed = await t.client.call<ToolList>('listTools', { headers: admin.auth, query: { q: 'rep__pid' } });
    expect(listed.body.tools.map((tool) => tool.name)).toEqual(['rep__pid']);

    const answers: number[] = [];
    for (let i = 0; i < 6; i++) {
      const answer = await run('rep__pid');
      expect(answer.body.status).toBe('completed');
      answers.push(answeredBy(answer.body));
    }
    // In turn: each copy answers every third call.
    expect(answers.slice(0, 3).sort()).toEqual([...pids].sort());
    expect(answers.slice(3)).toEqual(answers.slice(0, 3));
    expect((await server(repId)).replicaStates.map((state) => [state.calls, state.inFlight])).toEqual([
      [2, 0],
      [2, 0],
      [2, 0],
    ]);
    // The monitor counts them too (the MCP Gateway seed's requests per server).
    const monitor = await t.client.call<MonitorOverview>('getMonitor', { headers: admin.auth });
    expect(monitor.body.servers.find((entry) => entry.id === repId)?.replicas).toEqual({ count: 3, connected: 3, calls: [2, 2, 2] });
  });

  it('a copy whose calls fail is passed over once its circuit opens; the server and its circuit stay up', async () => {
    const broken = answeredBy((await run('rep__break')).body);
    const statuses: number[] = [];
    const answers: number[] = [];
    for (let i = 0; i < 9; i++) {
      const answer = await run('rep__pid');
      statuses.push(answer.status);
      if (answer.body.status === 'completed') answers.push(answeredBy(answer.body));
    }
    // Two failures open the broken copy's circuit (threshold 2); every later call goes to the others.
    expect(statuses.filter((status) => status === 502)).toHaveLength(2);
    expect(answers).toHaveLength(7);
    expect(answers).not.toContain(broken);
    const view = await server(repId);
    const brokenState = view.replicaStates.find((state) => state.pid === broken);
    expect(brokenState).toMatchObject({ status: 'connected', circuit: 'open' });
    expect(view).toMatchObject({ status: 'connected', circuit: 'closed' });
    const circuits = await t.client.call<CircuitBreakerList>('listCircuitBreakers', { headers: admin.auth });
    expect(circuits.body.circuitBreakers.find((circuit) => circuit.serverId === repId)).toMatchObject({ state: 'closed', failures: 2 });
  });

  it('a copy that dies is passed over and restarted; the server stays connected and the new process serves again', async () => {
    const before = await server(repId);
    const victim = before.replicaStates.find((state) => state.circuit === 'open') as UpstreamServer['replicaStates'][number];
    process.kill(victim.pid as number, 'SIGKILL');
    await until(() => server(repId), (view) => view.replicaStates[victim.index].pid !== victim.pid || view.replicaStates[victim.index].status !== 'connected', 10_000);
    const survivors = pidsOf(before).filter((pid) => pid !== victim.pid);
    for (let i = 0; i < 4; i++) {
      const answer = await run('rep__pid');
      expect(answer.body.status).toBe('completed');
      expect(survivors).toContain(answeredBy(answer.body));
    }
    expect((await server(repId)).status).toBe('connected');
    // Restarted with a new process, its circuit closed by the new connection: back in turn.
    const restarted = await until(() => server(repId), (view) => view.replicaStates[victim.index].status === 'connected' && view.replicaStates[victim.index].pid !== victim.pid, 15_000);
    const fresh = restarted.replicaStates[victim.index];
    expect(fresh.circuit).toBe('closed');
    const answers = new Set<number>();
    for (let i = 0; i < 3; i++) answers.add(answeredBy((await run('rep__pid')).body));
    expect([...answers].sort()).toEqual(pidsOf(restarted).sort());
  });

  it('disconnecting stops every copy and connecting starts them all; operators heard of the server only as a whole', async () => {
    const pids = pidsOf(await server(repId));
    const disconnected = await t.client.call<UpstreamServer>('disconnectServer', { headers: admin.auth, params: { id: repId } });
    expect(disconnected.body).toMatchObject({ status: 'disconnected', tools: [], pid: null, replicas: { count: 3 }, replicaStates: [] });
    await until(
      async () => pids.filter(processAlive),
      (living) => living.length === 0,
      10_000,
    );
    expect((await run('rep__pid')).status).toBe(404);
    const connected = await t.client.call<UpstreamServer>('connectServer', { headers: admin.auth, params: { id: repId } });
    expect(connected.body.status).toBe('connected');
    expect(connected.body.replicaStates.map((state) => state.status)).toEqual(['connected', 'connected', 'connected']);
    expect((await run('rep__pid')).body.status).toBe('completed');
    // A copy breaking, dying and coming back told nobody: only the server's own connecting and disconnecting.
    await until(() => eventsOf(repId), (events) => events.length >= 3);
    expect(eventsOf(repId)).toEqual(['server.connected', 'server.disconnected', 'server.connected']);
  });

  it('least_pending: a copy busy with a long call is passed over', async () => {
    const created = await create(stdio('lp', { count: 2, strategy: 'least_pending' }));
    expect(created.body).toMatchObject({ status: 'connected', replicas: { count: 2, strategy: 'least_pending' } });
    const holding = run('lp__hold', { ms: 1500 });
    const busy = await until(() => server(created.body.id), (view) => view.replicaStates.some((state) => state.inFlight === 1));
    const busyPid = busy.replicaStates.find((state) => state.inFlight === 1)?.pid;
    const idlePid = busy.replicaStates.find((state) => state.inFlight === 0)?.pid;
    for (let i = 0; i < 3; i++) expect(answeredBy((await run('lp__pid')).body)).toBe(idlePid);
    const held = await holding;
    expect(held.body.status).toBe('completed');
    expect(answeredBy(held.body)).toBe(busyPid);
  });

  it('a call lost with its copy goes to another copy when the tool is read-only, and only then', async () => {
    const created = await create(stdio('fo', { count: 2 }));
    expect(created.body.status).toBe('connected');
    const id = created.body.id;
    const killDuring = async (tool: string) => {
      const pending = run(tool, { ms: 2_000 });
      const busy = await until(() => server(id), (view) => view.replicaStates.some((state) => state.inFlight === 1));
      const victim = busy.replicaStates.find((state) => state.inFlight === 1)?.pid as number;
      process.kill(victim, 'SIGKILL');
      return { answer: await pending, victim };
    };
    const peeked = await killDuring('fo__peek');
    expect(peeked.answer.status, JSON.stringify(peeked.answer.body)).toBe(200);
    expect(peeked.answer.body.status).toBe('completed');
    expect(answeredBy(peeked.answer.body)).not.toBe(peeked.victim);

    await until(() => server(id), (view) => view.replicaStates.every((state) => state.status === 'connected' && state.pid !== peeked.victim), 15_000);
    // `hold` says nothing of running twice: lost with its copy, it is not sent again.
    const held = await killDuring('fo__hold');
    expect(held.answer.status).toBe(502);
    expect(held.answer.body.error).toBe('BAD_GATEWAY');
    expect(held.answer.body.message).toMatch(/closed the connection during the call/);
  });

  it('changing the copies replaces the processes: fewer stop, more start', async () => {
    const id = (await server(repId)).id;
    const before = pidsOf(await server(id));
    const body = stdio('rep', { count: 1 });
    const one = await t.client.call<UpstreamServer>('updateServer', { headers: admin.auth, params: { id }, body });
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ status: 'connected', replicas: { count: 1, strategy: 'round_robin' } });
    expect(one.body.replicaStates).toHaveLength(1);
    expect(one.body.replicaStates[0].pid).toBe(one.body.pid);
    await until(async () => before.filter(processAlive), (living) => living.length === 0, 10_000);
    expect(await copiesUp('rep')).toBe(1);
    const two = await t.client.call<UpstreamServer>('updateServer', { headers: admin.auth, params: { id }, body: stdio('rep', { count: 2, strategy: 'least_pending' }) });
    expect(two.body.replicaStates.map((state) => state.status)).toEqual(['connected', 'connected']);
    expect((await run('rep__pid')).body.status).toBe('completed');
  });

  it('Streamable HTTP: a session per copy to the same url, calls spread over them', async () => {
    const created = await create({ name: 'remote-copies', transport: { type: 'streamable-http', url: remote.url }, replicas: { count: 2 } });
    expect(created.status).toBe(201);
    expect(created.body.replicaStates.map((state) => [state.status, state.pid])).toEqual([
      ['connected', null],
      ['connected', null],
    ]);
    for (let i = 0; i < 4; i++) expect((await run('remote-copies__echo', { message: `m${i}` })).body).toMatchObject({ status: 'completed', result: { content: [{ text: `echo: m${i}` }] } });
    expect((await server(created.body.id)).replicaStates.map((state) => state.calls)).toEqual([2, 2]);
  });

  it('endpoints: copies spread over url and urls, each endpoint gets the headers, and stored ones go nowhere new', async () => {
    const [second, third] = await Promise.all([startMcpTestServer(), startMcpTestServer()]);
    try {
      const body = (urls: string[], authorization = 'Bearer fleet-secret', count = 2) => ({ name: 'fleet', transport: { type: 'streamable-http', url: remote.url, headers: { authorization } }, replicas: { count, urls } });
      const created = await create(body([second.url]));
      expect(created.status).toBe(201);
      expect(created.body.replicas).toEqual({ count: 2, strategy: 'round_robin', urls: [second.url] });
      expect(created.body.replicaStates.map((state) => [state.status, state.url])).toEqual([
        ['connected', remote.url],
        ['connected', second.url],
      ]);
      const before = [remote.calls.get('lookup') ?? 0, second.calls.get('lookup') ?? 0];
      for (let i = 0; i < 4; i++) expect((await run('fleet__lookup', { key: `k${i}` })).body.status).toBe('completed');
      expect([(remote.calls.get('lookup') ?? 0) - before[0], (second.calls.get('lookup') ?? 0) - before[1]]).toEqual([2, 2]);
      expect(remote.lastAuthorization()).toBe('Bearer fleet-secret');
      expect(second.lastAuthorization()).toBe('Bearer fleet-secret');

      const update = (payload: Record<string, unknown>) => t.client.call<UpstreamServer & Envelope>('updateServer', { headers: admin.auth, params: { id: created.body.id }, body: payload });
      // A stored header goes on to the servers it went to, in any order...
      const reordered = await update({ ...body([second.url], '********'), transport: { type: 'streamable-http', url: second.url, headers: { authorization: '********' } }, replicas: { count: 2, urls: [remote.url] } });
      expect(reordered.status).toBe(200);
      // ...but to no server it has not gone to: a new endpoint needs it sent again.
      const widened = await update(body([second.url, third.url], '********', 3));
      expect(widened.status).toBe(400);
      expect(widened.body.details).toEqual([expect.objectContaining({ field: 'transport.headers.authorization', code: 'MASKED_VALUE' })]);
      expect((await update(body([second.url, third.url], 'Bearer resent', 3))).status).toBe(200);
      for (let i = 0; i < 3; i++) expect((await run('fleet__lookup', { key: `again${i}` })).body.status).toBe('completed');
      expect(third.lastAuthorization()).toBe('Bearer resent');

      const refusals: Array<[Record<string, unknown>, string]> = [
        [{ name: 'bad', transport: { type: 'streamable-http', url: remote.url }, replicas: { count: 1, urls: [second.url] } }, 'replicas.count'],
        [{ name: 'bad', transport: { type: 'streamable-http', url: remote.url }, replicas: { count: 2, urls: ['ws://127.0.0.1:1/mcp'] } }, 'replicas.urls[0]'],
        [{ name: 'bad', transport: { type: 'stdio', command: process.execPath, args: [FIXTURE] }, replicas: { count: 2, urls: [second.url] } }, 'replicas.urls'],
        [{ name: 'bad', transport: { type: 'streamable-http', url: remote.url }, replicas: { count: 3, urls: [second.url, second.url] } }, 'replicas.urls'],
        [{ name: 'bad', transport: { type: 'streamable-http', url: remote.url }, replicas: { count: 2, urls: ['not a url'] } }, 'replicas.urls'],
      ];
      for (const [payload, field] of refusals) {
        const refused = await create(payload);
        expect(refused.status, JSON.stringify(payload)).toBe(400);
        expect(refused.body.details?.map((detail) => detail.field).join(' '), JSON.stringify(payload)).toContain(field);
      }
    } finally {
      await Promise.all([second.close(), third.close()]);
    }
  });

  it('a copy that is down takes no part in the circuit: the live copy opening it is the server opening it', async () => {
    const created = await create({ name: 'half-dead', transport: { type: 'streamable-http', url: remote.url }, replicas: { count: 2, urls: ['http://127.0.0.1:1/mcp'] }, timeouts: { connectMs: 1000 } });
    expect(created.status).toBe(201);
    expect(created.body.replicaStates.map((state) => state.status)).toEqual(['connected', 'error']);
    expect(created.body).toMatchObject({ status: 'connected', circuit: 'closed' });
    remote.failNext(2);
    for (let i = 0; i < 2; i++) expect((await run('half-dead__flaky')).status).toBe(502);
    const view = await server(created.body.id);
    expect(view.circuit).toBe('open');
    expect((await run('half-dead__flaky')).status).toBe(503);
    await until(() => eventsOf(created.body.id), (events) => events.includes('circuit.opened'));
    expect(eventsOf(created.body.id)).toEqual(['server.connected', 'circuit.opened']);
  });

  it('every copy going down is told once as server.error, even while they keep reconnecting; the first back is server.connected', async () => {
    const target = new URL(remote.url);
    const proxy = await TcpProxy.start(target.hostname, Number(target.port));
    try {
      const url = `http://127.0.0.1:${proxy.port}${target.pathname}`;
      const created = await create({ name: 'fragile', transport: { type: 'streamable-http', url }, replicas: { count: 2 }, timeouts: { connectMs: 1000, requestMs: 2000 }, healthCheck: { intervalMs: 1000, timeoutMs: 500 } });
      expect(created.body.status).toBe('connected');
      const id = created.body.id;
      await until(() => eventsOf(id), (events) => events.length >= 1);
      await proxy.cut();
      const serverEvents = () => eventsOf(id).filter((event) => event.startsWith('server.'));
      await until(serverEvents, (events) => events.includes('server.error'), 15_000);
      expect((await server(id)).status).toBe('error');
      // Reconnection keeps failing on both copies: nothing more is told of the server.
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      expect(serverEvents()).toEqual(['server.connected', 'server.error']);
      await proxy.restore();
      await until(serverEvents, (events) => events.length >= 3, 20_000);
      expect(serverEvents()).toEqual(['server.connected', 'server.error', 'server.connected']);
      // The failed pings opened every copy's circuit: told once for the server; a copy back closes it.
      const circuitEvents = () => eventsOf(id).filter((event) => event.startsWith('circuit.'));
      await until(circuitEvents, (events) => events.length >= 2, 10_000);
      expect(circuitEvents()).toEqual(['circuit.opened', 'circuit.closed']);
      expect((await run('fragile__echo', { message: 'back' })).body.status).toBe('completed');
    } finally {
      await proxy.close();
    }
  });

  it('refuses copies it cannot keep, naming the field, and stores nothing', async () => {
    const transport = { type: 'stdio', command: process.execPath, args: [FIXTURE] };
    const cases: Array<[unknown, string]> = [
      [{ count: 0 }, 'replicas.count'],
      [{ count: 9 }, 'replicas.count'],
      [{ count: 1.5 }, 'replicas.count'],
      [{ count: '2' }, 'replicas.count'],
      [{}, 'replicas.count'],
      [{ count: 2, strategy: 'random' }, 'replicas.strategy'],
      [{ count: 2, weights: [1, 2] }, 'replicas'],
      [null, 'replicas'],
      [[2], 'replicas'],
      [2, 'replicas'],
    ];
    for (const [replicas, field] of cases) {
      const refused = await create({ name: 'refused', transport, replicas });
      expect(refused.status, JSON.stringify(replicas)).toBe(400);
      expect(refused.body.error).toBe('VALIDATION_ERROR');
      expect(refused.body.details?.map((detail) => detail.field).join(' '), JSON.stringify(replicas)).toContain(field);
    }
    const userConfig = { schema: { type: 'object', properties: { token: { type: 'string' } }, required: ['token'] }, env: { TOKEN: '{{token}}' } };
    const personal = await create({ name: 'refused', transport, userConfig, replicas: { count: 2 } });
    expect(personal.status).toBe(400);
    expect(personal.body.details).toEqual([expect.objectContaining({ field: 'replicas.count', code: 'INVALID_VALUE' })]);
    // One copy with userConfig is what every such server is.
    const single = await create({ name: 'personal', transport, userConfig, replicas: { count: 1 } });
    expect(single.status).toBe(201);
    const names = (await t.client.call<{ servers: UpstreamServer[] }>('listServers', { headers: admin.auth })).body.servers.map((view) => view.name);
    expect(names).not.toContain('refused');
  });
});
