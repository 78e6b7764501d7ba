import { originOf } from '@app/common';
import { Public, RateLimit } from '@app/security';
import { Controller, Get, Header, Inject, Post, Req, Res, UseGuards } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { answerAuthorize } from '../oauth/authorize-answer';
import { PassportBridge } from './passport-fastify.bridge';
import { SamlAuthGuard, SamlEnabledGuard, samlIdentityOf } from './saml-auth.guard';
import { SamlService } from './saml.service';
import { SamlStrategy } from './saml.strategy';

/** SAML SSO: public by nature (the IdP's signature is the credential); 404 while SAML is off. */
@Public()
@Controller('auth/saml')
@UseGuards(SamlEnabledGuard)
export class SamlController {
  constructor(
    private readonly saml: SamlService,
    @Inject(SamlStrategy) private readonly strategy: SamlStrategy | null,
  ) {}

  @Get('login')
  @RateLimit({ rule: 'loginIp', by: 'ip' })
  @UseGuards(SamlAuthGuard)
  async login(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const answer = PassportBridge.of(request)?.answer;
    if (!answer) throw new Error('the SAML strategy did not answer the login request');
    await PassportBridge.send(reply, answer);
  }

  /** The assertion consumer service: the IdP's form POST. */
  @Post('callback')
  @RouteConfig({ acceptsForm: true })
  @RateLimit({ rule: 'loginIp', by: 'ip' })
  @UseGuards(SamlAuthGuard)
  async callback(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const answer = await this.saml.callback(samlIdentityOf(request), (request.body as Record<string, unknown> | undefined)?.RelayState, originOf(request));
    if (answer.kind === 'oauth') return answerAuthorize(request, reply, answer.outcome);
    const login = answer.login;
    const redirect = this.saml.successRedirect(login);
    void reply.header('cache-control', 'no-store');
    if (redirect) await reply.status(302).header('location', redirect).send();
    else await reply.status(200).send(login);
  }

  @Get('metadata')
  @Header('content-type', 'application/samlmetadata+xml; charset=utf-8')
  metadata(): string {
    if (!this.strategy) throw new Error('SAML is configured but its strategy is missing');
    return this.strategy.metadata();
  }
}
