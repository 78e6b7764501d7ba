import { Logger } from '@nestjs/common';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { StoredTransport } from './upstream-server.entity';
import { UpstreamConnection } from './upstream-connection';

function connection(transport: StoredTransport): UpstreamConnection {
  const settings = { id: 's1', name: 'h2', transport, connectMs: 2_000, requestMs: 2_000, healthIntervalMs: 60_000, healthTimeoutMs: 2_000, category: 'data' as const };
  return new UpstreamConnection(settings, '1.0.0', { threshold: 3, cooldownMs: 1_000 }, () => undefined);
}

describe('UpstreamConnection: secrets never reach lastError, errors or logs', () => {
  const opened: UpstreamConnection[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((open) => open.disconnect()));
    vi.restoreAllMocks();
  });

  async function failure(transport: StoredTransport): Promise<{ lastError: string; thrown: string; logged: string }> {
    const logged: string[] = [];
    for (const level of ['log', 'warn', 'debug', 'error'] as const) vi.spyOn(Logger.prototype, level).mockImplementation((message: unknown) => void logged.push(String(message)));
    const upstream = connection(transport);
    opened.push(upstream);
    const thrown = await upstream.connect().then(
      () => 'connected',
      (error: Error) => error.message,
    );
    return { lastError: upstream.lastError ?? '', thrown, logged: logged.join('\n') };
  }

  it('masks a header value the HTTP client quotes in its error', async () => {
    const secret = 'b\r\nc: d-SECRET';
    const { lastError, thrown, logged } = await failure({ type: 'streamable-http', url: 'http://127.0.0.1:1/', headers: { a: secret } });
    expect(lastError).toContain('********');
    for (const text of [lastError, thrown, logged]) expect(text).not.toContain('SECRET');
  });

  it('offers the same masking to what it proxies (prompt and completion errors)', () => {
    const upstream = connection({ type: 'sse', url: 'http://127.0.0.1:1/', headers: { authorization: 'Bearer abcdef-SECRET' } });
    expect(upstream.scrub('MCP error -32603: token Bearer abcdef-SECRET refused')).toBe('MCP error -32603: token ******** refused');
  });

  it('masks an env value that spawn quotes (escaped) in its error', async () => {
    const { lastError, thrown, logged } = await failure({ type: 'stdio', command: process.execPath, args: ['-e', ''], env: { A: 'b\u0000c-SECRET' } });
    expect(lastError).toContain('********');
    for (const text of [lastError, thrown, logged]) expect(text).not.toContain('SECRET');
  });
});
