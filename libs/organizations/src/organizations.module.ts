import { Module } from '@nestjs/common';
import { AdminOrganizationsController, AdminUserOrganizationController } from './admin-organizations.controller';
import { OrganizationsController } from './organizations.controller';
import { OrganizationsService } from './organizations.service';

@Module({ controllers: [OrganizationsController, AdminOrganizationsController, AdminUserOrganizationController], providers: [OrganizationsService], exports: [OrganizationsService] })
export class OrganizationsModule {}
