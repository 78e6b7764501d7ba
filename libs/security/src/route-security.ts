import type { ExecutionContext } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import { IS_PUBLIC, REQUIRED_PERMISSIONS } from './decorators';
import { RATE_LIMITS, type RateLimitSpec } from './rate-limit/rate-limit.decorator';

/** What the guards need to know of a route, from its decorators (the handler's win over its class's). */
export interface RouteSecurity {
  readonly isPublic: boolean;
  readonly permissions: readonly string[];
  readonly limits: readonly RateLimitSpec[];
}

/** A route with no limit of its own spends the caller's budget for the rest of the API; `@RateLimit()` with none opts out. */
const DEFAULT_LIMITS: readonly RateLimitSpec[] = [{ rule: 'api', by: 'user' }];

// Decorators are fixed once the app is built: each route's are read once, not by every guard on
// every request (six metadata lookups a request).
const byClass = new WeakMap<object, WeakMap<object, RouteSecurity>>();

export function routeSecurity(reflector: Reflector, context: ExecutionContext): RouteSecurity {
  const handler = context.getHandler();
  const controller = context.getClass();
  let routes = byClass.get(controller);
  if (!routes) {
    routes = new WeakMap();
    byClass.set(controller, routes);
  }
  let security = routes.get(handler);
  if (!security) {
    const targets = [handler, controller];
    security = {
      isPublic: reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC, targets) === true,
      permissions: reflector.getAllAndOverride<string[] | undefined>(REQUIRED_PERMISSIONS, targets) ?? [],
      limits: reflector.getAllAndOverride<RateLimitSpec[] | undefined>(RATE_LIMITS, targets) ?? DEFAULT_LIMITS,
    };
    routes.set(handler, security);
  }
  return security;
}
