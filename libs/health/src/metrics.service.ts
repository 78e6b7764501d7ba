import { Injectable } from '@nestjs/common';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { collectDefaultMetrics, Counter, Gauge, Histogram, register } from 'prom-client';

const UNMATCHED_ROUTE = '<unmatched>';
const RATE_WINDOW_SECONDS = 10;
const LOOP_RESOLUTION_MS = 20;

function singleton<T>(name: string, create: () => T): T {
  return (register.getSingleMetric(name) as T | undefined) ?? create();
}

// A bound on the children kept per metric; label sets are bounded anyway (route templates, tool names).
const MAX_CHILDREN = 10_000;

/**
 * `metric.labels(...values)` made once per distinct values: prom-client builds two closures and
 * checks the labels on every call, and these run on every request and every tool run.
 */
function childrenOf<C>(labels: (...values: string[]) => C): (...values: string[]) => C {
  const children = new Map<string, C>();
  return (...values) => {
    const key = values.join('\u0000');
    let child = children.get(key);
    if (child === undefined) {
      if (children.size >= MAX_CHILDREN) children.clear();
      child = labels(...values);
      children.set(key, child);
    }
    return child;
  };
}

/** An upstream MCP server as the metrics show it, read when Prometheus scrapes. */
export interface UpstreamMetricState {
  readonly server: string;
  readonly connected: boolean;
  readonly circuit: 'closed' | 'half-open' | 'open';
  readonly tools: number;
  /** Connections of users with their own configuration of it, open on this instance. */
  readonly userConnections: number;
  /** Its copies connected on this instance (replicas; 1 or 0 for a server kept as one). */
  readonly replicasUp: number;
  /** When its client certificate (transport.tls.cert) stops being valid, in ms since the epoch; none without one. */
  readonly clientCertificateValidTo?: number;
}

const CIRCUIT_VALUE = { closed: 0, 'half-open': 1, open: 2 } as const;
// Module-wide, as the metrics are: every app booted in this process (tests boot several) adds its own.
const upstreamSources = new Set<() => Iterable<UpstreamMetricState>>();

/** A gauge of each upstream server's state; a server `value` says nothing of (undefined) has no series. */
function upstreamGauge(name: string, help: string, value: (state: UpstreamMetricState) => number | undefined): Gauge<'server'> {
  return singleton(
    name,
    () =>
      new Gauge({
        name,
        help,
        labelNames: ['server'],
        // Set afresh at each scrape, so a deleted server's series goes with it.
        collect(this: Gauge<'server'>) {
          this.reset();
          for (const source of upstreamSources)
            for (const state of source()) {
              const measured = value(state);
              if (measured !== undefined) this.labels(state.server).set(measured);
            }
        },
      }),
  );
}

/**
 * The seed's metrics (DESIGN.md §9) and the live figures /health/detailed reports. `endpoint` is
 * always a route template, so label cardinality stays bounded whatever URLs clients send.
 */
