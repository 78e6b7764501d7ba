import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { aliasRoutes, installShutdownGate, securityHeaders } from './http-platform';

describe('the shutdown gate', () => {
  it('answers requests 503 in the envelope once shutdown begins, and leaves /ready to its handler', async () => {
    // As the app registers it: under the prefix, reached at the root too.
    const fastify = Fastify({ rewriteUrl: aliasRoutes });
    const beginShutdown = installShutdownGate(fastify);
    fastify.get('/api/v1/ready', async () => ({ ready: false }));
    fastify.get('/api/v1/tools', async () => ({ tools: [] }));
    expect((await fastify.inject('/api/v1/tools')).statusCode).toBe(200);
    beginShutdown();
    const refused = await fastify.inject('/api/v1/tools');
    expect(refused.statusCode).toBe(503);
    expect(refused.json()).toMatchObject({ error: 'SERVICE_UNAVAILABLE', requestId: refused.headers['x-request-id'] });
    expect(refused.headers.connection).toBe('close');
    for (const path of ['/ready', '/api/v1/ready', '/api/ready']) {
      const ready = await fastify.inject(path);
      expect([ready.statusCode, ready.json()], path).toEqual([200, { ready: false }]);
    }
    await fastify.close();
  });
});

describe('securityHeaders', () => {
  it('asks for HSTS only when the public URL is https', () => {
    expect(securityHeaders('http://localhost:3000')['strict-transport-security']).toBeUndefined();
    expect(securityHeaders('https://mcp.example.com')['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
  });
});
