import { useTestApp } from '@app/testing';
import { describe, expect, it } from 'vitest';

describe('foundation: operations endpoints, errors, request ids, aliases', () => {
  const t = useTestApp();

  it('GET /health answers healthy with the version', async () => {
    const response = await t.client.call<{ status: string; version: string }>('getHealth');
    expect(response.status).toBe(200);
    expect(response.body.status).toBe('healthy');
    expect(response.body.version).toBe(t.config.version);
  });

  it('GET /ready answers 200 ready while the database answers', async () => {
    const response = await t.client.call<{ ready: boolean }>('getReadiness');
    expect(response.status).toBe(200);
    expect(response.body.ready).toBe(true);
  });

  it('GET /health/detailed reports the database component and live metrics', async () => {
    const response = await t.client.call<{ status: string; components: { database: { status: string; latency: number; connections: { max: number } } }; metrics: { uptime: number; memory: { rss: number } } }>(
      'getDetailedHealth',
    );
    expect(response.status).toBe(200);
    expect(response.body.status).toBe('healthy');
    expect(response.body.components.database.status).toBe('healthy');
    expect(response.body.components.database.latency).toBeGreaterThanOrEqual(0);
    expect(response.body.components.database.connections.max).toBeGreaterThanOrEqual(1);
    expect(response.body.metrics.memory.rss).toBeGreaterThan(0);
    expect((response.body.components as Record<string, unknown>).upstreams).toEqual({ status: 'healthy', total: 0, connected: 0, circuitNotClosed: 0 });
    const metrics = response.body.metrics as unknown as { cpuUsage: number; memoryUsage: number; memory: { rss: number; limit: number } };
    expect(metrics.cpuUsage).toBeGreaterThanOrEqual(0);
    expect(metrics.memory.limit).toBeGreaterThanOrEqual(metrics.memory.rss);
    expect(metrics.memoryUsage).toBeCloseTo((metrics.memory.rss / metrics.memory.limit) * 100, 1);
    // The seed's Redis memory figures, where Redis is configured (the PostgreSQL + Redis run).
    const redis = (response.body.components as Record<string, { memory?: { used: number; max: number | null; percentage: number | null } } | undefined>).redis;
    if (t.config.redisUrl) expect(redis?.memory?.used).toBeGreaterThan(0);
    else expect(redis).toBeUndefined();
  });

  it('the operations endpoints answer at the root, under /api/v1 and under /api', async () => {
    for (const path of ['/health', '/api/v1/health', '/api/health', '/ready', '/api/v1/ready', '/health/detailed', '/metrics', '/api/v1/metrics']) {
      const response = await t.client.raw('GET', path);
      expect(response.status, path).toBe(200);
    }
  });

  it('GET /metrics exposes the seed metric names with route-template labels', async () => {
    await t.client.raw('GET', '/api/v1/health');
    await t.client.raw('GET', '/api/v1/definitely-not-a-route-12345');
    const response = await t.client.call('getMetrics');
    expect(response.status).toBe(200);
    const text = response.text;
    expect(text).toContain('# TYPE mcp_server_requests_total counter');
    expect(text).toMatch(/mcp_server_requests_total\{method="GET",endpoint="\/api\/v1\/health",status="200"\} \d+/);
    expect(text).toContain('mcp_server_request_duration_seconds_bucket');
    expect(text).toContain('mcp_websocket_connections_active');
    expect(text).toContain('# TYPE mcp_tool_executions_total counter');
    expect(text).toContain('process_cpu_user_seconds_total');
    // Unknown URLs are one label value, never the raw URL.
    expect(text).not.toContain('definitely-not-a-route-12345');
    expect(text).toMatch(/endpoint="<unmatched>",status="404"/);
  });

  it.each(['/api/v1/nope', '/api/nope', '/nope', '/api/v1/health/nope/deeper'])('unknown route %s gives a 404 envelope whose requestId is the X-Request-ID header', async (path) => {
    const response = await t.client.raw('GET', path);
    expect(response.status).toBe(404);
    const body = response.body as { error: string; requestId: string; timestamp: string };
    expect(body.error).toBe('NOT_FOUND');
    expect(body.requestId).toBe(response.headers.get('x-request-id'));
    expect(Number.isNaN(Date.parse(body.timestamp))).toBe(false);
  });

  it('echoes a valid incoming X-Request-ID and replaces an unsafe one', async () => {
    const echoed = await t.client.raw('GET', '/api/v1/nope', { headers: { 'x-request-id': 'client-req_42:a.b' } });
    expect(echoed.headers.get('x-request-id')).toBe('client-req_42:a.b');
    expect((echoed.body as { requestId: string }).requestId).toBe('client-req_42:a.b');
    for (const unsafe of ['has spaces', '<script>', 'x'.repeat(200), '-leading-dash']) {
      const replaced = await t.client.raw('GET', '/api/v1/health', { headers: { 'x-request-id': unsafe } });
      expect(replaced.headers.get('x-request-id')).toMatch(/^req_[0-9a-f]{32}$/);
    }
  });

  it('every response carries X-Request-ID, success or not', async () => {
    for (const path of ['/health', '/metrics', '/api/v1/openapi.json', '/api/v1/nope']) {
      const response = await t.client.raw('GET', path);
      expect(response.headers.get('x-request-id'), path).toBeTruthy();
    }
  });

  it('every response says not to sniff, frame or refer, success or not; no HSTS on a plain-http public URL', async () => {
    for (const path of ['/health', '/api/v1/openapi.json', '/api/v1/nope', '/api/docs']) {
      const response = await t.client.raw('GET', path);
      expect([response.headers.get('x-content-type-options'), response.headers.get('x-frame-options'), response.headers.get('referrer-policy')], path).toEqual(['nosniff', 'DENY', 'no-referrer']);
      expect(response.headers.get('strict-transport-security'), path).toBeNull();
    }
  });

  it('takes the trace id from a W3C traceparent header', async () => {
    const response = await t.client.raw('GET', '/api/v1/nope', { headers: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' } });
    expect((response.body as { traceId: string }).traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
  });

  it('serves the contract as YAML and JSON, and Swagger UI at /api/docs', async () => {
    const yaml = await t.client.call('getOpenApiYaml');
    expect(yaml.status).toBe(200);
    expect(yaml.text).toContain('openapi: 3.0.3');
    const json = await t.client.call<{ openapi: string; paths: Record<string, unknown> }>('getOpenApiJson');
    expect(json.body.openapi).toBe('3.0.3');
    expect(Object.keys(json.body.paths)).toContain('/auth/register');
    const aliased = await t.client.raw('GET', '/api/openapi.json');
    expect(aliased.status).toBe(200);
    const ui = await fetch(`${t.baseUrl}/api/docs/`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger');
    const uiSpec = (await (await fetch(`${t.baseUrl}/api/docs/json`)).json()) as { info: { title: string } };
    expect(uiSpec.info.title).toBe('Secure MCP Server API');
  });
});

describe('GET /metrics with METRICS_TOKEN', () => {
  const token = 'scrape-token-0123456789abcdef';
  const t = useTestApp({ METRICS_TOKEN: token });

  it('answers only a scrape that presents the token, at every path it is served on', async () => {
    for (const path of ['/metrics', '/api/v1/metrics', '/api/metrics']) {
      const without = await t.client.raw('GET', path);
      expect(without.status, path).toBe(401);
      expect((without.body as { error: string }).error).toBe('UNAUTHORIZED');
      expect((await t.client.raw('GET', path, { headers: { authorization: `Bearer ${token}x` } })).status, path).toBe(401);
      expect((await t.client.raw('GET', path, { headers: { authorization: token } })).status, path).toBe(401);
      const scraped = await t.client.raw('GET', path, { headers: { authorization: `Bearer ${token}` } });
      expect(scraped.status, path).toBe(200);
      expect(String(scraped.body)).toContain('mcp_server_requests_total');
    }
    // The health checks stay public.
    expect((await t.client.raw('GET', '/health')).status).toBe(200);
  });
});
