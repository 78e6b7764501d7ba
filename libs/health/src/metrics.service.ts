import { Injectable } from '@nestjs/common';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { collectDefaultMetrics, Counter, Gauge, Histogram, register } from 'prom-client';

const UNMATCHED_ROUTE = '<unmatched>';
const RATE_WINDOW_SECONDS = 10;
const LOOP_RESOLUTION_MS = 20;

function singleton<T>(name: string, create: () => T): T {
  return (register.getSingleMetric(name) as T | undefined) ?? create();
}

/**
 * The seed's metrics (DESIGN.md §9) and the live figures /health/detailed reports. `endpoint` is
 * always a route template, so label cardinality stays bounded whatever URLs clients send.
 */
@Injectable()
export class MetricsService {
  readonly requests = singleton(
    'mcp_server_requests_total',
    () => new Counter({ name: 'mcp_server_requests_total', help: 'Total number of HTTP requests', labelNames: ['method', 'endpoint', 'status'] }),
  );
  readonly requestDuration = singleton(
    'mcp_server_request_duration_seconds',
    () =>
      new Histogram({
        name: 'mcp_server_request_duration_seconds',
        help: 'Request duration in seconds',
        labelNames: ['method', 'endpoint'],
        buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      }),
  );
  readonly websocketConnections = singleton(
    'mcp_websocket_connections_active',
    () => new Gauge({ name: 'mcp_websocket_connections_active', help: 'Number of active WebSocket connections' }),
  );
  readonly toolExecutions = singleton(
    'mcp_tool_executions_total',
    () => new Counter({ name: 'mcp_tool_executions_total', help: 'Total number of tool executions', labelNames: ['tool', 'status'] }),
  );

  private readonly eventLoop: IntervalHistogram = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  // Requests per second over a sliding window of one-second buckets: O(1) per request.
  private readonly perSecond = new Array<number>(RATE_WINDOW_SECONDS).fill(0);
  private currentSecond = Math.floor(Date.now() / 1000);
  private openConnections = 0;

  constructor() {
    this.eventLoop.enable();
    // Process metrics once per process, even when tests boot several apps in one.
    if (!register.getSingleMetric('process_cpu_user_seconds_total')) collectDefaultMetrics();
  }

  observeRequest(method: string, route: string | undefined, status: number, seconds: number): void {
    const endpoint = route ?? UNMATCHED_ROUTE;
    this.requests.labels(method, endpoint, String(status)).inc();
    this.requestDuration.labels(method, endpoint).observe(seconds);
    this.tick()[this.currentSecond % RATE_WINDOW_SECONDS]++;
  }

  connectionOpened(): void {
    this.openConnections++;
  }

  connectionClosed(): void {
    this.openConnections--;
  }

  snapshot(): { requestsPerSecond: number; activeConnections: number; eventLoopLagMs: number; eventLoopLagP99Ms: number } {
    const buckets = this.tick();
    const total = buckets.reduce((sum, count, index) => (index === this.currentSecond % RATE_WINDOW_SECONDS ? sum : sum + count), 0);
    return {
      requestsPerSecond: Math.round((total / (RATE_WINDOW_SECONDS - 1)) * 100) / 100,
      activeConnections: this.openConnections,
      eventLoopLagMs: lagMs(this.eventLoop.mean),
      eventLoopLagP99Ms: lagMs(this.eventLoop.percentile(99)),
    };
  }

  private tick(): number[] {
    const now = Math.floor(Date.now() / 1000);
    if (now !== this.currentSecond) {
      const elapsed = Math.min(now - this.currentSecond, RATE_WINDOW_SECONDS);
      for (let i = 1; i <= elapsed; i++) this.perSecond[(this.currentSecond + i) % RATE_WINDOW_SECONDS] = 0;
      this.currentSecond = now;
    }
    return this.perSecond;
  }
}

// The histogram measures whole timer intervals; the lag is what exceeds the sampling interval.
function lagMs(nanoseconds: number): number {
  if (!Number.isFinite(nanoseconds)) return 0;
  return Math.max(0, Math.round((nanoseconds / 1e6 - LOOP_RESOLUTION_MS) * 100) / 100);
}
