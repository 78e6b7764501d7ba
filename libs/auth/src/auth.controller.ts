import { ApiError, originOf } from '@app/common';
import { LoginRequestDto, type LoginResponse, type MessageResponse, RefreshRequestDto, RegisterRequestDto, type TokenPair, type User } from '@app/contracts';
import { type AuthenticatedUser, CurrentUser, Public, RateLimit } from '@app/security';
import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AuthService } from './auth.service';
import { UsersService } from './users.service';

const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]+$/;

function bearerOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

@Controller('auth')
export class AuthController {
  constructor(
    private readonly users: UsersService,
    private readonly auth: AuthService,
  ) {}

  @Public()
  @RateLimit({ rule: 'register', by: 'ip' })
  @Post('register')
  @HttpCode(201)
  register(@Body() body: RegisterRequestDto, @Req() request: FastifyRequest): Promise<User> {
    return this.users.register(body, originOf(request));
  }

  @Public()
  @RateLimit({ rule: 'login', by: 'email+ip' }, { rule: 'loginIp', by: 'ip' })
  @Post('login')
  @HttpCode(200)
  login(@Body() body: LoginRequestDto, @Req() request: FastifyRequest): Promise<LoginResponse> {
    return this.auth.login(body, originOf(request));
  }

  /** Public: the refresh token itself is the credential (header as in the seed, or body). */
  @Public()
  @Post('refresh')
  @HttpCode(200)
  refresh(@Body() body: RefreshRequestDto, @Req() request: FastifyRequest): Promise<TokenPair> {
    const fromHeader = bearerOf(request);
    // Many clients send their access token (a JWT; refresh tokens are opaque) on every call: beside a
    // refresh token in the body it is not a second refresh token.
    if (fromHeader && body.refreshToken && fromHeader !== body.refreshToken && !JWT_SHAPE.test(fromHeader)) {
      throw ApiError.validation('Send the refresh token once: in the Authorization header or in the body');
    }
    const token = body.refreshToken ?? fromHeader;
    if (!token) {
      throw ApiError.validation('A refresh token is required', [{ field: 'refreshToken', message: 'send it in the body or as Authorization: Bearer', code: 'REQUIRED' }]);
    }
    return this.auth.refresh(token, originOf(request));
  }

  @Post('logout')
  @HttpCode(200)
  logout(@CurrentUser() user: AuthenticatedUser, @Req() request: FastifyRequest): Promise<MessageResponse> {
    return this.auth.logout(user, originOf(request));
  }
}
