import type { AuditWriter } from '@app/audit';
import type { AppConfig } from '@app/config';
import { EventBus, LocalOnlyTransport } from '@app/events';
import { MetricsService } from '@app/health';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ToolDefinition } from '../tool.types';
import { canonicalJson, ENTRY_OVERHEAD_BYTES, ToolCache } from './tool-cache';

const SERVER = { id: '0190d5a4-7c5e-7000-8000-00000000000a', name: 'remote' };

function toolNamed(name: string, cacheTtlMs = 60_000, server = SERVER): ToolDefinition {
  return { id: `tool_${server.name}__${name}`, name: `${server.name}__${name}`, server, cacheTtlMs } as unknown as ToolDefinition;
}

function cacheOf(maxBytes: number): ToolCache {
  const config = { tools: { cacheMaxBytes: maxBytes } } as unknown as AppConfig;
  return new ToolCache(config, new EventBus(new LocalOnlyTransport()), new MetricsService(), { record: async () => undefined } as unknown as AuditWriter);
}

/** A lookup that missed, then the result kept under its key. */
function store(cache: ToolCache, tool: ToolDefinition, userId: string, input: Record<string, unknown>, result: unknown): void {
  const lookup = cache.lookup(tool, userId, input);
  if (!lookup || lookup.hit) throw new Error(`expected a miss for ${JSON.stringify(input)}`);
  cache.keep(tool, lookup.key, result, userId);
}

describe('canonicalJson', () => {
  it('orders object keys at every depth, keeps array order, and drops undefined fields as JSON does', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}');
    expect(canonicalJson({ a: undefined, b: 'x' })).toBe('{"b":"x"}');
    expect(canonicalJson([undefined, 1])).toBe('[null,1]');
    expect(canonicalJson('é"\n')).toBe(JSON.stringify('é"\n'));
    expect(canonicalJson({ 'a"b': 1 })).toBe('{"a\\"b":1}');
  });
});

