import type { Jwks } from '@app/contracts';
import { Public, RateLimit } from '@app/security';
import { Controller, Get, Header } from '@nestjs/common';
import { JwtKeys } from './jwt/jwt-keys';

/** Served at the root (excluded from the /api/v1 prefix), where verifiers look for it. */
// A discovery document, the same for everyone: no share of an address's budget (clients behind one proxy share it).
@RateLimit()
@Public()
@Controller('.well-known')
export class JwksController {
  constructor(private readonly keys: JwtKeys) {}

  @Get('jwks.json')
  @Header('Cache-Control', 'public, max-age=300')
  jwks(): Jwks {
    return this.keys.jwks;
  }
}
