import { CONTRACT_OPERATIONS, type ContractOperation } from '@app/contracts';
import { type LoggedInUser, prng, registerAndLoginAs, useTestApp } from '@app/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';

type Schema = { $ref?: string; type?: string; properties?: Record<string, Schema>; required?: string[]; items?: Schema; enum?: unknown[]; format?: string; allOf?: Schema[]; oneOf?: Schema[]; anyOf?: Schema[] };
type Parameter = { name: string; in: string; schema?: Schema; $ref?: string };

const SPEC = parse(readFileSync(join(__dirname, '..', 'openapi', 'openapi.yaml'), 'utf8')) as Record<string, unknown>;
// Logging out or ending sessions would end the fuzzer's own credentials; their handling of bad
// input is covered by their own suites.
const SKIPPED = new Set(['logoutUser']);


function resolve<T extends object>(node: T & { $ref?: string }): T {
  let current: T & { $ref?: string } = node;
  while (current.$ref) current = current.$ref.slice(2).split('/').reduce<unknown>((value, key) => (value as Record<string, unknown>)[key], SPEC) as T & { $ref?: string };
  return current;
}

/** A plausible value for a schema, the starting point that mutations then break. */
function sample(schema: Schema | undefined, depth = 0): unknown {
  if (!schema || depth > 6) return null;
  const s = resolve(schema);
  if (s.allOf) return Object.assign({}, ...s.allOf.map((part) => sample(part, depth + 1) as object));
  if (s.oneOf || s.anyOf) return sample((s.oneOf ?? s.anyOf)?.[0], depth + 1);
  if (s.enum) return s.enum[0];
  switch (s.type) {
    case 'object':
      return Object.fromEntries(Object.entries(s.properties ?? {}).map(([key, value]) => [key, sample(value, depth + 1)]));
    case 'array':
      return [sample(s.items, depth + 1)];
    case 'integer':
    case 'number':
      return 1;
    case 'boolean':
      return true;
    default:
      if (s.format === 'uuid') return '00000000-0000-4000-8000-000000000000';
      if (s.format === 'email') return 'fuzz@example.test';
      if (s.format === 'date-time') return '2026-01-01T00:00:00Z';
      if (s.format === 'uri') return 'https://example.test/x';
      return 'fuzz';
  }
}

const ODD_VALUES: unknown[] = [
  null,
  -1,
  1e308,
  -0,
  '',
  ' ',
  'x'.repeat(100_000),
  '\u0000\u0001\u0002',
  '\ud800',
  '😀'.repeat(500),
  '../../../../etc/passwd',
  "' OR 1=1 --",
  '<script>alert(1)</script>',
  '${jndi:ldap://x}',
  '__proto__',
  [],
  [[[[[]]]]],
  {},
  { __proto__: { polluted: true } },
  { constructor: { prototype: { polluted: true } } },
  true,
  '2026-13-45T99:99:99Z',
  'NaN',
];
const ODD_PATH_VALUES = ['not-a-uuid', '00000000-0000-4000-8000-000000000000', '%00', '..%2F..%2Fetc', 'x'.repeat(3000), '%E0%A4%A', '%F0%9F%98%80', '-1', '0'];
const ODD_HEADERS: Array<Record<string, string>> = [
  { authorization: 'Bearer ' },
  { authorization: 'Bearer a.b.c' },
  { authorization: 'Basic Zm9vOmJhcg==' },
  { authorization: `Bearer ${'x'.repeat(6000)}` },
  { 'content-type': 'text/plain' },
  { 'content-type': 'application/json; charset=latin1' },
  { 'x-request-id': '\u00ff'.repeat(10) },
  { 'x-request-id': 'a'.repeat(2000) },
];

/** Percent-encodes, sending a lone surrogate as the invalid UTF-8 bytes it would be. */
function encodeLoosely(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return '%ED%A0%80';
  }
}

