import 'reflect-metadata';
import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { type AuthenticatedUser, CredentialVerifier, attachUser, userOf } from './authenticated-user';
import { AuthenticationGuard } from './authentication.guard';
import { Public, RequirePermissions } from './decorators';
import { PermissionsGuard } from './permissions.guard';

class Routes {
  unmarked(): void {}
  @Public() open(): void {}
  @RequirePermissions('execute:tools') execute(): void {}
  @Public() @RequirePermissions('admin:*') confused(): void {}
}

function context(handler: keyof Routes, request: object = { headers: {} }): ExecutionContext {
  return {
    getType: () => 'http',
    getHandler: () => Routes.prototype[handler],
    getClass: () => Routes,
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => ({}) }),
  } as unknown as ExecutionContext;
}

const user = (permissions: string[]): AuthenticatedUser => ({ id: 'u', email: 'u@x.io', roles: [], permissions, via: 'jwt' });

class FixedVerifier extends CredentialVerifier {
  constructor(private readonly result: AuthenticatedUser | null) {
    super();
  }
  async verify(): Promise<AuthenticatedUser | null> {
    return this.result;
  }
}

describe('AuthenticationGuard', () => {
  const reflector = new Reflector();

  it('denies a route without metadata when no credentials are presented, and when no verifier is bound', async () => {
    await expect(new AuthenticationGuard(reflector, new FixedVerifier(null)).canActivate(context('unmarked'))).rejects.toMatchObject({ status: 401 });
    await expect(new AuthenticationGuard(reflector).canActivate(context('unmarked'))).rejects.toMatchObject({ status: 401 });
  });

  it('lets @Public() routes through and attaches the verified user elsewhere', async () => {
    expect(await new AuthenticationGuard(reflector).canActivate(context('open'))).toBe(true);
    const request = { headers: {} };
    expect(await new AuthenticationGuard(reflector, new FixedVerifier(user(['read:tools']))).canActivate(context('unmarked', request))).toBe(true);
    expect(userOf(request as FastifyRequest)?.id).toBe('u');
  });
});

describe('PermissionsGuard', () => {
  const guard = new PermissionsGuard(new Reflector());
  const withUser = (permissions: string[]) => {
    const request = { headers: {} } as FastifyRequest;
    attachUser(request, user(permissions));
    return request;
  };

  it('asks nothing of routes that require nothing', () => {
    expect(guard.canActivate(context('unmarked', withUser([])))).toBe(true);
  });

  it('requires every listed permission, honouring wildcards', () => {
    expect(() => guard.canActivate(context('execute', withUser(['read:tools'])))).toThrow(expect.objectContaining({ status: 403 }));
    expect(guard.canActivate(context('execute', withUser(['execute:tools'])))).toBe(true);
    expect(guard.canActivate(context('execute', withUser(['execute:*'])))).toBe(true);
    expect(guard.canActivate(context('execute', withUser(['admin:*'])))).toBe(true);
  });

  it('fails closed when permissions are asked but nobody is authenticated', () => {
    expect(() => guard.canActivate(context('execute'))).toThrow(expect.objectContaining({ status: 401 }));
    expect(() => guard.canActivate(context('confused'))).toThrow(expect.objectContaining({ status: 403 }));
  });
});
