import { ListMyOrganizationUsersQueryDto, type Organization, type OrganizationMemberList } from '@app/contracts';
import { type AuthenticatedUser, CurrentUser } from '@app/security';
import { Controller, Get, Query } from '@nestjs/common';
import { OrganizationsService } from './organizations.service';

/** Any signed-in user: their own organization; its admins, its members. */
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
}