function deepNest(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

interface FuzzRequest {
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: string | Buffer;
}

function* mutations(operation: ContractOperation, auth: Record<string, string>, random: () => number): Generator<FuzzRequest> {
  const item = (SPEC.paths as Record<string, Record<string, { parameters?: Parameter[]; requestBody?: { content?: Record<string, { schema?: Schema }> } }>>)[operation.path][operation.method.toLowerCase()];
  const parameters = (item.parameters ?? []).map((parameter) => resolve(parameter));
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
  const fill = (override?: string): string =>
    operation.path.replace(/\{([^}]+)\}/g, () => override ?? '00000000-0000-4000-8000-000000000000');
  const base = operation.basePath + fill();
  const json = { ...auth, 'content-type': 'application/json' };
  const bodySchema = item.requestBody?.content?.['application/json']?.schema;
  const valid = bodySchema ? (sample(bodySchema) as Record<string, unknown>) : undefined;

  for (const value of ODD_PATH_VALUES) if (operation.path.includes('{')) yield { path: operation.basePath + fill(value), headers: auth };
  for (const parameter of parameters.filter((p) => p.in === 'query')) {
    for (let i = 0; i < 6; i++) yield { path: `${base}?${encodeURIComponent(parameter.name)}=${encodeLoosely(String(pick(ODD_VALUES)).slice(0, 4000))}`, headers: auth };
    yield { path: `${base}?${parameter.name}=1&${parameter.name}=2`, headers: auth };
    yield { path: `${base}?${parameter.name}[a]=1`, headers: auth };
  }
  yield { path: `${base}?%zz=1&&=&unknown=${'q'.repeat(5000)}`, headers: auth };
  for (const headers of ODD_HEADERS) yield { path: base, headers: { ...auth, ...headers }, body: operation.method === 'GET' || operation.method === 'DELETE' ? undefined : '{}' };
  if (operation.method === 'GET' || operation.method === 'DELETE') return;

  for (const raw of ['', '{', '{"a":', 'null', '[]', '"x"', '1', 'true', '{"a":1}{"b":2}', '\u0000', '{"__proto__":{"admin":true}}']) yield { path: base, headers: json, body: raw };
  yield { path: base, headers: json, body: Buffer.from([0xff, 0xfe, 0x00, 0x7b]) };
  yield { path: base, headers: json, body: JSON.stringify(deepNest(1500)) };
  yield { path: base, headers: json, body: JSON.stringify({ ...(valid ?? {}), extra: { nested: deepNest(50) } }) };
  if (!valid || typeof valid !== 'object' || Array.isArray(valid)) return;
  yield { path: base, headers: json, body: JSON.stringify(valid) };
  for (const key of Object.keys(valid)) {
    const { [key]: _dropped, ...without } = valid;
    yield { path: base, headers: json, body: JSON.stringify(without) };
    for (let i = 0; i < 4; i++) yield { path: base, headers: json, body: JSON.stringify({ ...valid, [key]: pick(ODD_VALUES) }) };
  }
}

// The random rounds after the fixed sweep: "about two minutes" of fuzzing in all.
const RANDOM_ROUNDS_SECONDS = 100;
const RPC_METHODS = ['tools/list', 'tools/execute', 'tools/call', 'initialize', 'ping', 'subscribe', 'unsubscribe', 'context/update', 'resources/list', 'resources/read', 'prompts/get', 'nope'];

/** Any JSON value, odd ones weighted in. */
function randomJson(random: () => number, depth = 0): unknown {
  const roll = random();
  if (depth > 4 || roll < 0.45) return ODD_VALUES[Math.floor(random() * ODD_VALUES.length)];
  if (roll < 0.6) return Math.floor(random() * 2 ** 40) * (random() < 0.5 ? -1 : 1);
  if (roll < 0.7) return String.fromCharCode(...Array.from({ length: 1 + Math.floor(random() * 40) }, () => Math.floor(random() * 0xffff)));
  if (roll < 0.85) return Array.from({ length: Math.floor(random() * 4) }, () => randomJson(random, depth + 1));
  return Object.fromEntries(Array.from({ length: Math.floor(random() * 4) }, (_, i) => [random() < 0.2 ? '__proto__' : `k${i}`, randomJson(random, depth + 1)]));
}

