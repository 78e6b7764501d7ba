import { AppConfig } from '@app/config';
import { AppendLog, DatabaseService, RedisService } from '@app/database';
import { VaultKeys } from '@app/security';
import { Injectable, Optional } from '@nestjs/common';
import { totalmem } from 'node:os';
import { HealthIndicatorService } from '@nestjs/terminus';
import { DataSource } from 'typeorm';
import { MetricsService } from './metrics.service';

const PING_TIMEOUT_MS = 2_000;
// CPU use is measured over the time between two reports, and over at least this long.
const MIN_CPU_WINDOW_MS = 1_000;

type Status = 'healthy' | 'degraded' | 'unhealthy';

export interface ComponentHealth {
  status: 'healthy' | 'unhealthy';
  latency?: number;
  error?: string;
  [extra: string]: unknown;
}

/** Health, readiness and the detailed report; each check is a terminus indicator. */
@Injectable()
export class HealthService {
  private readonly startedAt = Date.now();
  private shuttingDown = false;
  private cpuSample = { at: performance.now(), usage: process.cpuUsage() };
  private cpuPercent = percentOfOneCore(process.cpuUsage(), process.uptime() * 1000);
  // The memory this process may use: a container's limit (cgroup) when there is one, else the host's.
  private readonly memoryLimit = Math.min(process.constrainedMemory?.() || Infinity, totalmem());

  constructor(
    private readonly config: AppConfig,
    private readonly indicators: HealthIndicatorService,
    private readonly database: DatabaseService,
    private readonly dataSource: DataSource,
    private readonly redis: RedisService,
    private readonly metrics: MetricsService,
    private readonly appendLog: AppendLog,
    @Optional() private readonly vault?: VaultKeys,
  ) {}

  /** From SIGTERM on, readiness fails so load balancers drain this instance. */
  markShuttingDown(): void {
    this.shuttingDown = true;
  }

  liveness(): { status: Status; timestamp: string; version: string } {
    return { status: this.shuttingDown ? 'degraded' : 'healthy', timestamp: new Date().toISOString(), version: this.config.version };
  }

  async readiness(): Promise<{ ready: boolean; timestamp: string; reasons?: string[] }> {
    const components = await this.components();
    const reasons = Object.entries(components)
      .filter(([, component]) => component.status !== 'healthy')
      .map(([name, component]) => `${name}: ${component.error ?? 'unhealthy'}`);
    if (this.shuttingDown) reasons.push('shutting down');
    return { ready: reasons.length === 0, timestamp: new Date().toISOString(), ...(reasons.length > 0 ? { reasons } : {}) };
  }

  async detailed(): Promise<Record<string, unknown>> {
    // Upstreams and Vault count towards the report only: a server of someone else's going down must
    // not make load balancers drop this instance, nor Vault once the keys it held are read.
    const [core, vault] = await Promise.all([this.components(), this.vault?.configured ? this.vault.health() : undefined]);
    const components: Record<string, ComponentHealth> = { ...core, upstreams: this.upstreamsHealth(), ...(vault ? { vault: { ...vault } } : {}) };
    if (components.redis?.status === 'healthy') {
      const memory = await this.redis.memory().catch(() => undefined);
      if (memory) components.redis = { ...components.redis, memory };
    }
    const statuses = Object.values(components).map((component) => component.status);
    const status: Status = components.database.status !== 'healthy' ? 'unhealthy' : statuses.every((s) => s === 'healthy') ? 'healthy' : 'degraded';
    const memory = process.memoryUsage();
    const live = this.metrics.snapshot();
    return {
      status,
      timestamp: new Date().toISOString(),
      version: this.config.version,
      components,
      metrics: {
        uptime: Math.round((Date.now() - this.startedAt) / 1000),
        memory: { rss: memory.rss, heapUsed: memory.heapUsed, heapTotal: memory.heapTotal, external: memory.external, limit: this.memoryLimit },
        memoryUsage: Math.round((memory.rss / this.memoryLimit) * 10_000) / 100,
        cpuUsage: this.cpuUsage(),
        eventLoopLag: live.eventLoopLagMs,
        eventLoopLagP99: live.eventLoopLagP99Ms,
        requestsPerSecond: live.requestsPerSecond,
        activeConnections: live.activeConnections,
      },
    };
  }

