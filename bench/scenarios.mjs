// Benchmark scenarios. Each one loads `app` on the app and `baseline` on the
// bare Fastify server, then reports the app/bare throughput ratio.
//
// Shape:
//   name:         label shown in the report
//   env?:         extra environment for the app process (a fresh app is started per scenario)
//   connections?: overrides BENCH_CONNECTIONS for this scenario
//   app:          { method, path, headers?, body?, setup? }
//                 setup(baseUrl) is awaited once before the load and returns extra
//                 headers (e.g. an Authorization header after logging in)
//   baseline:     { method, path, body? }
//   target?:      { minRatio?, maxP99Ms? }  -> PASS/MISS in the report

import { createRequire } from 'node:module';

const BENCH_USER = { email: 'bench@example.test', password: 'Bench!Passw0rd-Load', name: 'Bench User' };
const BENCH_ADMIN = { email: 'bench-admin@example.test', password: 'Bench!Adm1n-Load' };
const EVERYTHING = createRequire(import.meta.url).resolve('@modelcontextprotocol/server-everything/dist/index.js');
// Benchmarks hammer one account from one address: lift the limits that protect real logins.
const UNLIMITED = { RATE_LIMIT_LOGIN: '100000000/900', RATE_LIMIT_LOGIN_IP: '100000000/900', RATE_LIMIT_REGISTER: '1000/3600', RATE_LIMIT_API: '100000000/60' };

async function post(url, body, headers = {}) {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`POST ${url} answered ${response.status}: ${await response.text()}`);
  return response.json();
}

async function logIn(baseUrl, account) {
  const { accessToken } = await post(`${baseUrl}/api/v1/auth/login`, { email: account.email, password: account.password });
  return { authorization: `Bearer ${accessToken}` };
}

/** Registers the bench user and returns its Authorization header. */
async function loggedIn(baseUrl) {
  await post(`${baseUrl}/api/v1/auth/register`, BENCH_USER);
  return logIn(baseUrl, BENCH_USER);
}

/** Logs the bootstrap admin in and adds server-everything over stdio as the upstream `everything`. */
async function withStdioUpstream(baseUrl) {
  const { authorization } = await logIn(baseUrl, BENCH_ADMIN);
  const server = await post(`${baseUrl}/api/v1/admin/servers`, { name: 'everything', transport: { type: 'stdio', command: process.execPath, args: [EVERYTHING, 'stdio'] } }, { authorization });
  if (server.status !== 'connected') throw new Error(`upstream did not connect: ${server.lastError}`);
  return { authorization };
}

const ECHO_BODY = JSON.stringify({ parameters: { message: 'hello from the benchmark' } });
const MCP_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
const MCP_CALL = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'echo', arguments: { message: 'hello from the benchmark' } } });

/** Opens an MCP session (initialize + initialized) and returns the headers that continue it. */
async function mcpSession(baseUrl, headers = {}) {
  const init = { jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'bench', version: '1' } } };
  const response = await fetch(`${baseUrl}/mcp`, { method: 'POST', headers: { ...MCP_HEADERS, ...headers }, body: JSON.stringify(init) });
  if (!response.ok) throw new Error(`initialize answered ${response.status}: ${await response.text()}`);
  const session = { ...headers, 'mcp-session-id': response.headers.get('mcp-session-id') };
  await fetch(`${baseUrl}/mcp`, { method: 'POST', headers: { ...MCP_HEADERS, ...session }, body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) });
  return session;
}

const wsExecute = (id) => JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/execute', params: { tool: 'echo', arguments: { message: 'hello from the benchmark' } } });

