import { VALID_TRACEPARENT } from '@app/common';
import { AppConfig } from '@app/config';
import { type Attributes, ROOT_CONTEXT, type Span, SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AlwaysOnSampler, BasicTracerProvider, BatchSpanProcessor, ParentBasedSampler } from '@opentelemetry/sdk-trace-base';
import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';

const SHUTDOWN_FLUSH_MS = 2_000;

/** A span in progress: its W3C traceparent (for whatever it calls), and how it ends. */
export interface TraceSpan {
  readonly traceparent: string;
  end(outcome: { readonly errorType?: string; readonly errorMessage?: string; readonly attributes?: Attributes }): void;
}

/**
 * OpenTelemetry traces of the work the gateway does for its callers (a tool run, wherever it came
 * from), exported by OTLP over HTTP when an endpoint is configured. A span continues the caller's
 * trace when it sent a W3C traceparent, and what the work calls (an upstream server) continues it
 * in turn. Off, `start` returns undefined and costs nothing.
 */
@Injectable()
export class Tracing implements OnApplicationShutdown {
  private readonly logger = new Logger('Tracing');
  private readonly provider?: BasicTracerProvider;
  private readonly tracer?: Tracer;

  constructor(config: AppConfig) {
    if (!config.tracing) return;
    const exporter = new OTLPTraceExporter({ url: config.tracing.endpoint, headers: { ...config.tracing.headers }, timeoutMillis: 10_000 });
    this.provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': config.tracing.serviceName, 'service.version': config.version }),
      // A caller that sampled its trace out is followed; a trace started here is kept.
      sampler: new ParentBasedSampler({ root: new AlwaysOnSampler() }),
      // Bounded: spans a collector cannot take fast enough are dropped, never held without end.
      spanProcessors: [new BatchSpanProcessor(exporter, { maxQueueSize: 4096, maxExportBatchSize: 512, scheduledDelayMillis: 500 })],
    });
    this.tracer = this.provider.getTracer('secure-mcp-server', config.version);
    this.logger.log(`tool runs are traced to ${config.tracing.endpoint}`);
  }

  get enabled(): boolean {
    return this.tracer !== undefined;
  }

  /** A server span named `name`, the child of `traceparent` when the caller sent a valid one. */
  start(name: string, traceparent: string | undefined, attributes: Attributes): TraceSpan | undefined {
    if (!this.tracer) return undefined;
    const span = this.tracer.startSpan(name, { kind: SpanKind.SERVER, attributes }, parentContext(traceparent));
    return { traceparent: traceparentOf(span), end: (outcome) => endSpan(span, outcome) };
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

function parentContext(traceparent: string | undefined): typeof ROOT_CONTEXT {
  const match = traceparent === undefined ? null : VALID_TRACEPARENT.exec(traceparent);
  if (!match) return ROOT_CONTEXT;
  return trace.setSpanContext(ROOT_CONTEXT, { traceId: match[1], spanId: match[2], traceFlags: parseInt(match[3], 16) & 1, isRemote: true });
}

function traceparentOf(span: Span): string {
  const { traceId, spanId, traceFlags } = span.spanContext();
  return `00-${traceId}-${spanId}-${(traceFlags & 1).toString(16).padStart(2, '0')}`;
}

function endSpan(span: Span, outcome: { readonly errorType?: string; readonly errorMessage?: string; readonly attributes?: Attributes }): void {
  if (outcome.attributes) span.setAttributes(outcome.attributes);
  if (outcome.errorType !== undefined) {
    span.setAttribute('error.type', outcome.errorType);
    span.setStatus({ code: SpanStatusCode.ERROR, message: outcome.errorMessage?.slice(0, 500) });
  }
  span.end();
}
