import { originOf } from '@app/common';
import { DeleteOAuthClientParamsDto, ListOAuthClientGrantsParamsDto, ListOAuthClientGrantsQueryDto, ListOAuthClientsQueryDto, type OAuthClientGrantList, type OAuthClientList } from '@app/contracts';
import { type AuthenticatedUser, CurrentUser, RequirePermissions } from '@app/security';
import { Controller, Delete, Get, HttpCode, Param, Query, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { OAuthClientsService } from './oauth-clients.service';
import { OAuthGrantsService } from './oauth-grants.service';

@Controller('admin/oauth-clients')
@RequirePermissions('admin:*')
export class AdminOAuthClientsController {
  constructor(
    private readonly clients: OAuthClientsService,
    private readonly grants: OAuthGrantsService,
  ) {}

  @Get()
  list(@Query() query: ListOAuthClientsQueryDto): Promise<OAuthClientList> {
    return this.clients.list(query);
  }

  @Get(':id/grants')
  listGrants(@Param() params: ListOAuthClientGrantsParamsDto, @Query() query: ListOAuthClientGrantsQueryDto): Promise<OAuthClientGrantList> {
    return this.grants.holdersOf(params.id, query.page, query.limit);
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@CurrentUser() user: AuthenticatedUser, @Param() params: DeleteOAuthClientParamsDto, @Req() request: FastifyRequest): Promise<void> {
    return this.clients.remove(user.id, params.id, originOf(request));
  }
}
