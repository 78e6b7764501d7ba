import { ApiError, originOf } from '@app/common';
import { AppConfig } from '@app/config';
import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { type BridgeFields, PassportBridge, type PassportRequest } from './passport-fastify.bridge';
import { assertParsableSamlResponse } from './saml-response.limits';
import { SAML_STRATEGY, SamlRejection, type SamlIdentity } from './saml.strategy';
import { SamlService } from './saml.service';

/** The SAML bindings say RelayState "MUST NOT exceed 80 bytes". */
export const MAX_RELAY_STATE_BYTES = 80;
// Only what each step needs reaches the strategy: no SAMLResponse sneaks in through a GET. The
// RelayState an IdP posts back is not passed on: nothing reads it, least of all as a redirect target.
const LOGIN_FIELDS: BridgeFields = { query: ['RelayState'] };
const RESPONSE_FIELDS: BridgeFields = { body: ['SAMLResponse'] };

/** A RelayState for the IdP is one value of at most 80 bytes; anything else is a 400, not silently dropped. */
function checkRelayState(query: unknown): void {
  const value = typeof query === 'object' && query !== null ? (query as Record<string, unknown>).RelayState : undefined;
  if (value === undefined) return;
  if (typeof value !== 'string') throw ApiError.validation('RelayState must be given once', [{ field: 'RelayState', message: 'must be a single value', code: 'INVALID_VALUE' }]);
  if (Buffer.byteLength(value, 'utf8') > MAX_RELAY_STATE_BYTES) {
    throw ApiError.validation(`RelayState must be at most ${MAX_RELAY_STATE_BYTES} bytes`, [{ field: 'RelayState', message: `must be at most ${MAX_RELAY_STATE_BYTES} bytes`, code: 'TOO_LONG' }]);
  }
}

/** A response must be there, and small and shallow enough to parse, before node-saml sees it. */
function checkResponseForm(samlResponse: string | undefined): void {
  if (!samlResponse) throw new SamlRejection('no SAMLResponse in the form body');
  assertParsableSamlResponse(samlResponse);
}

/** SAML routes exist whether or not SAML is configured (the contract lists them); off, they answer 404. */
@Injectable()
export class SamlEnabledGuard implements CanActivate {
  constructor(private readonly config: AppConfig) {}

  canActivate(): boolean {
    if (!this.config.saml) throw new ApiError(404, 'NOT_FOUND', 'SAML single sign-on is not configured on this server');
    return true;
  }
}

/**
 * Runs the SAML strategy through @nestjs/passport on the bridged request. A GET starts a login (the
 * strategy answers with a redirect, kept for the route to send); a POST carries the IdP's response
 * (the strategy calls back with the verified identity). Any failure of a response is a 401 with an
 * audit entry naming the reason.
 */
@Injectable()
export class SamlAuthGuard extends AuthGuard(SAML_STRATEGY) {
  constructor(private readonly saml: SamlService) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const isResponse = request.method === 'POST';
    const bridge = PassportBridge.attach(request, isResponse ? RESPONSE_FIELDS : LOGIN_FIELDS);
    try {
      if (isResponse) checkResponseForm(bridge.request.body.SAMLResponse);
      else checkRelayState(request.query);
      // A redirect ends the response without calling back, so wait for whichever comes first.
      const outcome = await Promise.race([(super.canActivate(context) as Promise<boolean>).then(() => 'verified' as const), bridge.response.ended.then((answer) => answer)]);
      if (outcome === 'verified') {
        if (!isResponse) throw new Error('the SAML strategy verified a login request');
        return true;
      }
      if (isResponse) throw new SamlRejection('the SAML strategy did not verify the response');
      bridge.answer = outcome;
      return true;
    } catch (error) {
      if (!isResponse) throw error;
      throw await this.saml.rejected(error, originOf(request));
    }
  }

  override getRequest(context: ExecutionContext): PassportRequest {
    return this.bridgeOf(context).request;
  }

  getResponse(context: ExecutionContext): unknown {
    return this.bridgeOf(context).response;
  }

  override handleRequest<TUser>(error: unknown, user: TUser | false, info: unknown): TUser {
    if (error) throw error;
    if (!user) throw new SamlRejection(info instanceof Error ? info.message : 'SAML authentication failed');
    return user;
  }

  private bridgeOf(context: ExecutionContext): PassportBridge {
    const bridge = PassportBridge.of(context.switchToHttp().getRequest<FastifyRequest>());
    if (!bridge) throw new Error('SamlAuthGuard: no passport bridge for this request');
    return bridge;
  }
}

/** The identity SamlAuthGuard verified for this request. */
export function samlIdentityOf(request: FastifyRequest): SamlIdentity {
  const identity = PassportBridge.of(request)?.request.user as SamlIdentity | undefined;
  if (!identity) throw ApiError.unauthorized('SAML authentication failed');
  return identity;
}
