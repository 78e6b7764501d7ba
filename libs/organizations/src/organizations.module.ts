import { RunQuotas } from '@app/tools';
import { Global, Module } from '@nestjs/common';
import { AdminOrganizationsController, AdminUserOrganizationController } from './admin-organizations.controller';
import { OrganizationQuotas } from './organization-quotas';
import { OrganizationsController } from './organizations.controller';
import { OrganizationsService } from './organizations.service';

/** Global so the engine (in ToolsModule) receives the RunQuotas this module binds. */
@Global()
@Module({
  controllers: [OrganizationsController, AdminOrganizationsController, AdminUserOrganizationController],
  providers: [OrganizationsService, OrganizationQuotas, { provide: RunQuotas, useExisting: OrganizationQuotas }],
  exports: [OrganizationsService, RunQuotas],
})
export class OrganizationsModule {}