export const scenarios = [
  {
    name: 'GET /health',
    app: { method: 'GET', path: '/health' },
    baseline: { method: 'GET', path: '/health' },
  },
  {
    // Authentication on the hot path: RS256 verify against a pre-parsed key + in-memory revocation check.
    name: 'GET /api/v1/users/me (JWT)',
    env: UNLIMITED,
    app: { method: 'GET', path: '/api/v1/users/me', setup: loggedIn },
    baseline: { method: 'GET', path: '/health' },
  },
  {
    // argon2id (19 MiB, t=2) dominates by design; p50 is the figure that matters.
    name: 'POST /api/v1/auth/login',
    env: UNLIMITED,
    connections: 4,
    app: {
      method: 'POST',
      path: '/api/v1/auth/login',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: BENCH_USER.email, password: BENCH_USER.password }),
      setup: async (baseUrl) => {
        await post(`${baseUrl}/api/v1/auth/register`, BENCH_USER);
        return {};
      },
    },
    baseline: { method: 'POST', path: '/echo', body: JSON.stringify({ email: BENCH_USER.email, password: BENCH_USER.password }) },
  },
  {
    // The whole engine: auth, permissions, schema, limits, run, group-committed record + audit, metrics, event.
    name: 'POST /api/v1/tools/echo/execute (JWT)',
    env: { ...UNLIMITED, RATE_LIMIT_TOOLS_EXECUTE: '100000000/60' },
    app: { method: 'POST', path: '/api/v1/tools/echo/execute', headers: { 'content-type': 'application/json' }, body: ECHO_BODY, setup: loggedIn },
    baseline: { method: 'POST', path: '/echo', body: ECHO_BODY },
    target: { minRatio: 0.25, maxP99Ms: 10 },
  },
  {
    // The same engine, proxied to a real MCP server over stdio (server-everything's echo tool).
    name: 'POST /api/v1/tools/everything__echo/execute (stdio upstream)',
    env: { ...UNLIMITED, RATE_LIMIT_TOOLS_EXECUTE: '100000000/60', UPSTREAM_STDIO_COMMANDS: process.execPath, ADMIN_EMAIL: BENCH_ADMIN.email, ADMIN_PASSWORD: BENCH_ADMIN.password },
    app: { method: 'POST', path: '/api/v1/tools/everything__echo/execute', headers: { 'content-type': 'application/json' }, body: ECHO_BODY, setup: withStdioUpstream },
    // Against a supergateway-style bridge to the same stdio server: what the gateway's engine,
    // auth, audit and persistence cost over bare HTTP-to-stdio forwarding.
    baseline: { server: 'bench/bare-stdio-bridge.mjs', method: 'POST', path: '/echo', headers: { 'content-type': 'application/json' }, body: ECHO_BODY },
  },
  {
    // MCP tools/call through the whole gateway (auth, session, engine, audit) vs the bare SDK server.
    name: 'POST /mcp tools/call echo (JWT)',
    env: { ...UNLIMITED, RATE_LIMIT_TOOLS_EXECUTE: '100000000/60' },
    app: { method: 'POST', path: '/mcp', headers: MCP_HEADERS, body: MCP_CALL, setup: async (baseUrl) => mcpSession(baseUrl, await loggedIn(baseUrl)) },
    baseline: { server: 'bench/bare-mcp-sdk.mjs', method: 'POST', path: '/mcp', headers: MCP_HEADERS, body: MCP_CALL, setup: (baseUrl) => mcpSession(baseUrl) },
    target: { minRatio: 1.0 },
  },
  {
    // WebSocket tools/execute messages per second vs a raw ws echo server.
    name: 'WS /ws tools/execute echo (JWT)',
    kind: 'ws',
    env: { ...UNLIMITED, RATE_LIMIT_TOOLS_EXECUTE: '100000000/60', RATE_LIMIT_WS_MESSAGES: '100000000/1', WS_MAX_CONNECTIONS_PER_USER: '1000' },
    app: { path: '/ws', message: wsExecute, setup: loggedIn },
    baseline: { server: 'bench/bare-ws-echo.mjs', path: '/ws', message: wsExecute },
    target: { minRatio: 0.3 },
  },
];

/** 10,000 idle authenticated WebSockets (one session row each) must fit in 1 GiB of RSS. */
export const IDLE_WS = {
  name: 'WS /ws 10,000 idle authenticated connections (memory)',
  env: { ...UNLIMITED, WS_MAX_CONNECTIONS_PER_USER: '10000' },
  setup: loggedIn,
  load: { count: 10_000, idleMs: 5_000 },
  target: { maxRssBytes: 1024 * 1024 * 1024 },
};

