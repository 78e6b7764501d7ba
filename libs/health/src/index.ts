export { HealthModule } from './health.module';
export { HealthService } from './health.service';
export { MetricsService } from './metrics.service';
export type { UpstreamMetricState } from './metrics.service';
export { Tracing } from './tracing.service';
export type { TraceSpan } from './tracing.service';
