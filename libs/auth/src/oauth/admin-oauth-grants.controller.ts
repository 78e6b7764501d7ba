import { originOf } from '@app/common';
import { ListUserOAuthGrantsParamsDto, type OAuthGrantList, RevokeUserOAuthGrantParamsDto } from '@app/contracts';
import { type AuthenticatedUser, CurrentUser, RequirePermissions } from '@app/security';
import { Controller, Delete, Get, HttpCode, Param, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { OAuthGrantsService } from './oauth-grants.service';

@Controller('admin/users')
@RequirePermissions('admin:*')
export class AdminOAuthGrantsController {
  constructor(private readonly grants: OAuthGrantsService) {}

  @Get(':id/oauth-grants')
  async list(@Param() params: ListUserOAuthGrantsParamsDto): Promise<OAuthGrantList> {
    return { grants: await this.grants.listFor(params.id) };
  }

  @Delete(':id/oauth-grants/:clientId')
  @HttpCode(204)
  revoke(@CurrentUser() actor: AuthenticatedUser, @Param() params: RevokeUserOAuthGrantParamsDto, @Req() request: FastifyRequest): Promise<void> {
    return this.grants.withdrawFor(actor.id, params.id, params.clientId, originOf(request));
  }
}
