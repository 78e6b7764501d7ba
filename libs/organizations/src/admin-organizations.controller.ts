import { originOf } from '@app/common';
import {
  DeleteOrganizationParamsDto,
  GetOrganizationParamsDto,
  GetOrganizationUsageParamsDto,
  GetOrganizationUsageQueryDto,
  ListOrganizationsQueryDto,
  ListOrganizationUsersParamsDto,
  ListOrganizationUsersQueryDto,
  OrganizationAssignmentDto,
  OrganizationInputDto,
  RemoveUserOrganizationParamsDto,
  SetUserOrganizationParamsDto,
  UpdateOrganizationParamsDto,
  type Organization,
  type OrganizationList,
  type OrganizationMember,
  type OrganizationMemberList,
  type OrganizationUsage,
} from '@app/contracts';
import { type AuthenticatedUser, CurrentUser, RequirePermissions } from '@app/security';
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { OrganizationsService } from './organizations.service';

@Controller('admin/organizations')
@RequirePermissions('admin:organizations')
export class AdminOrganizationsController {
  constructor(private readonly organizations: OrganizationsService) {}

  @Get()
  list(@Query() query: ListOrganizationsQueryDto): Promise<OrganizationList> {
    return this.organizations.list(query.q, { page: query.page ?? 1, limit: query.limit ?? 20 });
  }

  @Post()
  @HttpCode(201)
  create(@CurrentUser() user: AuthenticatedUser, @Body() body: OrganizationInputDto, @Req() request: FastifyRequest): Promise<Organization> {
    return this.organizations.create(body, user.id, originOf(request));
  }

  @Get(':id')
  get(@Param() params: GetOrganizationParamsDto): Promise<Organization> {
    return this.organizations.get(params.id);
  }

  @Put(':id')
  update(@CurrentUser() user: AuthenticatedUser, @Param() params: UpdateOrganizationParamsDto, @Body() body: OrganizationInputDto, @Req() request: FastifyRequest): Promise<Organization> {
    return this.organizations.update(params.id, body, user.id, originOf(request));
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@CurrentUser() user: AuthenticatedUser, @Param() params: DeleteOrganizationParamsDto, @Req() request: FastifyRequest): Promise<void> {
    return this.organizations.remove(params.id, user.id, originOf(request));
  }

  @Get(':id/usage')
  usage(@Param() params: GetOrganizationUsageParamsDto, @Query() query: GetOrganizationUsageQueryDto): Promise<OrganizationUsage> {
    return this.organizations.usageOf(params.id, query.days ?? 30);
  }

  @Get(':id/users')
  members(@Param() params: ListOrganizationUsersParamsDto, @Query() query: ListOrganizationUsersQueryDto): Promise<OrganizationMemberList> {
    return this.organizations.membersOf(params.id, { page: query.page ?? 1, limit: query.limit ?? 20 });
  }
}

/** A user's organization, set by an admin (under /admin/users, beside their roles and status). */
@Controller('admin/users/:id/organization')
@RequirePermissions('admin:organizations')
export class AdminUserOrganizationController {
  constructor(private readonly organizations: OrganizationsService) {}

  @Put()
  set(@CurrentUser() user: AuthenticatedUser, @Param() params: SetUserOrganizationParamsDto, @Body() body: OrganizationAssignmentDto, @Req() request: FastifyRequest): Promise<OrganizationMember> {
    return this.organizations.setMembership(params.id, body, user.id, originOf(request));
  }

  @Delete()
  @HttpCode(204)
  remove(@CurrentUser() user: AuthenticatedUser, @Param() params: RemoveUserOrganizationParamsDto, @Req() request: FastifyRequest): Promise<void> {
    return this.organizations.removeMembership(params.id, user.id, originOf(request));
  }
}