@Injectable()
export class MetricsService {
  private readonly ownUpstreamSources = new Set<() => Iterable<UpstreamMetricState>>();
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
  readonly toolExecutionDuration = singleton(
    'mcp_tool_execution_duration_seconds',
    () =>
      new Histogram({
        name: 'mcp_tool_execution_duration_seconds',
        help: 'Tool run duration in seconds, on every door (REST, /ws, /mcp)',
        labelNames: ['tool', 'status'],
        buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      }),
  );
  readonly toolCacheLookups = singleton(
    'mcp_tool_cache_lookups_total',
    () => new Counter({ name: 'mcp_tool_cache_lookups_total', help: 'Lookups in the cache of upstream results, for tools it may keep: hit or miss', labelNames: ['result'] }),
  );
  readonly webhookDeliveries = singleton(
    'mcp_webhook_deliveries_total',
    () => new Counter({ name: 'mcp_webhook_deliveries_total', help: 'Webhook delivery attempts by outcome: delivered, retrying (failed, tried again later) or failed (given up)', labelNames: ['result'] }),
  );
  readonly mailSent = singleton(
    'mcp_mail_sent_total',
    () => new Counter({ name: 'mcp_mail_sent_total', help: 'Mails handed to the SMTP server (sent) or refused by it or not reaching it (failed), by kind', labelNames: ['kind', 'result'] }),
  );
  readonly upstreamCredentials = singleton(
    'mcp_upstream_credentials_found_total',
    () => new Counter({ name: 'mcp_upstream_credentials_found_total', help: "Credentials found in upstream MCP servers' answers, by server, kind and action (masked or refused)", labelNames: ['server', 'kind', 'action'] }),
  );
  readonly upstreamUp = upstreamGauge('mcp_upstream_up', 'Upstream MCP server connected (1) or not (0), on this instance', (state) => (state.connected ? 1 : 0));
  readonly upstreamCircuit = upstreamGauge('mcp_upstream_circuit_state', "Upstream MCP server's circuit on this instance: 0 closed, 1 half-open, 2 open", (state) => CIRCUIT_VALUE[state.circuit]);
  readonly upstreamTools = upstreamGauge('mcp_upstream_tools', 'Tools an upstream MCP server serves through this instance', (state) => state.tools);
  readonly upstreamReplicasUp = upstreamGauge('mcp_upstream_replicas_up', "An upstream MCP server's copies (replicas) connected on this instance", (state) => state.replicasUp);
  readonly upstreamClientCertificateExpiry = upstreamGauge(
    'mcp_upstream_client_certificate_expiry_seconds',
    "Seconds until the client certificate this instance presents to an upstream MCP server expires (negative once it has)",
    (state) => (state.clientCertificateValidTo === undefined ? undefined : Math.round((state.clientCertificateValidTo - Date.now()) / 1000)),
  );
  readonly upstreamUserConnections = upstreamGauge('mcp_upstream_user_connections', "Connections made with users' own configurations of an upstream MCP server, open on this instance", (state) => state.userConnections);

  private readonly requestCounter = childrenOf((...values) => this.requests.labels(...values));
  private readonly requestTimer = childrenOf((...values) => this.requestDuration.labels(...values));
  private readonly toolCounter = childrenOf((...values) => this.toolExecutions.labels(...values));
  private readonly toolTimer = childrenOf((...values) => this.toolExecutionDuration.labels(...values));
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
    this.requestCounter(method, endpoint, String(status)).inc();
    this.requestTimer(method, endpoint).observe(seconds);
    this.tick()[this.currentSecond % RATE_WINDOW_SECONDS]++;
  }

  /** A finished tool run: counted and timed by tool and outcome (`success` or `error`). */
  /** `cancelled` apart from `error`: a run its caller stopped says nothing about the tool's health. */
  observeToolRun(toolName: string, outcome: 'success' | 'error' | 'cancelled', seconds: number): void {
    this.toolCounter(toolName, outcome).inc();
    this.toolTimer(toolName, outcome).observe(seconds);
  }

  observeCacheLookup(hit: boolean): void {
    this.toolCacheLookups.labels(hit ? 'hit' : 'miss').inc();
  }

  /** Credentials found in an upstream's answer, one count per kind. */
  observeCredentialsFound(server: string, kinds: readonly string[], refused: boolean): void {
    for (const kind of kinds) this.upstreamCredentials.labels(server, kind, refused ? 'refused' : 'masked').inc();
  }

  /** Adds a source of upstream states for the upstream gauges and this app's health report; returns its removal. */
  watchUpstreams(source: () => Iterable<UpstreamMetricState>): () => void {
    upstreamSources.add(source);
    this.ownUpstreamSources.add(source);
    return () => {
      upstreamSources.delete(source);
      this.ownUpstreamSources.delete(source);
    };
  }

  /** The upstream servers of this app (the gauges read those of every app in the process). */
  upstreamStates(): UpstreamMetricState[] {
    return [...this.ownUpstreamSources].flatMap((source) => [...source()]);
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
