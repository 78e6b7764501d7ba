import { Public, RateLimit } from '@app/security';
import { Controller, Get, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { HealthService } from './health.service';

// Probes come at their own pace: no share of the API's budget.
@RateLimit()
@Public()
@Controller()
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get('health')
  liveness(): ReturnType<HealthService['liveness']> {
    return this.health.liveness();
  }

  @Get('health/detailed')
  detailed(): Promise<Record<string, unknown>> {
    return this.health.detailed();
  }

  @Get('ready')
  async readiness(@Res({ passthrough: true }) reply: FastifyReply): Promise<Awaited<ReturnType<HealthService['readiness']>>> {
    const result = await this.health.readiness();
    if (!result.ready) void reply.status(503);
    return result;
  }
}
