import { originOf } from '@app/common';
import { GetMyOrganizationUsageQueryDto, ListMyOrganizationUsersQueryDto, type Organization, type OrganizationMemberList, type OrganizationUsage, RemoveMyOrganizationUserParamsDto } from '@app/contracts';
import { type AuthenticatedUser, CurrentUser } from '@app/security';
import { Controller, Delete, Get, HttpCode, Param, Query, Req } from '@nestjs/common';
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
}
