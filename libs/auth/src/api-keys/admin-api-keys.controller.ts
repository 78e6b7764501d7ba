import { originOf } from '@app/common';
import { type ApiKeyList, CreateApiKeyRequestDto, type CreatedApiKey, CreateUserApiKeyParamsDto, ListUserApiKeysParamsDto, RevokeUserApiKeyParamsDto } from '@app/contracts';
import { type AuthenticatedUser, CurrentUser, RequirePermissions } from '@app/security';
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ApiKeysService } from './api-keys.service';

@Controller('admin/users')
@RequirePermissions('admin:*')
export class AdminApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Get(':id/api-keys')
  async list(@Param() params: ListUserApiKeysParamsDto): Promise<ApiKeyList> {
    return { apiKeys: await this.apiKeys.listFor(params.id) };
  }

  @Post(':id/api-keys')
  @HttpCode(201)
  create(@CurrentUser() actor: AuthenticatedUser, @Param() params: CreateUserApiKeyParamsDto, @Body() body: CreateApiKeyRequestDto, @Req() request: FastifyRequest): Promise<CreatedApiKey> {
    return this.apiKeys.createFor(actor, params.id, body, originOf(request));
  }

  @Delete(':id/api-keys/:keyId')
  @HttpCode(204)
  revoke(@CurrentUser() actor: AuthenticatedUser, @Param() params: RevokeUserApiKeyParamsDto, @Req() request: FastifyRequest): Promise<void> {
    return this.apiKeys.revokeFor(actor, params.id, params.keyId, originOf(request));
  }
}
