import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { installShutdownGate } from './http-platform';

describe('the shutdown gate', () => {
  it('answers requests 503 in the envelope once shutdown begins, and leaves /ready to its handler', async () => {
    const fastify = Fastify();
    const beginShutdown = installShutdownGate(fastify);
    fastify.get('/ready', async () => ({ ready: false }));
    fastify.get('/api/v1/tools', async () => ({ tools: [] }));
    expect((await fastify.inject('/api/v1/tools')).statusCode).toBe(200);
    beginShutdown();
    const refused = await fastify.inject('/api/v1/tools');
    expect(refused.statusCode).toBe(503);
    expect(refused.json()).toMatchObject({ error: 'SERVICE_UNAVAILABLE', requestId: refused.headers['x-request-id'] });
    expect(refused.headers.connection).toBe('close');
    const ready = await fastify.inject('/ready');
    expect([ready.statusCode, ready.json()]).toEqual([200, { ready: false }]);
    await fastify.close();
  });
});