/** The first start on a new data directory (the embedded default, on disk), at rest after a login. */
export const FIRST_START = {
  name: 'First start on a new data directory (embedded default), RSS at rest',
  // An empty DATABASE_URL is the default: the embedded database in DATA_DIR.
  env: { ...UNLIMITED, DATABASE_URL: '' },
  setup: loggedIn,
  restMs: 3_000,
  target: { maxRssBytes: 512 * 1024 * 1024 },
};

/**
 * A long run history: a tool's statistics and a page of its history must not cost in proportion
 * to it (on the embedded database each such query holds the one session, and every request waits).
 * The history is written straight into the data directory between two starts of the app.
 */
export const LONG_HISTORY = {
  name: 'Statistics and history pages of a tool with a long run history (embedded default, on disk)',
  env: { ...UNLIMITED, DATABASE_URL: '', ADMIN_EMAIL: BENCH_ADMIN.email, ADMIN_PASSWORD: BENCH_ADMIN.password },
  // BENCH_HISTORY_RUNS overrides it.
  runs: 1_000_000,
  register: (baseUrl) => post(`${baseUrl}/api/v1/auth/register`, BENCH_USER),
  logIn: async (baseUrl) => ({ user: await logIn(baseUrl, BENCH_USER), admin: await logIn(baseUrl, BENCH_ADMIN) }),
  // 1% of the runs are the bench user's, 0.5% failed (1 in 20,000 both); the rest belong to 1,000 other users; spread over a year.
  requests: [
    { label: 'GET /tools/echo (statistics)', as: 'user', path: '/api/v1/tools/echo' },
    { label: 'history, first page (admin: all users)', as: 'admin', path: '/api/v1/tools/echo/executions?limit=20' },
    { label: 'history, first page (own runs)', as: 'user', path: '/api/v1/tools/echo/executions?limit=20' },
    { label: 'history, failed runs (admin)', as: 'admin', path: '/api/v1/tools/echo/executions?limit=20&status=failed' },
    { label: 'history, own failed runs', as: 'user', path: '/api/v1/tools/echo/executions?limit=20&status=failed' },
    { label: 'history, 90% down by cursor (admin)', as: 'admin', path: (seeded) => `/api/v1/tools/echo/executions?limit=20&cursor=${seeded.deepRunCursor}` },
    { label: 'runs across tools, first page (own, counted to 10,000)', as: 'user', path: '/api/v1/tools/executions?limit=20' },
    { label: 'runs across tools, own failed runs', as: 'user', path: '/api/v1/tools/executions?limit=20&status=failed' },
    { label: "runs across tools, a user's (admin)", as: 'admin', path: (seeded) => `/api/v1/tools/executions?limit=20&userId=${seeded.userId}` },
    { label: 'usage by day, own (30 days)', as: 'user', path: '/api/v1/tools/stats' },
    { label: 'tools run last, own', as: 'user', path: '/api/v1/tools/recent' },
    { label: "usage by day, everyone's (admin, 30 days)", as: 'admin', path: '/api/v1/tools/stats?allUsers=true' },
    { label: "usage by day, everyone's (admin, a year)", as: 'admin', path: '/api/v1/tools/stats?allUsers=true&days=366' },
    { label: 'audit log, first page (counted to 10,000)', as: 'admin', path: '/api/v1/admin/audit-logs?limit=20' },
    { label: 'audit log, tool runs', as: 'admin', path: '/api/v1/admin/audit-logs?limit=20&action=tool.' },
    { label: "audit log, a user's entries", as: 'admin', path: (seeded) => `/api/v1/admin/audit-logs?limit=20&userId=${seeded.userId}` },
    { label: 'audit log, 90% down by cursor', as: 'admin', path: (seeded) => `/api/v1/admin/audit-logs?limit=20&cursor=${seeded.deepAuditCursor}` },
  ],
  samples: 15,
  target: { maxMedianMs: 50 },
};
