import { ApiError } from '@app/common';
import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { type AuthenticatedUser, userOf } from './authenticated-user';

export const IS_PUBLIC = 'security:public';
export const REQUIRED_PERMISSIONS = 'security:permissions';

/** Opens a route to anonymous callers. Without it the global guard demands credentials. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);

/** The permissions (all of them) a caller must hold, as `action:resource` strings. */
export const RequirePermissions = (...permissions: string[]): MethodDecorator & ClassDecorator =>
  SetMetadata(REQUIRED_PERMISSIONS, permissions);

/** The authenticated caller. Throws on a route where no user was authenticated: fails closed. */
export const CurrentUser = createParamDecorator((_: unknown, context: ExecutionContext): AuthenticatedUser => {
  const user = userOf(context.switchToHttp().getRequest<FastifyRequest>());
  if (!user) throw ApiError.unauthorized();
  return user;
});
