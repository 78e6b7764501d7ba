import { VALID_TRACEPARENT } from '@app/common';
import { AppConfig } from '@app/config';
import type { Attributes, Context, Span, Tracer } from '@opentelemetry/api';
import type * as OtelApi from '@opentelemetry/api';
import type { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';

const SHUTDOWN_FLUSH_MS = 2_000;

/** How a span ended: an error of a kind (`error.type`), and attributes learnt on the way. */
export interface SpanOutcome {
  readonly errorType?: string;
  readonly errorMessage?: string;
  readonly attributes?: Attributes;
}

/** A span in progress: its W3C traceparent (for whatever it calls), and how it ends. */
export interface TraceSpan {
  readonly traceparent: string;
  end(outcome: SpanOutcome): void;
}

/** An MCP span's name, as OpenTelemetry gives it: the method, then its target (a tool, a prompt) when it has one. */
export function mcpSpanName(method: string, target?: string): string {
  return target === undefined ? method : `${method} ${target}`;
}

/** Ends `span` once `work` settles, as `failed` describes an error (which is rethrown) or `judged` the result. */
export async function endWhenSettled<T>(span: TraceSpan, work: Promise<T>, failed: (error: unknown) => SpanOutcome, judged: (result: T) => SpanOutcome = () => ({})): Promise<T> {
  let result: T;
  try {
    result = await work;
  } catch (error) {
    span.end(failed(error));
    throw error;
  }
  span.end(judged(result));
  return result;
}

/**
 * OpenTelemetry traces of the work the gateway does for its callers (a tool run, wherever it came
 * from), exported by OTLP over HTTP when an endpoint is configured. A span continues the caller's
 * trace when it sent a W3C traceparent, and what the work calls (an upstream server) continues it
 * in turn. Off, the SDK is not even loaded, and `start` returns undefined.
 */
@Injectable()
export class Tracing implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Tracing');
  private api?: typeof OtelApi;
  private provider?: BasicTracerProvider;
  private tracer?: Tracer;

  constructor(private readonly config: AppConfig) {}

  // Loaded only when traces are on: a server that does not trace pays nothing for the SDK, not even its import.
  async onModuleInit(): Promise<void> {
    const tracing = this.config.tracing;
    if (!tracing) return;
    const [api, sdk, { OTLPTraceExporter }, { resourceFromAttributes }] = await Promise.all([
      import('@opentelemetry/api'),
      import('@opentelemetry/sdk-trace-base'),
      import('@opentelemetry/exporter-trace-otlp-http'),
      import('@opentelemetry/resources'),
    ]);
    const exporter = new OTLPTraceExporter({ url: tracing.endpoint, headers: { ...tracing.headers }, timeoutMillis: 10_000 });
    this.provider = new sdk.BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': tracing.serviceName, 'service.version': this.config.version }),
      // A caller that sampled its trace out is followed; a trace started here is kept.
      sampler: new sdk.ParentBasedSampler({ root: new sdk.AlwaysOnSampler() }),
      // Bounded: spans a collector cannot take fast enough are dropped, never held without end.
      spanProcessors: [new sdk.BatchSpanProcessor(exporter, { maxQueueSize: 4096, maxExportBatchSize: 512, scheduledDelayMillis: 500 })],
    });
    this.api = api;
    this.tracer = this.provider.getTracer('secure-mcp-server', this.config.version);
    this.logger.log(`tool runs and upstream requests are traced to ${tracing.endpoint}`);
  }

  get enabled(): boolean {
    return this.tracer !== undefined;
  }

  /**
   * A span named `name`, the child of `traceparent` when it is a valid one: a server span for work
   * done for a caller, a client span for a request the gateway sends on (to an upstream server).
   */
  start(name: string, traceparent: string | undefined, attributes: Attributes, kind: 'server' | 'client' = 'server'): TraceSpan | undefined {
    const { tracer, api } = this;
    if (!tracer || !api) return undefined;
    const span = tracer.startSpan(name, { kind: kind === 'server' ? api.SpanKind.SERVER : api.SpanKind.CLIENT, attributes }, parentContext(api, traceparent));
    return { traceparent: traceparentOf(span), end: (outcome) => endSpan(api, span, outcome) };
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.provider) return;
    // What is still queued is sent before the process ends, but a collector that does not answer
    // must not eat the shutdown's time: past 2 s the spans are given up.
    let timer: NodeJS.Timeout | undefined;
    const givenUp = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), SHUTDOWN_FLUSH_MS).unref()));
    const flushed = this.provider.shutdown().then(
      () => 'sent' as const,
      (error: Error) => error.message,
    );
    const outcome = await Promise.race([flushed, givenUp]);
    clearTimeout(timer);
    if (outcome !== 'sent') this.logger.warn(`spans not sent at shutdown: ${outcome === 'late' ? `the collector did not answer within ${SHUTDOWN_FLUSH_MS} ms` : outcome}`);
  }
}

function parentContext(api: typeof OtelApi, traceparent: string | undefined): Context {
  const match = traceparent === undefined ? null : VALID_TRACEPARENT.exec(traceparent);
  if (!match) return api.ROOT_CONTEXT;
  return api.trace.setSpanContext(api.ROOT_CONTEXT, { traceId: match[1], spanId: match[2], traceFlags: parseInt(match[3], 16) & 1, isRemote: true });
}

function traceparentOf(span: Span): string {
  const { traceId, spanId, traceFlags } = span.spanContext();
  return `00-${traceId}-${spanId}-${(traceFlags & 1).toString(16).padStart(2, '0')}`;
}

function endSpan(api: typeof OtelApi, span: Span, outcome: SpanOutcome): void {
  if (outcome.attributes) span.setAttributes(outcome.attributes);
  if (outcome.errorType !== undefined) {
    span.setAttribute('error.type', outcome.errorType);
    span.setStatus({ code: api.SpanStatusCode.ERROR, message: outcome.errorMessage?.slice(0, 500) });
  }
  span.end();
}
