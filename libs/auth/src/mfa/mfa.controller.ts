import { originOf } from '@app/common';
import { type LoginResponse, MfaDisableRequestDto, MfaEnableRequestDto, type MfaEnrollment, type MfaVerified, MfaVerifyRequestDto, VerifyMfaRequestDto } from '@app/contracts';
import { type AuthenticatedUser, CurrentUser, Public, RateLimit } from '@app/security';
import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { MfaService } from './mfa.service';

@Controller('auth')
export class MfaController {
  constructor(private readonly mfa: MfaService) {}

  @Post('mfa/enable')
  @HttpCode(201)
  enable(@CurrentUser() user: AuthenticatedUser, @Body() body: MfaEnableRequestDto, @Req() request: FastifyRequest): Promise<MfaEnrollment> {
    return this.mfa.enable(user, body, originOf(request));
  }

  @Post('mfa/verify')
  @HttpCode(200)
  verify(@CurrentUser() user: AuthenticatedUser, @Body() body: MfaVerifyRequestDto, @Req() request: FastifyRequest): Promise<MfaVerified> {
    return this.mfa.confirm(user, body, originOf(request));
  }

  /** 200 when MFA is off; 202 when an SMS code was sent for the confirming call. */
  @Post('mfa/disable')
  async disable(@CurrentUser() user: AuthenticatedUser, @Body() body: MfaDisableRequestDto, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const outcome = await this.mfa.disable(user, body, originOf(request));
    await reply.status(outcome.status).send(outcome.body);
  }

  /** Public: the mfaToken from the MFA_REQUIRED answer is the credential. */
  @Public()
  @RateLimit({ rule: 'loginIp', by: 'ip' })
  @Post('verify-mfa')
  @HttpCode(200)
  verifyLogin(@Body() body: VerifyMfaRequestDto, @Req() request: FastifyRequest): Promise<LoginResponse> {
    return this.mfa.verifyMfaLogin(body, originOf(request));
  }
}
