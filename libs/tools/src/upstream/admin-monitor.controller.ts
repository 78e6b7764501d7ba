import type { CircuitBreakerList, MonitorOverview } from '@app/contracts';
import { RequirePermissions } from '@app/security';
import { Controller, Get } from '@nestjs/common';
import { MonitorService } from './monitor.service';

@Controller('admin/monitor')
@RequirePermissions('admin:servers')
export class AdminMonitorController {
  constructor(private readonly monitor: MonitorService) {}

  @Get()
  overview(): Promise<MonitorOverview> {
    return this.monitor.overview();
  }

  @Get('circuit-breakers')
  circuitBreakers(): Promise<CircuitBreakerList> {
    return this.monitor.circuitBreakers();
  }
}
