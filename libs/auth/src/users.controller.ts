import { originOf } from '@app/common';
import {
  type ApiKey,
  type ApiKeyList,
  ChangePasswordRequestDto,
  CreateApiKeyRequestDto,
  type CreatedApiKey,
  type OAuthGrantList,
  type PasswordChanged,
  RevokeApiKeyParamsDto,
  RevokeOAuthGrantParamsDto,
  RotateApiKeyParamsDto,
  RotateApiKeyRequestDto,
  UpdateApiKeyParamsDto,
  UpdateApiKeyRequestDto,
  UpdateProfileRequestDto,
  type User,
} from '@app/contracts';
import { type AuthenticatedUser, CurrentUser, RateLimit } from '@app/security';
import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AccountService } from './account.service';
import { ApiKeysService } from './api-keys/api-keys.service';
import { OAuthGrantsService } from './oauth/oauth-grants.service';
import { UsersService } from './users.service';

@Controller('users/me')
export class UsersController {
  constructor(
    private readonly users: UsersService,
    private readonly apiKeys: ApiKeysService,
    private readonly grants: OAuthGrantsService,
    private readonly account: AccountService,
  ) {}

  @Get()
  me(@CurrentUser() user: AuthenticatedUser): Promise<User> {
    return this.users.me(user.id);
  }

  @Patch()
  updateProfile(@CurrentUser() user: AuthenticatedUser, @Body() body: UpdateProfileRequestDto, @Req() request: FastifyRequest): Promise<User> {
    return this.account.updateProfile(user, body, originOf(request));
  }

  @Put('password')
  @RateLimit({ rule: 'login', by: 'user' })
  changePassword(@CurrentUser() user: AuthenticatedUser, @Body() body: ChangePasswordRequestDto, @Req() request: FastifyRequest): Promise<PasswordChanged> {
    return this.account.changePassword(user, body, originOf(request));
  }

  @Get('api-keys')
  async listApiKeys(@CurrentUser() user: AuthenticatedUser): Promise<ApiKeyList> {
    return { apiKeys: await this.apiKeys.list(user) };
  }

  @Post('api-keys')
  @HttpCode(201)
  createApiKey(@CurrentUser() user: AuthenticatedUser, @Body() body: CreateApiKeyRequestDto, @Req() request: FastifyRequest): Promise<CreatedApiKey> {
    return this.apiKeys.create(user, body, originOf(request));
  }

  @Patch('api-keys/:id')
  updateApiKey(@CurrentUser() user: AuthenticatedUser, @Param() params: UpdateApiKeyParamsDto, @Body() body: UpdateApiKeyRequestDto, @Req() request: FastifyRequest): Promise<ApiKey> {
    return this.apiKeys.update(user, params.id, body, originOf(request));
  }

  @Post('api-keys/:id/rotate')
  @HttpCode(201)
  rotateApiKey(@CurrentUser() user: AuthenticatedUser, @Param() params: RotateApiKeyParamsDto, @Body() body: RotateApiKeyRequestDto, @Req() request: FastifyRequest): Promise<CreatedApiKey> {
    return this.apiKeys.rotate(user, params.id, body, originOf(request));
  }

  @Delete('api-keys/:id')
  @HttpCode(204)
  revokeApiKey(@CurrentUser() user: AuthenticatedUser, @Param() params: RevokeApiKeyParamsDto, @Req() request: FastifyRequest): Promise<void> {
    return this.apiKeys.revoke(user, params.id, originOf(request));
  }

  @Get('oauth-grants')
  async listOAuthGrants(@CurrentUser() user: AuthenticatedUser): Promise<OAuthGrantList> {
    return { grants: await this.grants.listOwn(user) };
  }

  @Delete('oauth-grants/:clientId')
  @HttpCode(204)
  revokeOAuthGrant(@CurrentUser() user: AuthenticatedUser, @Param() params: RevokeOAuthGrantParamsDto, @Req() request: FastifyRequest): Promise<void> {
    return this.grants.withdraw(user, params.clientId, originOf(request));
  }
}
