import { originOf } from '@app/common';
import type { ResealResult, SecretsStatus } from '@app/contracts';
import { type AuthenticatedUser, CurrentUser, RequirePermissions } from '@app/security';
import { Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { SecretsRotation } from './secrets-rotation.service';

@Controller('admin/secrets')
@RequirePermissions('admin:*')
export class SecretsController {
  constructor(private readonly rotation: SecretsRotation) {}

  @Get()
  status(): Promise<SecretsStatus> {
    return this.rotation.status();
  }

  @Post('reseal')
  @HttpCode(200)
  reseal(@CurrentUser() actor: AuthenticatedUser, @Req() request: FastifyRequest): Promise<ResealResult> {
    return this.rotation.reseal(actor.id, originOf(request));
  }
}
