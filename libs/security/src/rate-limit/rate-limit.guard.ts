import { requestAddress } from '@app/common';
import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { userOf } from '../authenticated-user';
import { routeSecurity } from '../route-security';
import type { RateLimitSpec } from './rate-limit.decorator';
import { RateLimiter, type RateLimitState, rateLimitExceeded, rateLimitHeaders } from './rate-limiter.service';

const MAX_EMAIL_KEY = 320;

function emailOf(request: FastifyRequest): string {
  const body = request.body as { email?: unknown } | undefined;
  const email = typeof body?.email === 'string' ? body.email.trim().toLowerCase().slice(0, MAX_EMAIL_KEY) : '';
  return email === '' ? '-' : email;
}

/** Third guard: limits run after authentication so they can be keyed on the user. */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly limiter: RateLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const { limits } = routeSecurity(this.reflector, context);
    if (limits.length === 0) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const states = await Promise.all(limits.map((limit) => this.limiter.consume(this.key(limit, request), this.limiter.rule(limit.rule))));
    const refused = states.find((state) => !state.allowed);
    if (refused) throw rateLimitExceeded(refused);
    // The tightest budget is the one the caller needs to see.
    const tightest = states.reduce((a: RateLimitState, b) => (b.remaining < a.remaining ? b : a));
    void context.switchToHttp().getResponse<FastifyReply>().headers(rateLimitHeaders(tightest));
    return true;
  }

  private key(limit: RateLimitSpec, request: FastifyRequest): string {
    switch (limit.by) {
      case 'ip':
        return `${limit.rule}:ip:${requestAddress(request)}`;
      case 'email+ip':
        return `${limit.rule}:email:${emailOf(request)}:ip:${requestAddress(request)}`;
      case 'email':
        return `${limit.rule}:email:${emailOf(request)}`;
      default: {
        const user = userOf(request);
        return user ? `${limit.rule}:user:${user.id}` : `${limit.rule}:ip:${requestAddress(request)}`;
      }
    }
  }
}