  private async components(): Promise<Record<string, ComponentHealth>> {
    const [database, redis] = await Promise.all([this.databaseHealth(), this.redis.enabled ? this.redisHealth() : undefined]);
    return redis ? { database, redis } : { database };
  }

  /** Percent of one core this process used since the previous report (at least a second back), or since it started. */
  private cpuUsage(): number {
    const now = performance.now();
    if (now - this.cpuSample.at >= MIN_CPU_WINDOW_MS) {
      const usage = process.cpuUsage(this.cpuSample.usage);
      this.cpuPercent = percentOfOneCore(usage, now - this.cpuSample.at);
      this.cpuSample = { at: now, usage: process.cpuUsage() };
    }
    return this.cpuPercent;
  }

  private upstreamsHealth(): ComponentHealth {
    const states = this.metrics.upstreamStates();
    const connected = states.filter((state) => state.connected).length;
    const circuitNotClosed = states.filter((state) => state.circuit !== 'closed').length;
    const problems = [
      ...(connected < states.length ? [`${states.length - connected} of ${states.length} upstream servers not connected`] : []),
      ...(circuitNotClosed > 0 ? [`${circuitNotClosed} with the circuit not closed`] : []),
    ];
    return { status: problems.length === 0 ? 'healthy' : 'unhealthy', total: states.length, connected, circuitNotClosed, ...(problems.length > 0 ? { error: problems.join('; ') } : {}) };
  }

  private async databaseHealth(): Promise<ComponentHealth> {
    const started = performance.now();
    const connections = this.database.poolStats();
    // Terminus reports "down" in its result rather than by throwing.
    // The pool's ping never meets the append log's own connection: a write stuck on it (a link that
    // went silent) or failing to reach the database must fail readiness too.
    const [check, appendLog] = await Promise.all([this.pingDatabase(), this.appendLog.unavailable(PING_TIMEOUT_MS).catch((error: unknown) => `append log: ${reason(error)}`)]);
    const common = { latency: elapsed(started), kind: this.config.database.kind, connections: pick(connections) };
    if (check.status !== 'up') return { status: 'unhealthy', error: check.message ?? 'database is not reachable', ...common };
    return appendLog === undefined ? { status: 'healthy', ...common } : { status: 'unhealthy', error: reason(new Error(appendLog)), ...common };
  }

  /**
   * `SELECT 1` within PING_TIMEOUT_MS. On a link that went silent the ping fails only later (the
   * pool's connection timeout, the query deadline): that late failure is handled here. Terminus's
   * pingCheck left it an unhandled rejection once its own timeout had answered.
   */
  private async pingDatabase(): Promise<{ status: 'up' | 'down'; message?: string }> {
    const ping = this.dataSource.query('SELECT 1');
    ping.catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timeout of ${PING_TIMEOUT_MS}ms exceeded`)), PING_TIMEOUT_MS)));
    try {
      await Promise.race([ping, deadline]);
      return { status: 'up' };
    } catch (error) {
      return { status: 'down', message: reason(error) };
    } finally {
      clearTimeout(timer);
    }
  }

  private async redisHealth(): Promise<ComponentHealth> {
    const indicator = this.indicators.check('redis');
    try {
      const latency = await this.redis.ping(PING_TIMEOUT_MS);
      indicator.up({ latency });
      return { status: 'healthy', latency };
    } catch (error) {
      indicator.down({ message: reason(error) });
      return { status: 'unhealthy', error: reason(error) };
    }
  }
}

function percentOfOneCore(usage: NodeJS.CpuUsage, wallMs: number): number {
  return wallMs > 0 ? Math.round(((usage.user + usage.system) / 1000 / wallMs) * 10_000) / 100 : 0;
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 100) / 100;
}

function pick(stats: { active: number; idle: number; max: number }): { active: number; idle: number; max: number } {
  return { active: stats.active, idle: stats.idle, max: stats.max };
}

function reason(error: unknown): string {
  const message = error instanceof Error ? error.message : 'unreachable';
  // Terminus reports "database is not available"; keep the wording short and free of internals.
  return message.length > 200 ? `${message.slice(0, 200)}…` : message;
}
