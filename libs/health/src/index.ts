export { HealthModule } from './health.module';
export { HealthService } from './health.service';
export { MetricsService } from './metrics.service';
export type { UpstreamMetricState } from './metrics.service';
export { endWhenSettled, mcpSpanName, Tracing } from './tracing.service';
export type { SpanOutcome, TraceSpan } from './tracing.service';
