import { AuditWriter } from '@app/audit';
import { ApiError, type RequestOrigin } from '@app/common';
import { AppConfig } from '@app/config';
import type { LoginResponse, MessageResponse, MfaDisableRequestDto, MfaEnableRequestDto, MfaEnrollment, MfaVerified, MfaVerifyRequestDto, VerifyMfaRequestDto } from '@app/contracts';
import { EventBus } from '@app/events';
import { type AuthenticatedUser, lockedOut, RateLimiter, rateLimitExceeded, requireOwnSignIn, SecretBox } from '@app/security';
import { Inject, Injectable } from '@nestjs/common';
import { randomBytes, randomInt } from 'node:crypto';
import { DataSource, type Repository } from 'typeorm';
import { type SignInMethod, SignInService } from '../sign-in.service';
import { type MfaMethod, UserEntity } from '../user.entity';
import { UsersService } from '../users.service';
import { newBackupCodes, normalizeBackupCode } from './backup-codes';
import { type ChallengePurpose, type MfaChallenge, MfaChallengeStore } from './mfa-challenge.store';
import { SmsSender } from './sms.sender';
import { newTotpSecret, otpauthUri, qrCodeDataUrl, totpStep } from './totp';

export const MFA_TOKEN_PREFIX = 'mcp_mfa_';
const MFA_TOKEN_TTL_SECONDS = 300;
const SMS_CODE_TTL_SECONDS = 300;
const SMS_CODE_TRIES = 3;

/** What the user typed: a 6-digit code (TOTP or SMS, by the user's method) or a backup code. */
type Factor = { readonly kind: MfaMethod; readonly code: string } | { readonly kind: 'backup'; readonly code: string };

type Check = { readonly ok: true; readonly method: SignInMethod } | { readonly ok: false; readonly reason: string };

export interface DisableOutcome {
  readonly status: 200 | 202;
  readonly body: MessageResponse;
}

/** `+14155550100` -> `+1******0100`: enough to recognise, not enough to reuse. */
export function maskPhone(phone: string): string {
  if (phone.length <= 8) return `${phone.slice(0, 2)}****`;
  return `${phone.slice(0, 2)}${'*'.repeat(phone.length - 6)}${phone.slice(-4)}`;
}

// What is hashed: bound to the user or the challenge, so a hash is worth nothing elsewhere.
const backupCodeInput = (userId: string, code: string): string => `mfa-backup:${userId}:${normalizeBackupCode(code)}`;
const smsCodeInput = (challengeId: string, code: string): string => `mfa-sms:${challengeId}:${code}`;

const invalidCode = (): ApiError => ApiError.validation('Invalid or already used code', [{ field: 'code', message: 'the code is not valid', code: 'INVALID_CODE' }]);
const invalidLoginCode = (): ApiError => new ApiError(401, 'INVALID_CREDENTIALS', 'Invalid or already used MFA code');
const invalidMfaToken = (): ApiError => ApiError.unauthorized('Invalid or already used MFA token');

/**
 * Multi-factor authentication: TOTP (RFC 6238) or SMS codes, and single-use backup codes.
 *
 * Replay: an accepted TOTP step is stored, and only later steps pass (one conditional UPDATE, so two
 * instances cannot both accept the same code). Backup codes and SMS codes are spent the same way.
 * Brute force: 5 failed codes per user per 15 minutes (RATE_LIMIT_MFA), then every code is refused
 * until the window ends, in the shared rate-limit store (Redis when configured).
 */
