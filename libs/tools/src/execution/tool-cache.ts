import { AuditWriter } from '@app/audit';
import type { RequestOrigin } from '@app/common';
import { AppConfig } from '@app/config';
import type { ToolCacheStats } from '@app/contracts';
import { EventBus } from '@app/events';
import { MetricsService } from '@app/health';
import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { ToolDefinition } from '../tool.types';

declare module '@app/events' {
  interface EventMap {
    /** An admin emptied the cache of upstream results (or part of it): every instance does the same. */
    'tools.cache.cleared': CacheFilter;
  }
}

/** Which entries to remove: a server's, a tool's (name or id; a trailing `*` matches a prefix), or all. */
export interface CacheFilter {
  readonly serverId?: string;
  readonly tool?: string;
}

interface Entry {
  readonly serverId: string;
  /** Whose answer it is: a user's new configuration of the server (another account, perhaps) drops theirs. */
  readonly userId: string;
  readonly serverName: string;
  readonly toolId: string;
  readonly toolName: string;
  readonly json: string;
  readonly bytes: number;
  readonly storedAt: number;
  readonly expiresAt: number;
}

/** What a lookup found: a kept result, or the key to keep the coming result under. */
export type CacheLookup = { readonly hit: true; readonly result: unknown } | { readonly hit: false; readonly key: string };

const MAX_ENTRY_BYTES = 1024 * 1024;
/**
 * What an entry costs beyond its JSON (its key, the object, the map's slot), counted against the
 * size: without it, a size of tiny results would hold millions of entries and many times the memory.
 */
export const ENTRY_OVERHEAD_BYTES = 256;

/** JSON with every object's keys in order, so that the same arguments written in another order are one entry. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    const fields = keys.filter((key) => (value as Record<string, unknown>)[key] !== undefined).map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${fields.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function matches(entry: Entry, filter: CacheFilter): boolean {
  if (filter.serverId !== undefined && entry.serverId !== filter.serverId) return false;
  if (filter.tool === undefined) return true;
  if (filter.tool.endsWith('*')) {
    const prefix = filter.tool.slice(0, -1);
    return entry.toolName.startsWith(prefix) || entry.toolId.startsWith(prefix);
  }
  return entry.toolName === filter.tool || entry.toolId === filter.tool;
}

/**
 * Completed results of upstream tools whose server asks for it (ToolDefinition.cacheTtlMs), kept
 * in this instance's memory per tool, caller, caller's organization and exact arguments, least
 * recently used first out past TOOL_CACHE_MAX_BYTES. Per caller, because one caller's answer is not
 * another's to read (their permissions, their data); per organization, because a member's answer
 * may have been made with its configuration of the server, which is no longer theirs once they
 * leave it (so a change of membership is a miss on every instance, its membership read afresh).
 * A server's entries go when its tools change (a reconnection, an update, tools/list_changed); an
 * admin may empty it on every instance.
 */
@Injectable()
export class ToolCache implements OnModuleInit, OnModuleDestroy {
  // A Map keeps insertion order: a hit moves its entry to the end, so the first is the least recently used.
  private readonly entries = new Map<string, Entry>();
  private readonly maxBytes: number;
  private bytes = 0;
  private hits = 0;
  private misses = 0;
  private readonly unsubscribers: Array<() => void> = [];

  constructor(
    config: AppConfig,
    private readonly events: EventBus,
    private readonly metrics: MetricsService,
    private readonly audit: AuditWriter,
  ) {
    this.maxBytes = config.tools.cacheMaxBytes;
  }

  onModuleInit(): void {
    this.unsubscribers.push(
      this.events.on('tools.changed', (event) => {
        if (event.payload.serverId) this.remove({ serverId: event.payload.serverId });
      }),
      // Every instance, this one included: the results were the old configuration's (an
      // organization's served members the cache cannot tell apart: all the server's go).
      this.events.on('upstream.user_config.changed', ({ payload: { serverId, subject } }) => {
        if (subject.kind === 'user') this.removeUsers(serverId, subject.id);
        else this.remove({ serverId });
      }),
      // This instance cleared its own at once (and counted it); the event is for the others.
      this.events.on('tools.cache.cleared', (event) => {
        if (event.origin !== this.events.instanceId) this.remove(event.payload);
      }),
    );
  }

  onModuleDestroy(): void {
    for (const unsubscribe of this.unsubscribers) unsubscribe();
  }

  /** Whether a tool's results are kept at all (most tools: nothing is looked up or hashed for them). */
  keeps(definition: ToolDefinition): boolean {
    return definition.cacheTtlMs !== undefined && Boolean(definition.server) && this.maxBytes > 0;
  }

