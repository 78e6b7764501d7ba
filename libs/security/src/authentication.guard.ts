import { ApiError } from '@app/common';
import { type CanActivate, type ExecutionContext, Injectable, Optional } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { attachUser, CredentialVerifier } from './authenticated-user';
import { routeSecurity } from './route-security';

/** First guard: who is calling. Public routes still get a user attached when credentials are valid. */
@Injectable()
export class AuthenticationGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Optional() private readonly verifier?: CredentialVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    if (routeSecurity(this.reflector, context).isPublic) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const user = this.verifier ? await this.verifier.verify(request) : null;
    if (!user) throw ApiError.unauthorized();
    attachUser(request, user);
    return true;
  }
}
