import { CONTRACT_OPERATIONS, type ContractOperation } from '@app/contracts';
import { type LoggedInUser, registerAndLoginAs, useTestApp } from '@app/testing';
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

/** A small deterministic PRNG, so a failure replays. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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

describe('fuzz: every operation, the /ws and /mcp doors, with hostile input', () => {
  const t = useTestApp({ RATE_LIMIT_TOOLS_EXECUTE: '1000000/60', RATE_LIMIT_TOOLS_LIST: '1000000/60', RATE_LIMIT_MFA: '1000000/60', RATE_LIMIT_WS_MESSAGES: '1000000/1' });
  let admin: LoggedInUser;

  beforeAll(async () => {
    admin = await registerAndLoginAs(t, ['admin']);
  });

  it('answers every request below 500, every error in the envelope, none hanging', async () => {
    const random = prng(0x5eed);
    const failures: string[] = [];
    let sent = 0;
    for (const operation of CONTRACT_OPERATIONS.filter((op) => !SKIPPED.has(op.operationId))) {
      const batch = [...mutations(operation, admin.auth, random)];
      // A handful at a time: concurrency without turning the fuzz into a load test.
      for (let i = 0; i < batch.length; i += 8) {
        await Promise.all(
          batch.slice(i, i + 8).map(async (request) => {
            sent++;
            const label = `${operation.operationId} ${operation.method} ${request.path.slice(0, 120)} ${typeof request.body === 'string' ? request.body.slice(0, 80) : ''}`;
            try {
              const response = await fetch(`${t.baseUrl}${request.path}`, { method: operation.method, headers: request.headers, body: request.body, signal: AbortSignal.timeout(15_000), redirect: 'manual' });
              const type = response.headers.get('content-type') ?? '';
              if (type.includes('event-stream')) {
                await response.body?.cancel();
                return;
              }
              const text = await response.text();
              if (response.status >= 500) failures.push(`${response.status} ${label}: ${text.slice(0, 200)}`);
              else if (response.status >= 400 && response.status !== 404 && !type.includes('json')) failures.push(`${response.status} non-JSON error ${label}`);
              else if (response.status >= 400) {
                try {
                  // The MCP door speaks JSON-RPC: its errors are JSON-RPC error objects.
                  const parsed = JSON.parse(text) as { error?: unknown };
                  const jsonRpc = typeof parsed.error === 'object' && parsed.error !== null && typeof (parsed.error as { code?: unknown }).code === 'number';
                  if (!(operation.path.startsWith('/mcp') && jsonRpc)) t.client.validator.assertErrorEnvelope(parsed);
                } catch (error) {
                  failures.push(`${response.status} ${label}: ${(error as Error).message.slice(0, 200)}`);
                }
              }
            } catch (error) {
              failures.push(`no answer ${label}: ${(error as Error).message}`);
            }
          }),
        );
      }
    }
    expect(failures.slice(0, 20)).toEqual([]);
    expect(sent).toBeGreaterThan(1500);
  }, 240_000);

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
