import { Global, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { HealthController } from './health.controller';
import { HealthService } from './health.service';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';
import { Tracing } from './tracing.service';

@Global()
@Module({
  imports: [TerminusModule, PrometheusModule.register({ controller: MetricsController, path: 'metrics', defaultMetrics: { enabled: false } })],
  controllers: [HealthController],
  providers: [HealthService, MetricsService, Tracing],
  exports: [HealthService, MetricsService, Tracing],
})
export class HealthModule {}
