import { ApiError, sameSecret } from '@app/common';
import { AppConfig } from '@app/config';
import { Public, RateLimit } from '@app/security';
import { Controller, Get, Header, Headers } from '@nestjs/common';
import { register } from 'prom-client';


/** Mounted at /metrics by PrometheusModule (which sets the controller's path). */
// Scrapes come at their own pace: no share of the API's budget.
@RateLimit()
@Public()
@Controller()
export class MetricsController {
  constructor(private readonly config: AppConfig) {}

  // Public unless METRICS_TOKEN is set: the series name upstream servers and tools, which the
  // contract otherwise shows only to admins, so a deployment that exposes /metrics can ask for it.
  @Get()
  @Header('Content-Type', register.contentType)
  metrics(@Headers('authorization') authorization: string | undefined): Promise<string> {
    const token = this.config.metricsToken;
    if (token !== undefined && !sameSecret(authorization ?? '', `Bearer ${token}`)) throw ApiError.unauthorized('The metrics need the METRICS_TOKEN as a bearer token');
    return register.metrics();
  }
}