@Injectable()
export class MfaService {
  private readonly users: Repository<UserEntity>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly usersService: UsersService,
    private readonly challenges: MfaChallengeStore,
    private readonly secrets: SecretBox,
    private readonly limiter: RateLimiter,
    private readonly audit: AuditWriter,
    private readonly config: AppConfig,
    private readonly signIn: SignInService,
    private readonly events: EventBus,
    @Inject(SmsSender) private readonly sms: SmsSender | null,
  ) {
    this.users = dataSource.getRepository(UserEntity);
  }

  // ------------------------------------------------------------------ enrolment

  async enable(caller: AuthenticatedUser, input: MfaEnableRequestDto, origin: RequestOrigin): Promise<MfaEnrollment> {
    const user = await this.loadCaller(caller);
    if (user.mfaEnabled) throw ApiError.conflict('MFA is already enabled; disable it first');
    const phone = input.type === 'sms' ? this.requireSmsTarget(input.phoneNumber) : null;
    const backupCodes = newBackupCodes();
    const secret = input.type === 'totp' ? newTotpSecret() : null;
    // A new enrolment replaces a pending one; the condition keeps it from undoing a confirmed one.
    const updated = await this.users.update(
      { id: user.id, mfaEnabled: false },
      {
        mfaMethod: input.type,
        mfaSecret: secret ? this.secrets.encrypt(secret) : null,
        mfaPhone: phone,
        mfaBackupCodes: backupCodes.map((code) => this.backupHash(user.id, code)),
        mfaLastStep: null,
      },
    );
    if (updated.affected !== 1) throw ApiError.conflict('MFA is already enabled; disable it first');
    await this.challenges.discard(user.id, ['sms-enroll']);
    await this.audit.record({ action: 'auth.mfa_enroll', result: 'success', userId: user.id, sessionId: caller.sessionId, resource: `user:${user.id}`, details: { type: input.type }, origin });
    if (secret) {
      const uri = otpauthUri(secret, user.email);
      return { type: 'totp', secret, otpauthUrl: uri, qrCode: await qrCodeDataUrl(uri), backupCodes };
    }
    await this.sendCode(user.id, phone as string, 'sms-enroll');
    return { type: 'sms', phoneNumber: maskPhone(phone as string), expiresIn: SMS_CODE_TTL_SECONDS, backupCodes };
  }

  async confirm(caller: AuthenticatedUser, input: MfaVerifyRequestDto, origin: RequestOrigin): Promise<MfaVerified> {
    const user = await this.loadCaller(caller);
    if (user.mfaEnabled) throw ApiError.conflict('MFA is already enabled');
    if (!user.mfaMethod) throw ApiError.conflict('No MFA enrolment is pending; start one with POST /auth/mfa/enable');
    if (input.type !== user.mfaMethod) {
      throw ApiError.validation(`The pending enrolment is for ${user.mfaMethod}`, [{ field: 'type', message: `must be ${user.mfaMethod}`, code: 'MISMATCH' }]);
    }
    await this.assertNotLocked(user, origin);
    const check = await this.check(user, { kind: user.mfaMethod, code: input.code }, 'sms-enroll');
    if (!check.ok) {
      await this.recordFailure(user, 'auth.mfa_verify', check.reason, origin);
      throw invalidCode();
    }
    const enabled = await this.users.update({ id: user.id, mfaEnabled: false, mfaMethod: user.mfaMethod }, { mfaEnabled: true });
    if (enabled.affected !== 1) throw ApiError.conflict('The enrolment changed meanwhile; start again');
    await this.succeeded(user.id, ['mfaEnabled']);
    await this.audit.record({ action: 'auth.mfa_verify', result: 'success', userId: user.id, sessionId: caller.sessionId, resource: `user:${user.id}`, details: { type: user.mfaMethod }, origin });
    await this.events.publishDurable('user.security', { userId: user.id, change: 'mfa.enabled', actorId: user.id });
    return { verified: true, timestamp: new Date().toISOString() };
  }

  async disable(caller: AuthenticatedUser, input: MfaDisableRequestDto, origin: RequestOrigin): Promise<DisableOutcome> {
    const user = await this.loadCaller(caller);
    if (!user.mfaEnabled) throw ApiError.conflict('MFA is not enabled');
    if (input.code === undefined) {
      if (user.mfaMethod !== 'sms' || !user.mfaPhone) {
        throw ApiError.validation('A code is required to turn MFA off', [{ field: 'code', message: 'send a current code or a backup code', code: 'REQUIRED' }]);
      }
      this.requireSms();
      await this.sendCode(user.id, user.mfaPhone, 'sms-disable');
      return { status: 202, body: { message: `A code was sent to ${maskPhone(user.mfaPhone)}; send it as code to turn MFA off`, timestamp: new Date().toISOString() } };
    }
    await this.assertNotLocked(user, origin);
    const check = await this.check(user, this.factorOf(user, input.code), 'sms-disable');
    if (!check.ok) {
      await this.recordFailure(user, 'auth.mfa_disable', check.reason, origin);
      throw invalidCode();
    }
    await this.users.update(
      { id: user.id },
      { mfaEnabled: false, mfaMethod: null, mfaSecret: null, mfaPhone: null, mfaBackupCodes: [], mfaLastStep: null },
    );
    await this.challenges.discard(user.id, ['login', 'sms-enroll', 'sms-disable']);
    await this.succeeded(user.id, ['mfaEnabled']);
    await this.audit.record({ action: 'auth.mfa_disable', result: 'success', severity: 'warning', userId: user.id, sessionId: caller.sessionId, resource: `user:${user.id}`, details: { with: check.method }, origin });
    await this.events.publishDurable('user.security', { userId: user.id, change: 'mfa.disabled', actorId: user.id });
    return { status: 200, body: { message: 'MFA disabled', timestamp: new Date().toISOString() } };
  }

  // ------------------------------------------------------------------ login

  /** The MFA_REQUIRED answer for a user whose password was right: an mfaToken, and an SMS code when that is the method. */
  async challenge(user: UserEntity, origin: RequestOrigin): Promise<ApiError> {
    const token = `${MFA_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    const method = user.mfaMethod ?? 'totp';
    const smsReady = method === 'sms' && this.sms !== null && user.mfaPhone !== null;
    const code = smsReady ? this.newSmsCode() : undefined;
    if (smsReady) await this.assertSmsBudget(user.id);
    const challenge = await this.challenges.create({
      userId: user.id,
      purpose: 'login',
      ttlMs: MFA_TOKEN_TTL_SECONDS * 1000,
      tokenHash: this.secrets.mac(token),
      codeHash: code ? (id) => this.codeHash(id, code) : undefined,
    });
    if (code) await this.deliver(challenge, user.mfaPhone as string, code);
    await this.audit.record({ action: 'auth.mfa_challenge', result: 'success', userId: user.id, details: { email: user.email, method }, origin });
    const how =
      method === 'totp'
        ? 'send mfaCode (or backupCode) with the login, or POST /auth/verify-mfa with the mfaToken'
        : smsReady
          ? `a code was sent by SMS to ${maskPhone(user.mfaPhone as string)}; send it as mfaCode, or POST /auth/verify-mfa with the mfaToken`
          : 'SMS is not available now; use a backup code';
    return new ApiError(401, 'MFA_REQUIRED', `Multi-factor authentication required: ${how}`, { extra: { mfaToken: token, mfaType: method, expiresIn: MFA_TOKEN_TTL_SECONDS } });
  }

  /** Login with `mfaCode` or `backupCode` next to the password. Throws unless the factor is valid. */
  async verifyLoginFactor(user: UserEntity, input: { mfaCode?: string; backupCode?: string }, origin: RequestOrigin): Promise<SignInMethod> {
    const factor = this.loginFactor(user, input.mfaCode, input.backupCode, 'mfaCode');
    await this.assertNotLocked(user, origin);
    const check = await this.check(user, factor, 'login');
    if (!check.ok) {
      await this.recordFailure(user, 'auth.mfa_login', check.reason, origin);
      throw invalidLoginCode();
    }
    await this.succeeded(user.id, factor.kind === 'backup' ? ['mfaBackupCodes'] : []);
    return check.method;
  }

  /** `POST /auth/verify-mfa`: the second step with the mfaToken of an MFA_REQUIRED answer. */
  async verifyMfaLogin(input: VerifyMfaRequestDto, origin: RequestOrigin): Promise<LoginResponse> {
    const provenAt = new Date();
    const challenge = input.mfaToken.startsWith(MFA_TOKEN_PREFIX) && input.mfaToken.length <= 128 ? await this.challenges.findByToken(this.secrets.macs(input.mfaToken)) : null;
    if (!challenge || challenge.consumedAt) throw invalidMfaToken();
    if (challenge.expiresAt.getTime() <= Date.now()) throw ApiError.unauthorized('The MFA token has expired; log in again', 'TOKEN_EXPIRED');
    const user = await this.usersService.findById(challenge.userId);
    if (!user || user.status !== 'active' || !user.mfaEnabled) {
      await this.audit.record({ action: 'auth.mfa_login', result: 'denied', userId: challenge.userId, details: { reason: user ? `account ${user.status}` : 'user gone' }, origin });
      throw invalidMfaToken();
    }
    const factor = this.loginFactor(user, input.code, input.backupCode, 'code');
    await this.assertNotLocked(user, origin);
    const check = await this.check(user, factor, 'login', challenge);
    if (!check.ok) {
      await this.recordFailure(user, 'auth.mfa_login', check.reason, origin);
      throw invalidLoginCode();
    }
    // The token is single use: of two requests racing with it, one wins. (An SMS code was already
    // claimed together with its challenge, which is this token.)
    if (factor.kind !== 'sms' && !(await this.challenges.consume(challenge.id))) throw invalidMfaToken();
    await this.succeeded(user.id, factor.kind === 'backup' ? ['mfaBackupCodes'] : []);
    return this.signIn.complete(user, check.method, origin, provenAt);
  }

  // ------------------------------------------------------------------ checking codes

  /**
   * Checks a factor and spends it: a TOTP step, a backup code, or an SMS challenge (the given one,
   * or the newest of `smsPurpose`). Every spend is a conditional write, so a code passes once.
   */
  private async check(user: UserEntity, factor: Factor, smsPurpose: ChallengePurpose, loginChallenge?: MfaChallenge): Promise<Check> {
    switch (factor.kind) {
      case 'totp': {
        if (!user.mfaSecret) return { ok: false, reason: 'no TOTP secret' };
        const secret = this.secrets.decrypt(user.mfaSecret);
        const step = await totpStep(secret, factor.code);
        if (step === null) return { ok: false, reason: 'wrong TOTP code' };
        return (await this.spendTotpStep(user.id, step, user.mfaSecret, secret)) ? { ok: true, method: 'password+totp' } : { ok: false, reason: 'TOTP code already used' };
      }
      case 'sms': {
        const challenge = loginChallenge ?? (await this.challenges.latestWithCode(user.id, smsPurpose));
        if (!challenge?.codeHash) return { ok: false, reason: 'no SMS code pending' };
        const tried = await this.challenges.spendAttempt(challenge.id, SMS_CODE_TRIES);
        if (!tried?.codeHash) return { ok: false, reason: 'SMS code expired, used or out of tries' };
        if (!this.secrets.macMatches(smsCodeInput(challenge.id, factor.code), tried.codeHash)) return { ok: false, reason: `wrong SMS code (try ${tried.attempts} of ${SMS_CODE_TRIES})` };
        return (await this.challenges.consume(challenge.id)) ? { ok: true, method: 'password+sms' } : { ok: false, reason: 'SMS code already used' };
      }
      case 'backup': {
        // A code hashed under a key SECRETS_KEY replaced still counts: one of its hashes is removed.
        const spent = await this.claimRows(
          `UPDATE users SET mfa_backup_codes = ARRAY(SELECT code FROM unnest(mfa_backup_codes) AS code WHERE code <> ALL($2::text[]))
            WHERE id = $1 AND mfa_enabled AND mfa_backup_codes && $2::text[] RETURNING id`,
          [user.id, this.secrets.macs(backupCodeInput(user.id, factor.code))],
        );
        return spent ? { ok: true, method: 'password+backup-code' } : { ok: false, reason: 'unknown or already used backup code' };
      }
    }
  }

  private loginFactor(user: UserEntity, code: string | undefined, backupCode: string | undefined, codeField: string): Factor {
    if ((code === undefined) === (backupCode === undefined)) {
      throw ApiError.validation(`Send exactly one of ${codeField} and backupCode`, [{ field: codeField, message: `send ${codeField} or backupCode, not both`, code: 'ONE_OF' }]);
    }
    return backupCode !== undefined ? { kind: 'backup', code: backupCode } : { kind: user.mfaMethod ?? 'totp', code: code as string };
  }

  private factorOf(user: UserEntity, code: string): Factor {
    return /^[0-9]{6}$/.test(code) ? { kind: user.mfaMethod ?? 'totp', code } : { kind: 'backup', code };
  }

  /** Runs a conditional `UPDATE ... RETURNING`; true when it changed a row. */
  /**
   * Spends a TOTP step once, for the secret the code was checked against (not one enrolled since).
   * A secret sealed again meanwhile under a new key (a rotation's sweep) is still that secret: the
   * write is tried once more against its new sealed form.
   */
  private async spendTotpStep(userId: string, step: number, sealed: string, secret: string): Promise<boolean> {
    const spend = (current: string): Promise<boolean> =>
      this.claimRows(`UPDATE users SET mfa_last_step = $2 WHERE id = $1 AND mfa_secret = $3 AND (mfa_last_step IS NULL OR mfa_last_step < $2) RETURNING id`, [userId, step, current]);
    if (await spend(sealed)) return true;
    const now = (await this.users.findOne({ select: { id: true, mfaSecret: true }, where: { id: userId } }))?.mfaSecret;
    if (!now || now === sealed || !this.sameSecret(now, secret)) return false;
    return spend(now);
  }

  private sameSecret(sealed: string, secret: string): boolean {
    try {
      return this.secrets.decrypt(sealed) === secret;
    } catch {
      return false;
    }
  }

  private async claimRows(sql: string, parameters: unknown[]): Promise<boolean> {
    const rows = (await this.dataSource.query(`WITH changed AS (${sql}) SELECT * FROM changed`, parameters)) as unknown[];
    return rows.length > 0;
  }

  private backupHash(userId: string, code: string): string {
    return this.secrets.mac(backupCodeInput(userId, code));
  }

  private codeHash(challengeId: string, code: string): string {
    return this.secrets.mac(smsCodeInput(challengeId, code));
  }

  // ------------------------------------------------------------------ attempts

  private mfaFailKey(userId: string): string {
    return `mfa-fail:${userId}`;
  }

  private mfaLockKey(userId: string): string {
    return `mfa:${userId}`;
  }

  private async assertNotLocked(user: UserEntity, origin: RequestOrigin): Promise<void> {
    const lockedMs = await this.store(() => this.limiter.store.lockedFor(this.mfaLockKey(user.id)));
    if (lockedMs <= 0) return;
    const retryAfter = Math.max(1, Math.ceil(lockedMs / 1000));
    await this.audit.record({ action: 'auth.mfa', result: 'denied', severity: 'warning', userId: user.id, details: { reason: 'too many failed codes', retryAfter }, origin });
    throw lockedOut(this.config.rateLimits.mfa.limit, lockedMs, 'Too many failed MFA codes');
  }

  /** Counts a failed code; at the limit, codes are refused for the rest of the window. */
  private async recordFailure(user: UserEntity, action: string, reason: string, origin: RequestOrigin): Promise<void> {
    const rule = this.config.rateLimits.mfa;
    const { count, resetAt } = await this.store(() => this.limiter.store.hit(this.mfaFailKey(user.id), rule));
    const locked = count >= rule.limit;
    if (locked) await this.store(() => this.limiter.store.lock(this.mfaLockKey(user.id), Math.max(1000, resetAt - Date.now())));
    await this.audit.record({ action, result: 'failure', severity: locked ? 'critical' : 'warning', userId: user.id, details: { email: user.email, reason, failures: count, locked }, origin });
  }

  private async succeeded(userId: string, changed: string[]): Promise<void> {
    await this.store(() => this.limiter.store.reset(this.mfaFailKey(userId)));
    // The profile shows MFA state and the backup codes left: drop cached copies everywhere.
    this.usersService.changed(userId, changed.length > 0 ? changed : ['mfa']);
  }

  private async store<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw ApiError.unavailable('MFA is temporarily unavailable', error);
    }
  }

  // ------------------------------------------------------------------ SMS

  private requireSms(): SmsSender {
    if (!this.sms) throw ApiError.validation('SMS is not available on this server: no SMS sender is configured (SMS_WEBHOOK_URL). Use type "totp".', [{ field: 'type', message: 'no SMS sender is configured', code: 'SMS_UNAVAILABLE' }]);
    return this.sms;
  }

  private requireSmsTarget(phoneNumber: string | undefined): string {
    this.requireSms();
    if (phoneNumber === undefined) throw ApiError.validation('phoneNumber is required for type "sms"', [{ field: 'phoneNumber', message: 'required for type sms', code: 'REQUIRED' }]);
    return phoneNumber;
  }

  private newSmsCode(): string {
    return String(randomInt(0, 1_000_000)).padStart(6, '0');
  }

  // Each send costs money and reaches a phone: the same per-user budget as failed codes.
  private async assertSmsBudget(userId: string): Promise<void> {
    const state = await this.limiter.consume(`sms-send:${userId}`, this.config.rateLimits.mfa);
    if (!state.allowed) throw rateLimitExceeded(state, 'Too many SMS codes requested');
  }

  private async sendCode(userId: string, phone: string, purpose: ChallengePurpose): Promise<void> {
    await this.assertSmsBudget(userId);
    await this.challenges.discard(userId, [purpose]);
    const code = this.newSmsCode();
    const challenge = await this.challenges.create({ userId, purpose, ttlMs: SMS_CODE_TTL_SECONDS * 1000, codeHash: (id) => this.codeHash(id, code) });
    await this.deliver(challenge, phone, code);
  }

  private async deliver(challenge: MfaChallenge, phone: string, code: string): Promise<void> {
    try {
      await this.requireSms().send(phone, `Your Secure MCP verification code is ${code}. It expires in ${SMS_CODE_TTL_SECONDS / 60} minutes.`);
    } catch (error) {
      await this.challenges.consume(challenge.id);
      if (error instanceof ApiError) throw error;
      throw new ApiError(502, 'BAD_GATEWAY', 'The SMS could not be sent; try again later', { cause: error });
    }
  }

  // ------------------------------------------------------------------ callers

  private async loadCaller(caller: AuthenticatedUser): Promise<UserEntity> {
    requireOwnSignIn(caller, 'MFA is managed');
    const user = await this.usersService.findById(caller.id);
    if (!user || user.status !== 'active') throw ApiError.unauthorized('User no longer exists or is not active', 'TOKEN_REVOKED');
    return user;
  }
}
