import { Public, RateLimit } from '@app/security';
import { Controller, Get, Header } from '@nestjs/common';
import { register } from 'prom-client';

/** Mounted at /metrics by PrometheusModule (which sets the controller's path). */
// Scrapes come at their own pace: no share of the API's budget.
@RateLimit()
@Public()
@Controller()
export class MetricsController {
  @Get()
  @Header('Content-Type', register.contentType)
  metrics(): Promise<string> {
    return register.metrics();
  }
}