  /** Undefined for a tool whose results are not kept. `organizationId`: the caller's organization now (null: none). */
  lookup(definition: ToolDefinition, userId: string, input: Record<string, unknown>, organizationId: string | null = null): CacheLookup | undefined {
    if (!this.keeps(definition)) return undefined;
    const key = createHash('sha256').update(`${definition.id}\n${userId}\n${organizationId ?? ''}\n${canonicalJson(input)}`).digest('base64url');
    const entry = this.entries.get(key);
    const fresh = entry !== undefined && entry.expiresAt > Date.now();
    if (entry && !fresh) this.drop(key, entry);
    this.metrics.observeCacheLookup(fresh);
    if (!fresh) {
      this.misses++;
      return { hit: false, key };
    }
    this.hits++;
    this.entries.delete(key);
    this.entries.set(key, entry);
    // A copy, parsed afresh: nobody downstream can change what the next caller gets.
    return { hit: true, result: JSON.parse(entry.json) as unknown };
  }

  /** Keeps a completed result under the key its lookup gave; too large a result is not kept. */
  keep(definition: ToolDefinition, key: string, result: unknown, userId: string): void {
    if (definition.cacheTtlMs === undefined || !definition.server) return;
    const json = JSON.stringify(result ?? null);
    const bytes = Buffer.byteLength(json);
    if (bytes > MAX_ENTRY_BYTES || bytes + ENTRY_OVERHEAD_BYTES > this.maxBytes) return;
    const previous = this.entries.get(key);
    if (previous) this.drop(key, previous);
    for (const [oldest, entry] of this.entries) {
      if (this.footprint() + bytes + ENTRY_OVERHEAD_BYTES <= this.maxBytes) break;
      this.drop(oldest, entry);
    }
    const now = Date.now();
    this.entries.set(key, { serverId: definition.server.id, userId, serverName: definition.server.name, toolId: definition.id, toolName: definition.name, json, bytes, storedAt: now, expiresAt: now + definition.cacheTtlMs });
    this.bytes += bytes;
  }

  /** Removes the entries `filter` selects on this instance; answers how many. */
  remove(filter: CacheFilter): number {
    let removed = 0;
    for (const [key, entry] of this.entries) {
      if (!matches(entry, filter)) continue;
      this.drop(key, entry);
      removed++;
    }
    return removed;
  }

  /** A user's entries of a server's tools, on this instance. */
  private removeUsers(serverId: string, userId: string): void {
    for (const [key, entry] of this.entries) if (entry.serverId === serverId && entry.userId === userId) this.drop(key, entry);
  }

  /** An admin's clearing: here at once (counted), on every other instance through the event bus; audited. */
  async clear(filter: CacheFilter, actor: string, origin: RequestOrigin): Promise<number> {
    const removed = this.remove(filter);
    this.events.publish('tools.cache.cleared', filter);
    await this.audit.record({ action: 'tool.cache.clear', result: 'success', userId: actor, resource: filter.serverId ? `upstream:${filter.serverId}` : 'tool-cache', details: { ...filter, removed }, origin });
    return removed;
  }

  stats(): ToolCacheStats {
    const now = Date.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.drop(key, entry);
    const servers = new Map<string, { serverId: string; server: string; entries: number; bytes: number }>();
    let oldest: number | undefined;
    for (const entry of this.entries.values()) {
      const server = servers.get(entry.serverId) ?? { serverId: entry.serverId, server: entry.serverName, entries: 0, bytes: 0 };
      servers.set(entry.serverId, { ...server, entries: server.entries + 1, bytes: server.bytes + entry.bytes });
      oldest = oldest === undefined ? entry.storedAt : Math.min(oldest, entry.storedAt);
    }
    const lookups = this.hits + this.misses;
    return {
      enabled: this.maxBytes > 0,
      maxBytes: this.maxBytes,
      entries: this.entries.size,
      bytes: this.bytes,
      hits: this.hits,
      misses: this.misses,
      hitRate: lookups === 0 ? 0 : Math.round((this.hits / lookups) * 1000) / 1000,
      oldestEntry: oldest === undefined ? null : new Date(oldest).toISOString(),
      servers: [...servers.values()].sort((a, b) => a.server.localeCompare(b.server)),
    };
  }

  /** What the entries hold against the size: their JSON and each one's overhead. */
  private footprint(): number {
    return this.bytes + this.entries.size * ENTRY_OVERHEAD_BYTES;
  }

  private drop(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.bytes -= entry.bytes;
  }
}
