import { CallerOrganizations, RunQuotas } from '@app/tools';
import { Global, Module } from '@nestjs/common';
import { AdminOrganizationsController, AdminUserOrganizationController } from './admin-organizations.controller';
import { OrganizationMemberships } from './organization-memberships';
import { OrganizationQuotas } from './organization-quotas';
import { OrganizationsController } from './organizations.controller';
import { OrganizationsService } from './organizations.service';

/** Global so the tools lib receives the RunQuotas and CallerOrganizations this module binds. */
@Global()
@Module({
  controllers: [OrganizationsController, AdminOrganizationsController, AdminUserOrganizationController],
  providers: [
    OrganizationsService,
    OrganizationMemberships,
    OrganizationQuotas,
    { provide: RunQuotas, useExisting: OrganizationQuotas },
    { provide: CallerOrganizations, useExisting: OrganizationMemberships },
  ],
  exports: [OrganizationsService, RunQuotas, CallerOrganizations],
})
export class OrganizationsModule {}
