import { originOf } from '@app/common';
import { EmailTokenRequestDto, type MessageResponse } from '@app/contracts';
import { type AuthenticatedUser, CurrentUser, RateLimit } from '@app/security';
import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { EmailVerification } from './email-verification.service';

const answer = (message: string): MessageResponse => ({ message, timestamp: new Date().toISOString() });

@Controller('auth')
export class EmailController {
  constructor(private readonly verification: EmailVerification) {}

  @Post('verify-email/send')
  @HttpCode(202)
  @RateLimit({ rule: 'mail', by: 'user' })
  async send(@CurrentUser() caller: AuthenticatedUser, @Req() request: FastifyRequest): Promise<MessageResponse> {
    await this.verification.send(caller.id, originOf(request));
    return answer('A verification link was mailed to your address');
  }

  // The token is 256 random bits: guessing is hopeless, so the route spends the ordinary API budget.
  @Post('verify-email')
  @HttpCode(200)
  async verify(@CurrentUser() caller: AuthenticatedUser, @Body() body: EmailTokenRequestDto, @Req() request: FastifyRequest): Promise<MessageResponse> {
    await this.verification.verify(caller.id, body.token, originOf(request));
    return answer('Your email address is verified');
  }
}