/** A valid-looking request to `operation` with a few things broken at random. */
function randomRequest(operation: ContractOperation, auth: Record<string, string>, random: () => number): FuzzRequest {
  const item = (SPEC.paths as Record<string, Record<string, { parameters?: Parameter[]; requestBody?: { content?: Record<string, { schema?: Schema }> } }>>)[operation.path][operation.method.toLowerCase()];
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
  const path = operation.path.replace(/\{([^}]+)\}/g, () => (random() < 0.5 ? '00000000-0000-4000-8000-000000000000' : pick(ODD_PATH_VALUES)));
  const query = (item.parameters ?? [])
    .map((parameter) => resolve(parameter))
    .filter((parameter) => parameter.in === 'query' && random() < 0.5)
    .map((parameter) => `${encodeURIComponent(parameter.name)}=${encodeLoosely(String(randomJson(random)).slice(0, 2000))}`)
    .join('&');
  const headers = { ...auth, 'content-type': 'application/json', ...(random() < 0.15 ? pick(ODD_HEADERS) : {}) };
  const url = `${operation.basePath}${path}${query ? `?${query}` : ''}`;
  if (operation.method === 'GET' || operation.method === 'DELETE') return { path: url, headers };
  const schema = item.requestBody?.content?.['application/json']?.schema;
  const valid = schema ? sample(schema) : {};
  if (random() < 0.1) return { path: url, headers, body: JSON.stringify(randomJson(random)) };
  if (!valid || typeof valid !== 'object' || Array.isArray(valid)) return { path: url, headers, body: JSON.stringify(valid) };
  const body: Record<string, unknown> = { ...(valid as Record<string, unknown>) };
  const keys = Object.keys(body);
  for (let i = 0; i < 1 + Math.floor(random() * 3); i++) {
    const key = keys.length > 0 && random() < 0.8 ? pick(keys) : `extra${i}`;
    if (random() < 0.2) delete body[key];
    else body[key] = randomJson(random);
  }
  return { path: url, headers, body: JSON.stringify(body) };
}

/** A JSON-RPC frame with random parts: method, id, params, or not JSON at all. */
function randomRpc(random: () => number): string {
  const roll = random();
  if (roll < 0.05) return String(randomJson(random)).slice(0, 500);
  const message: Record<string, unknown> = { jsonrpc: random() < 0.9 ? '2.0' : randomJson(random), method: RPC_METHODS[Math.floor(random() * RPC_METHODS.length)] };
  if (random() < 0.85) message.id = random() < 0.8 ? Math.floor(random() * 1000) : randomJson(random);
  if (random() < 0.9) message.params = random() < 0.3 ? randomJson(random) : { tool: 'echo', name: 'echo', arguments: randomJson(random), events: randomJson(random), contextId: randomJson(random) };
  const text = JSON.stringify(message);
  return roll < 0.1 ? `[${text},${text}]` : text;
}

