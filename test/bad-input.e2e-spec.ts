import { registerAndLogin, useTestApp } from '@app/testing';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';

type Envelope = { error: string; message: string; details?: Array<{ field: string; code: string; message: string }>; requestId: string };

const JSON_HEADERS = { 'content-type': 'application/json' };
const REGISTER = '/api/v1/auth/register';

describe('bad input of any shape gets a 4xx envelope, never a 500', () => {
  const t = useTestApp();

  async function expectEnvelope(status: number, code: string, request: Promise<{ status: number; body: unknown; headers: Headers }>): Promise<Envelope> {
    const response = await request;
    expect(response.status).toBe(status);
    const body = response.body as Envelope;
    expect(body.error).toBe(code);
    expect(body.requestId).toBe(response.headers.get('x-request-id'));
    expect(JSON.stringify(body)).not.toMatch(/at .*\.(ts|js):\d+|node_modules|SELECT |INSERT /);
    return body;
  }

  it.each(['{"email":', '{email: "x"}', "{'a':1}", '{"a":1,}', '\u0000\u0001', '{"a":"\\u12"}'])('malformed JSON %j -> 400', async (body) => {
    const envelope = await expectEnvelope(400, 'VALIDATION_ERROR', t.client.raw('POST', REGISTER, { body, headers: JSON_HEADERS }));
    expect(envelope.message.toLowerCase()).toContain('json');
  });

  it.each([
    ['text/plain', 'hello'],
    ['application/xml', '<a/>'],
    ['application/x-www-form-urlencoded', 'email=a%40b.c'],
    ['multipart/form-data; boundary=x', '--x--'],
    ['application/octet-stream', 'AAAA'],
  ])('content type %s -> 415', async (type, body) => {
    const envelope = await expectEnvelope(415, 'UNSUPPORTED_MEDIA_TYPE', t.client.raw('POST', REGISTER, { body, headers: { 'content-type': type } }));
    expect(envelope.message).toContain('application/json');
  });

  it('a 3 MB body -> 413', async () => {
    const body = JSON.stringify({ email: 'a@b.co', password: 'x'.repeat(3 * 1024 * 1024), name: 'big' });
    await expectEnvelope(413, 'PAYLOAD_TOO_LARGE', t.client.raw('POST', REGISTER, { body, headers: JSON_HEADERS }));
  });

  it('unknown properties -> 400 naming each one', async () => {
    const envelope = await expectEnvelope(
      400,
      'VALIDATION_ERROR',
      t.client.raw('POST', REGISTER, {
        body: JSON.stringify({ email: 'a@b.co', password: 'Str0ng!Passw0rd', name: 'A', isAdmin: true, roles: ['admin'] }),
        headers: JSON_HEADERS,
      }),
    );
    expect(envelope.details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'isAdmin', code: 'UNKNOWN_FIELD' }),
        expect.objectContaining({ field: 'roles', code: 'UNKNOWN_FIELD' }),
      ]),
    );
  });

  it.each(['null', '[]', '[{"email":"a@b.co"}]', '"a string"', '42', 'true'])('a body that is not an object (%s) -> 400', async (body) => {
    const envelope = await expectEnvelope(400, 'VALIDATION_ERROR', t.client.raw('POST', REGISTER, { body, headers: JSON_HEADERS }));
    expect(envelope.details).toEqual([expect.objectContaining({ field: '(body)', code: 'INVALID_TYPE' })]);
  });

  it('no body at all -> 400 listing the required fields', async () => {
    const envelope = await expectEnvelope(400, 'VALIDATION_ERROR', t.client.raw('POST', REGISTER));
    expect(envelope.details?.map((detail) => detail.field).sort()).toEqual(['email', 'name', 'password']);
  });

  it('an empty JSON body with a JSON content type -> 400', async () => {
    await expectEnvelope(400, 'VALIDATION_ERROR', t.client.raw('POST', REGISTER, { body: '', headers: JSON_HEADERS }));
  });

  it.each([
    [{ email: 42, password: ['x'], name: { a: 1 } }, ['email', 'name', 'password']],
    [{ email: 'a@b.co', password: 'Str0ng!Passw0rd', name: 'x'.repeat(201) }, ['name']],
    [{ email: `${'a'.repeat(320)}@b.co`, password: 'Str0ng!Passw0rd', name: 'A' }, ['email']],
    [{ email: 'a@b.co', password: 'Str0ng!Passw0rd', name: 'A', phone: '+0123' }, ['phone']],
    [{ email: 'a@b.co', password: `Str0ng!${'p'.repeat(200)}`, name: 'A' }, ['password']],
  ])('wrong types and sizes are reported per field (%#)', async (body, fields) => {
    const envelope = await expectEnvelope(400, 'VALIDATION_ERROR', t.client.raw('POST', REGISTER, { body: JSON.stringify(body), headers: JSON_HEADERS }));
    expect(envelope.details?.map((detail) => detail.field).sort()).toEqual(fields);
  });

  it('deeply nested and odd JSON is refused cleanly', async () => {
    const deep = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
    const response = await t.client.raw('POST', REGISTER, { body: deep, headers: JSON_HEADERS });
    expect(response.status).toBe(400);
    const proto = await t.client.raw('POST', REGISTER, { body: '{"__proto__":{"isAdmin":true},"email":"a@b.co"}', headers: JSON_HEADERS });
    expect(proto.status).toBe(400);
  });

  it('wrong methods on known paths and odd URLs get envelopes', async () => {
    await expectEnvelope(404, 'NOT_FOUND', t.client.raw('DELETE', '/api/v1/health'));
    await expectEnvelope(404, 'NOT_FOUND', t.client.raw('GET', `/api/v1/${'x'.repeat(4000)}`));
    // A tool id may be 200 characters (an upstream's `<server>__<tool>`); a longer one is refused by validation.
    const { auth } = await registerAndLogin(t.client);
    await expectEnvelope(404, 'NOT_FOUND', t.client.raw('GET', `/api/v1/tools/${'x'.repeat(200)}`, { headers: auth }));
    await expectEnvelope(400, 'VALIDATION_ERROR', t.client.raw('GET', `/api/v1/tools/${'x'.repeat(201)}`, { headers: auth }));
    // No HEAD operation is documented: a HEAD is not run as its GET (which may be an audited export).
    const head = await fetch(`${t.baseUrl}/api/v1/health`, { method: 'HEAD' });
    expect([head.status, head.headers.get('x-request-id')?.startsWith('req_')]).toEqual([404, true]);
    const badUrl = await expectEnvelope(400, 'VALIDATION_ERROR', t.client.raw('GET', '/api/v1/%E0%A4%A'));
    expect(badUrl.message).toBe('Malformed URL');
  });

  it('headers too large and bytes that are not HTTP get the envelope and a request id too', async () => {
    const huge = await fetch(`${t.baseUrl}/api/v1/users/me`, { headers: { authorization: `Bearer ${'a'.repeat(20_000)}` } });
    expect(huge.status).toBe(431);
    const body = (await huge.json()) as Envelope;
    expect(body).toMatchObject({ error: 'VALIDATION_ERROR', message: expect.stringContaining('headers') });
    expect(body.requestId).toBe(huge.headers.get('x-request-id'));
    const { port } = new URL(t.baseUrl);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => socket.end('NOT HTTP AT ALL\r\n\r\n'));
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString()));
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toMatchObject({ error: 'VALIDATION_ERROR', requestId: expect.stringMatching(/^req_/) });
  });

  it('the server is still healthy after all of that', async () => {
    const response = await t.client.call('getReadiness');
    expect(response.status).toBe(200);
  });
});

describe('values the database cannot hold', () => {
  const t = useTestApp();

  it('a NUL character in a stored field is a 400, never a 500', async () => {
    const response = await t.client.raw('POST', '/api/v1/auth/register', {
      body: JSON.stringify({ email: 'nul@example.test', password: 'Str0ng!Passw0rd', name: 'Nul\u0000Byte' }),
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(400);
    expect((response.body as { error: string }).error).toBe('VALIDATION_ERROR');
  });

  // validator.js's isEmail throws on a lone surrogate; found by the random fuzz rounds.
  it.each([
    ['/api/v1/auth/register', { email: 'a\ud800@example.test', password: 'Str0ng!Passw0rd', name: 'Lone' }],
    ['/api/v1/auth/login', { email: '\udc8d', password: 'x' }],
  ])('a lone surrogate in an email (%s) is a 400 naming the field, never a 500', async (path, body) => {
    const response = await t.client.raw('POST', path, { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: 'VALIDATION_ERROR', details: [{ field: 'email', code: 'INVALID_VALUE' }] });
  });
});
