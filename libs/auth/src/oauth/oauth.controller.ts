import { originOf } from '@app/common';
import type { AuthorizationServerMetadata, OAuthClientInformation, OAuthTokenResponse } from '@app/contracts';
import { Public, RateLimit } from '@app/security';
import { Controller, Get, Header, Post, Req, Res } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { OAuthClientsService } from './oauth-clients.service';
import { OAuthError, sendOAuthError } from './oauth-error';
import { answerAuthorize, NO_STORE } from './authorize-answer';
import { OAuthService } from './oauth.service';

/** Runs an OAuth endpoint, answering its own errors in RFC 6749's shape. */
async function oauthAnswer<T>(request: FastifyRequest, reply: FastifyReply, status: number, work: () => Promise<T>): Promise<void> {
  try {
    const body = await work();
    await reply.status(status).headers(NO_STORE).send(body);
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error;
    sendOAuthError(reply, request, error);
  }
}

/** OAuth 2.1 for MCP clients: registration, the sign-in page and the token endpoint. Public by nature. */
@Public()
@Controller('oauth')
export class OAuthController {
  constructor(
    private readonly oauth: OAuthService,
    private readonly clients: OAuthClientsService,
  ) {}

  @Post('register')
  @RateLimit({ rule: 'oauthRegister', by: 'ip' })
  async register(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await oauthAnswer<OAuthClientInformation>(request, reply, 201, () => this.clients.register(request.body, originOf(request)));
  }

  @Get('authorize')
  @RateLimit({ rule: 'loginIp', by: 'ip' })
  async authorize(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await answerAuthorize(request, reply, await this.oauth.authorizePage(request.query, request.headers.cookie, originOf(request)));
  }

  /** Single sign-on's last step, after the IdP: the browser that started it gets the code. */
  @Get('authorize/sso')
  @RateLimit({ rule: 'loginIp', by: 'ip' })
  async finishSso(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await answerAuthorize(request, reply, await this.oauth.finishSso(request.query, request.headers.cookie));
  }

  @Post('authorize')
  @RouteConfig({ acceptsForm: true })
  @RateLimit({ rule: 'login', by: 'email+ip' }, { rule: 'loginIp', by: 'ip' })
  async submit(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await answerAuthorize(request, reply, await this.oauth.authorizeSubmit(request.body, request.headers.cookie, originOf(request)));
  }

  @Post('revoke')
  @RouteConfig({ acceptsForm: true })
  @RateLimit({ rule: 'loginIp', by: 'ip' })
  async revoke(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await oauthAnswer<void>(request, reply, 200, () => this.oauth.revoke(request.body, request.headers.authorization, originOf(request)));
  }

  @Post('token')
  @RouteConfig({ acceptsForm: true })
  @RateLimit({ rule: 'loginIp', by: 'ip' })
  async token(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await oauthAnswer<OAuthTokenResponse>(request, reply, 200, () => this.oauth.token(request.body, request.headers.authorization, originOf(request)));
  }
}

/** RFC 8414 metadata, at the root where clients look for it (excluded from the /api/v1 prefix). */
// A discovery document, the same for everyone: no share of an address's budget (clients behind one proxy share it).
@RateLimit()
@Public()
@Controller('.well-known')
export class OAuthMetadataController {
  constructor(private readonly oauth: OAuthService) {}

  @Get('oauth-authorization-server')
  @Header('Cache-Control', 'public, max-age=300')
  metadata(): AuthorizationServerMetadata {
    return this.oauth.metadata();
  }
}
