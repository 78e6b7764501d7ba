import { ApiError } from '@app/common';
import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { holdsPermission, userOf } from './authenticated-user';
import { routeSecurity } from './route-security';

// An admin whose credential lacks admin rights: narrowed by an OAuth grant, or signed in without the second factor the server requires.
const ADMIN_NOT_CARRIED = ' (this credential does not carry its user\'s admin rights: an API key or a password-only sign-in does not when ADMIN_REQUIRES_MFA is on, nor an OAuth grant that did not ask for them)';

/** Second guard: may this caller do it. Runs after authentication, so a user is present. */
@Injectable()
export class PermissionsGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const { permissions: required, isPublic } = routeSecurity(this.reflector, context);
    if (required.length === 0) return true;
    const user = userOf(context.switchToHttp().getRequest<FastifyRequest>());
    // A public route that also asks for permissions is a programming error: deny.
    if (!user) throw isPublic ? ApiError.forbidden() : ApiError.unauthorized();
    const missing = required.filter((permission) => !holdsPermission(user.permissions, permission));
    if (missing.length > 0) throw ApiError.forbidden(`Missing permission: ${missing.join(', ')}${user.roles.includes('admin') ? ADMIN_NOT_CARRIED : ''}`);
    return true;
  }
}
