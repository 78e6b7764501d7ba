import { originOf } from '@app/common';
import {
  type AdminUserList,
  type CreatedUser,
  CreateUserRequestDto,
  ListUsersQueryDto,
  type MessageResponse,
  ForgotPasswordRequestDto, SetPasswordRequestDto,
  UpdateUserRolesParamsDto,
  UpdateUserRolesRequestDto,
  UpdateUserStatusParamsDto,
  UpdateUserStatusRequestDto,
  type PasswordSetup,
  ResetUserPasswordParamsDto,
  type User,
} from '@app/contracts';
import { type AuthenticatedUser, CurrentUser, Public, RateLimit, RequirePermissions } from '@app/security';
import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AdminUsersService } from './admin-users.service';

@Controller('admin/users')
@RequirePermissions('admin:*')
export class AdminUsersController {
  constructor(private readonly users: AdminUsersService) {}

  @Get()
  list(@Query() query: ListUsersQueryDto): Promise<AdminUserList> {
    return this.users.list(query);
  }

  @Post()
  @HttpCode(201)
  create(@CurrentUser() actor: AuthenticatedUser, @Body() body: CreateUserRequestDto, @Req() request: FastifyRequest): Promise<CreatedUser> {
    return this.users.create(actor.id, body, originOf(request));
  }

  @Put(':id/roles')
  updateRoles(@CurrentUser() actor: AuthenticatedUser, @Param() params: UpdateUserRolesParamsDto, @Body() body: UpdateUserRolesRequestDto, @Req() request: FastifyRequest): Promise<User> {
    return this.users.updateRoles(actor.id, params.id, body, originOf(request));
  }

  @Post(':id/password-reset')
  @HttpCode(201)
  resetPassword(@CurrentUser() actor: AuthenticatedUser, @Param() params: ResetUserPasswordParamsDto, @Req() request: FastifyRequest): Promise<PasswordSetup> {
    return this.users.resetPassword(actor.id, params.id, originOf(request));
  }

  @Put(':id/status')
  updateStatus(@CurrentUser() actor: AuthenticatedUser, @Param() params: UpdateUserStatusParamsDto, @Body() body: UpdateUserStatusRequestDto, @Req() request: FastifyRequest): Promise<User> {
    return this.users.updateStatus(actor.id, params.id, body, originOf(request));
  }
}

@Controller('auth')
export class PasswordSetupController {
  constructor(private readonly users: AdminUsersService) {}

  @Post('set-password')
  @Public()
  @HttpCode(200)
  // The token is 256 random bits: the per-address sign-in budget is enough, and onboarding a
  // whole office behind one address must not wait on the three-an-hour sign-up limit.
  @RateLimit({ rule: 'loginIp', by: 'ip' })
  async setPassword(@Body() body: SetPasswordRequestDto, @Req() request: FastifyRequest): Promise<MessageResponse> {
    await this.users.setPassword(body.token, body.password, originOf(request));
    return { message: 'Password set; you can sign in now', timestamp: new Date().toISOString() };
  }

  @Post('forgot-password')
  @Public()
  @HttpCode(202)
  // Per address, from anywhere (nobody's mailbox is flooded from many IPs), and per IP over all addresses.
  @RateLimit({ rule: 'mail', by: 'email' }, { rule: 'loginIp', by: 'ip' })
  forgotPassword(@Body() body: ForgotPasswordRequestDto, @Req() request: FastifyRequest): MessageResponse {
    this.users.forgotPassword(body.email, originOf(request));
    return { message: 'If there is an account with this address, a link to set a new password is on its way', timestamp: new Date().toISOString() };
  }
}
