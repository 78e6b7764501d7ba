import { Public, RateLimit } from '@app/security';
import { Controller, Get, Header } from '@nestjs/common';
import { loadOpenApiDocument } from './openapi-document';

/** Serves the contract itself, so clients and SDK generators read what the server enforces. */
// A discovery document, the same for everyone: no share of an address's budget (clients behind one proxy share it).
@RateLimit()
@Public()
@Controller()
export class ContractController {
  @Get('openapi.yaml')
  @Header('Content-Type', 'application/yaml; charset=utf-8')
  yaml(): string {
    return loadOpenApiDocument().yaml;
  }

  @Get('openapi.json')
  json(): Record<string, unknown> {
    return loadOpenApiDocument().json;
  }
}
