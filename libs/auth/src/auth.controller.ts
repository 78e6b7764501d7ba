import { originOf } from '@app/common';
import { RegisterRequestDto, type User } from '@app/contracts';
import { Public } from '@app/security';
import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { UsersService } from './users.service';

@Controller('auth')
export class AuthController {
  constructor(private readonly users: UsersService) {}

  @Public()
  @Post('register')
  @HttpCode(201)
  register(@Body() body: RegisterRequestDto, @Req() request: FastifyRequest): Promise<User> {
    return this.users.register(body, originOf(request));
  }
}