describe('fuzz: every operation, the /ws and /mcp doors, with hostile input', () => {
  const t = useTestApp({ RATE_LIMIT_TOOLS_EXECUTE: '1000000/60', RATE_LIMIT_TOOLS_LIST: '1000000/60', RATE_LIMIT_MFA: '1000000/60', RATE_LIMIT_WS_MESSAGES: '1000000/1' });
  let admin: LoggedInUser;

  beforeAll(async () => {
    admin = await registerAndLoginAs(t, ['admin']);
  });

  /** Sends one request; returns what is wrong with the answer, or null when it is fine. */
  async function probe(operation: ContractOperation, request: FuzzRequest): Promise<string | null> {
    const label = `${operation.operationId} ${operation.method} ${request.path.slice(0, 120)} ${typeof request.body === 'string' ? request.body.slice(0, 80) : ''}`;
    try {
      const response = await fetch(`${t.baseUrl}${request.path}`, { method: operation.method, headers: request.headers, body: request.body, signal: AbortSignal.timeout(15_000), redirect: 'manual' });
      const type = response.headers.get('content-type') ?? '';
      if (type.includes('event-stream')) {
        await response.body?.cancel();
        return null;
      }
      const text = await response.text();
      if (response.status >= 500) return `${response.status} ${label}: ${text.slice(0, 200)}`;
      if (response.status >= 400 && response.status !== 404 && !type.includes('json')) return `${response.status} non-JSON error ${label}`;
      if (response.status < 400) return null;
      try {
        // The MCP door speaks JSON-RPC: its errors are JSON-RPC error objects.
        const parsed = JSON.parse(text) as { error?: unknown };
        const jsonRpc = typeof parsed.error === 'object' && parsed.error !== null && typeof (parsed.error as { code?: unknown }).code === 'number';
        if (!(operation.path.startsWith('/mcp') && jsonRpc)) t.client.validator.assertErrorEnvelope(parsed);
        return null;
      } catch (error) {
        return `${response.status} ${label}: ${(error as Error).message.slice(0, 200)}`;
      }
    } catch (error) {
      return `no answer ${label}: ${(error as Error).message}`;
    }
  }

  /** A handful at a time: concurrency without turning the fuzz into a load test. */
  async function probeAll(work: Array<[ContractOperation, FuzzRequest]>, failures: string[]): Promise<void> {
    for (let i = 0; i < work.length; i += 8) {
      for (const failure of await Promise.all(work.slice(i, i + 8).map(([operation, request]) => probe(operation, request)))) if (failure) failures.push(failure);
    }
  }

  const operations = CONTRACT_OPERATIONS.filter((op) => !SKIPPED.has(op.operationId));

  it('answers every request below 500, every error in the envelope, none hanging', async () => {
    const random = prng(0x5eed);
    const failures: string[] = [];
    const work = operations.flatMap((operation) => [...mutations(operation, admin.auth, random)].map((request): [ContractOperation, FuzzRequest] => [operation, request]));
    await probeAll(work, failures);
    expect(failures.slice(0, 20)).toEqual([]);
    expect(work.length).toBeGreaterThan(1500);
  }, 240_000);

  it(`keeps answering random mutations of every operation and door for ${RANDOM_ROUNDS_SECONDS} s`, async () => {
    const failures: string[] = [];
    const deadline = Date.now() + RANDOM_ROUNDS_SECONDS * 1000;
    let sent = 0;
    let frames = 0;
    for (let round = 1; Date.now() < deadline; round++) {
      const random = prng(0x5eed + round);
      // The caller's token may not survive a round (a mutation can hit its own account): a fresh admin each round.
      const caller = round === 1 ? admin : await registerAndLoginAs(t, ['admin']);
      const work = Array.from({ length: 400 }, (): [ContractOperation, FuzzRequest] => {
        const operation = operations[Math.floor(random() * operations.length)];
        return [operation, randomRequest(operation, caller.auth, random)];
      });
      await probeAll(work, failures);
      sent += work.length;
      frames += await fuzzDoors(caller.auth, random, failures);
      if (failures.length > 20) break;
    }
    expect(failures.slice(0, 20)).toEqual([]);
    expect(sent).toBeGreaterThan(2000);
    expect(frames).toBeGreaterThan(500);
  }, (RANDOM_ROUNDS_SECONDS + 120) * 1000);

  /** Random frames on one /ws connection and random bodies to /mcp; the socket must stay usable. */
  async function fuzzDoors(auth: Record<string, string>, random: () => number, failures: string[]): Promise<number> {
    const socket = new WebSocket(`${t.baseUrl.replace('http', 'ws')}/ws`, { headers: auth });
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    let answered = false;
    socket.on('message', (data) => {
      if ((JSON.parse(data.toString()) as { id?: unknown }).id === 'last') answered = true;
    });
    const bodies = Array.from({ length: 100 }, () => randomRpc(random));
    for (const body of bodies) socket.send(body);
    socket.send(JSON.stringify({ jsonrpc: '2.0', id: 'last', method: 'ping' }));
    const started = Date.now();
    while (!answered && Date.now() - started < 15_000) await new Promise((resolve) => setTimeout(resolve, 20));
    if (!answered || socket.readyState !== WebSocket.OPEN) failures.push(`/ws stopped answering after ${bodies.map((body) => body.slice(0, 60)).join(' | ').slice(0, 300)}`);
    socket.close();
    for (const body of bodies.slice(0, 20)) {
      const response = await fetch(`${t.baseUrl}/mcp`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body, signal: AbortSignal.timeout(15_000) }).catch((error: Error) => error);
      if (response instanceof Error) failures.push(`/mcp no answer ${body.slice(0, 80)}: ${response.message}`);
      else {
        await response.body?.cancel();
        if (response.status >= 500) failures.push(`/mcp ${response.status} ${body.slice(0, 80)}`);
      }
    }
    return bodies.length + 20;
  }

  it('/ws answers hostile frames with JSON-RPC errors and keeps the connection', async () => {
    const socket = new WebSocket(`${t.baseUrl.replace('http', 'ws')}/ws`, { headers: admin.auth });
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    const answers: Array<Record<string, unknown>> = [];
    socket.on('message', (data) => answers.push(JSON.parse(data.toString()) as Record<string, unknown>));
    const frames = [
      '',
      '{',
      'null',
      '[]',
      '[1,2,3]',
      '{"jsonrpc":"1.0","id":1,"method":"tools/list"}',
      '{"jsonrpc":"2.0","id":{"a":1},"method":"tools/list"}',
      '{"jsonrpc":"2.0","id":2,"method":"nope"}',
      '{"jsonrpc":"2.0","id":3,"method":"tools/execute","params":"x"}',
      `{"jsonrpc":"2.0","id":4,"method":"tools/execute","params":{"tool":"echo","arguments":${JSON.stringify(deepNest(1500))}}}`,
      `{"jsonrpc":"2.0","id":5,"method":"${'m'.repeat(10_000)}"}`,
      '{"jsonrpc":"2.0","id":6,"method":"subscribe","params":{"events":["__proto__"]}}',
      '{"jsonrpc":"2.0","id":7,"method":"context/update","params":{"contextId":"../x"}}',
    ];
    for (const frame of frames) socket.send(frame);
    socket.send(Buffer.from([0xff, 0x00, 0x81]));
    socket.send(JSON.stringify({ jsonrpc: '2.0', id: 99, method: 'tools/list' }));
    const started = Date.now();
    while (!answers.some((answer) => answer.id === 99) && Date.now() - started < 10_000) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(answers.find((answer) => answer.id === 99)).toHaveProperty('result');
    expect(socket.readyState).toBe(WebSocket.OPEN);
    for (const answer of answers.filter((a) => a.id !== 99).flatMap((a) => (Array.isArray(a) ? a : [a]))) expect(answer, JSON.stringify(answer).slice(0, 200)).toHaveProperty('error');
    socket.close();
  });

  it('/mcp answers hostile bodies below 500', async () => {
    const bodies = ['', '{', 'null', '[]', '{"jsonrpc":"2.0"}', '{"jsonrpc":"2.0","id":1,"method":"initialize","params":"x"}', `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":${JSON.stringify(deepNest(1500))}}`, 'x'.repeat(200_000)];
    for (const body of bodies) {
      const variants: Array<Record<string, string>> = [{ 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, { 'content-type': 'text/plain', accept: '*/*' }, { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-session-id': 'nope' }];
      for (const headers of variants) {
        const response = await fetch(`${t.baseUrl}/mcp`, { method: 'POST', headers: { ...admin.auth, ...headers }, body, signal: AbortSignal.timeout(10_000) });
        await response.body?.cancel();
        expect(response.status, `${headers['content-type']} ${body.slice(0, 60)}`).toBeLessThan(500);
      }
    }
  });
});