describe('ToolCache', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('looks up nothing for a tool whose results are not kept, or when its size is 0', () => {
    expect(cacheOf(1024).lookup({ ...toolNamed('echo'), cacheTtlMs: undefined }, 'u', {})).toBeUndefined();
    expect(cacheOf(1024).lookup({ ...toolNamed('echo'), server: undefined }, 'u', {})).toBeUndefined();
    const disabled = cacheOf(0);
    expect(disabled.lookup(toolNamed('echo'), 'u', {})).toBeUndefined();
    expect(disabled.stats()).toMatchObject({ enabled: false, entries: 0 });
  });

  it('answers a copy of what it kept, per tool, user and arguments', () => {
    const cache = cacheOf(1024 * 1024);
    const tool = toolNamed('lookup');
    store(cache, tool, 'alice', { a: 1, b: [1, 2] }, { content: [{ type: 'text', text: 'kept' }] });
    const hit = cache.lookup(tool, 'alice', { b: [1, 2], a: 1 });
    expect(hit).toEqual({ hit: true, result: { content: [{ type: 'text', text: 'kept' }] } });
    (hit as { result: { content: unknown[] } }).result.content.push('changed by a caller');
    expect(cache.lookup(tool, 'alice', { a: 1, b: [1, 2] })).toEqual({ hit: true, result: { content: [{ type: 'text', text: 'kept' }] } });
    expect(cache.lookup(tool, 'bob', { a: 1, b: [1, 2] })).toMatchObject({ hit: false });
    expect(cache.lookup(tool, 'alice', { a: 1, b: [2, 1] })).toMatchObject({ hit: false });
    expect(cache.lookup(toolNamed('other'), 'alice', { a: 1, b: [1, 2] })).toMatchObject({ hit: false });
    expect(cache.stats()).toMatchObject({ entries: 1, hits: 2, misses: 4, hitRate: 0.333 });
  });

  it("keeps a member's results apart by organization: once they leave it, the organization's answers are not theirs", () => {
    const cache = cacheOf(1024 * 1024);
    const tool = toolNamed('lookup');
    const lookup = cache.lookup(tool, 'bob', { key: 'k' }, 'acme');
    if (!lookup || lookup.hit) throw new Error('expected a miss');
    cache.keep(tool, lookup.key, 'made with acme', 'bob');
    expect(cache.lookup(tool, 'bob', { key: 'k' }, 'acme')).toEqual({ hit: true, result: 'made with acme' });
    expect(cache.lookup(tool, 'bob', { key: 'k' }, null)?.hit).toBe(false);
    expect(cache.lookup(tool, 'bob', { key: 'k' }, 'beta')?.hit).toBe(false);
  });

  it('forgets an entry once its time is up', () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const cache = cacheOf(1024);
    const tool = toolNamed('lookup', 5_000);
    store(cache, tool, 'u', {}, 'value');
    vi.setSystemTime(1_004_999);
    expect(cache.lookup(tool, 'u', {})).toMatchObject({ hit: true });
    vi.setSystemTime(1_005_000);
    expect(cache.lookup(tool, 'u', {})).toMatchObject({ hit: false });
    expect(cache.stats()).toMatchObject({ entries: 0, bytes: 0 });
  });

  it('stays within its size (JSON and an overhead per entry), the least recently used going first, and keeps nothing larger than itself', () => {
    const cost = (json: number) => json + ENTRY_OVERHEAD_BYTES;
    const cache = cacheOf(3 * cost(30));
    const tool = toolNamed('lookup');
    const thirty = 'x'.repeat(28); // 30 bytes as JSON
    for (const key of ['a', 'b', 'c']) store(cache, tool, 'u', { key }, thirty);
    expect(cache.stats()).toMatchObject({ entries: 3, bytes: 90 });
    // a is used, so b is now the least recently used.
    expect(cache.lookup(tool, 'u', { key: 'a' })).toMatchObject({ hit: true });
    store(cache, tool, 'u', { key: 'd' }, thirty);
    expect(cache.stats()).toMatchObject({ entries: 3, bytes: 90 });
    expect(cache.lookup(tool, 'u', { key: 'b' })).toMatchObject({ hit: false });
    for (const key of ['a', 'c', 'd']) expect(cache.lookup(tool, 'u', { key })).toMatchObject({ hit: true });
    store(cache, tool, 'u', { key: 'huge' }, 'x'.repeat(3 * cost(30)));
    expect(cache.stats()).toMatchObject({ entries: 3, bytes: 90 });
    // UTF-8 bytes, not characters: 2 + 2 × 99 bytes, so the two least recently used (a, then c) make room.
    store(cache, tool, 'u', { key: 'wide' }, 'é'.repeat(99));
    expect(cache.stats()).toMatchObject({ entries: 2, bytes: 30 + 200 });
    expect(cache.lookup(tool, 'u', { key: 'd' })).toMatchObject({ hit: true });
    expect(cache.lookup(tool, 'u', { key: 'a' })).toMatchObject({ hit: false });
  });

  it("drops a user's entries of a server when their own configuration of it changes, and nobody else's", async () => {
    const events = new EventBus(new LocalOnlyTransport());
    const cache = new ToolCache({ tools: { cacheMaxBytes: 1024 * 1024 } } as unknown as AppConfig, events, new MetricsService(), { record: async () => undefined } as unknown as AuditWriter);
    cache.onModuleInit();
    const other = toolNamed('lookup', 60_000, { id: '0190d5a4-7c5e-7000-8000-00000000000b', name: 'other' });
    store(cache, toolNamed('lookup'), 'u1', { key: 'a' }, 'u1 on remote');
    store(cache, toolNamed('lookup'), 'u2', { key: 'a' }, 'u2 on remote');
    store(cache, other, 'u1', { key: 'a' }, 'u1 on other');
    events.publish('upstream.user_config.changed', { serverId: SERVER.id, subject: { kind: 'user', id: 'u1' } });
    // Events reach this instance's handlers in a microtask.
    await Promise.resolve();
    expect(cache.lookup(toolNamed('lookup'), 'u1', { key: 'a' })?.hit).toBe(false);
    expect(cache.lookup(toolNamed('lookup'), 'u2', { key: 'a' })).toMatchObject({ hit: true, result: 'u2 on remote' });
    expect(cache.lookup(other, 'u1', { key: 'a' })).toMatchObject({ hit: true, result: 'u1 on other' });
    // An organization's configuration serves members the cache does not know: all the server's results go.
    events.publish('upstream.user_config.changed', { serverId: SERVER.id, subject: { kind: 'organization', id: 'org' } });
    await Promise.resolve();
    expect(cache.lookup(toolNamed('lookup'), 'u2', { key: 'a' })?.hit).toBe(false);
    expect(cache.lookup(other, 'u1', { key: 'a' })).toMatchObject({ hit: true, result: 'u1 on other' });
    cache.onModuleDestroy();
  });

  it('removes by server, by tool name or id, by prefix, or everything', () => {
    const cache = cacheOf(1024 * 1024);
    const other = { id: '0190d5a4-7c5e-7000-8000-00000000000b', name: 'other' };
    store(cache, toolNamed('lookup'), 'u', {}, 1);
    store(cache, toolNamed('list'), 'u', {}, 2);
    store(cache, toolNamed('lookup', 60_000, other), 'u', {}, 3);
    expect(cache.stats().servers.map((server) => [server.server, server.entries])).toEqual([
      ['other', 1],
      ['remote', 2],
    ]);
    expect(cache.remove({ tool: 'remote__nothing' })).toBe(0);
    expect(cache.remove({ tool: 'tool_remote__list' })).toBe(1);
    expect(cache.remove({ serverId: SERVER.id, tool: 'other__*' })).toBe(0);
    expect(cache.remove({ tool: 'remote__l*' })).toBe(1);
    store(cache, toolNamed('lookup'), 'u', { again: true }, 4);
    expect(cache.remove({ serverId: other.id })).toBe(1);
    expect(cache.remove({})).toBe(1);
    expect(cache.stats()).toMatchObject({ entries: 0, bytes: 0, servers: [], oldestEntry: null });
  });
});
