import { originOf } from '@app/common';
import {
  ConfigureMcpServiceRequestDto,
  ConfigureMyOrganizationServiceParamsDto,
  GetMyOrganizationUsageQueryDto,
  ListMyOrganizationServicesQueryDto,
  ListMyOrganizationUsersQueryDto,
  type McpService,
  type McpServiceList,
  type Organization,
  type OrganizationMemberList,
  type OrganizationUsage,
  RemoveMyOrganizationServiceConfigurationParamsDto,
  RemoveMyOrganizationUserParamsDto,
} from '@app/contracts';
import { type AuthenticatedUser, CurrentUser, RequirePermissions } from '@app/security';
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { OrganizationsService } from './organizations.service';

/** Any signed-in user: their own organization; its admins, its members and usage. */
@Controller('organizations/me')
export class OrganizationsController {
  constructor(private readonly organizations: OrganizationsService) {}

  @Get()
  mine(@CurrentUser() user: AuthenticatedUser): Promise<Organization> {
    return this.organizations.mine(user);
  }

  @Get('users')
  members(@CurrentUser() user: AuthenticatedUser, @Query() query: ListMyOrganizationUsersQueryDto): Promise<OrganizationMemberList> {
    return this.organizations.myMembers(user, { page: query.page ?? 1, limit: query.limit ?? 20 });
  }

  @Delete('users/:userId')
  @HttpCode(204)
  removeMember(@CurrentUser() user: AuthenticatedUser, @Param() params: RemoveMyOrganizationUserParamsDto, @Req() request: FastifyRequest): Promise<void> {
    return this.organizations.removeMyMember(user, params.userId, originOf(request));
  }

  @Get('usage')
  usage(@CurrentUser() user: AuthenticatedUser, @Query() query: GetMyOrganizationUsageQueryDto): Promise<OrganizationUsage> {
    return this.organizations.myUsage(user, query.days ?? 30);
  }

  @Get('services')
  @RequirePermissions('read:tools')
  services(@CurrentUser() user: AuthenticatedUser, @Query() query: ListMyOrganizationServicesQueryDto): Promise<McpServiceList> {
    return this.organizations.myServices(user, { page: query.page ?? 1, limit: query.limit ?? 20 });
  }

  @Post('services/:serviceId/configure')
  @HttpCode(200)
  @RequirePermissions('execute:tools')
  configureService(@CurrentUser() user: AuthenticatedUser, @Param() params: ConfigureMyOrganizationServiceParamsDto, @Body() body: ConfigureMcpServiceRequestDto, @Req() request: FastifyRequest): Promise<McpService> {
    return this.organizations.configureMyService(user, params.serviceId, body.config, body.verify ?? true, originOf(request));
  }

  @Delete('services/:serviceId/configure')
  @HttpCode(204)
  @RequirePermissions('execute:tools')
  removeServiceConfiguration(@CurrentUser() user: AuthenticatedUser, @Param() params: RemoveMyOrganizationServiceConfigurationParamsDto, @Req() request: FastifyRequest): Promise<void> {
    return this.organizations.removeMyServiceConfiguration(user, params.serviceId, originOf(request));
  }
}
