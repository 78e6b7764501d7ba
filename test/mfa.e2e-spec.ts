import { AuditLogEntity } from '@app/audit';
import { UsersService } from '@app/auth';
import type { CreatedApiKey, LoginResponse, MessageResponse, MfaEnrollment, MfaVerified, User } from '@app/contracts';
import { SecretBox } from '@app/security';
import { SessionEntity } from '@app/sessions';
import { Authenticator, type LoggedInUser, login, registerAndLogin, useTestApp } from '@app/testing';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { toDataURL } from 'qrcode';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

type Envelope = { error: string; message: string; mfaToken?: string; mfaType?: string; expiresIn?: number; details?: Array<{ field: string; code: string }> };

// ---------------------------------------------------------------- a real SMS webhook receiver

interface ReceivedSms {
  readonly to: string;
  readonly message: string;
  readonly signature: string | undefined;
  readonly body: string;
}

const SMS_SECRET = 'sms-webhook-test-secret';
const received: ReceivedSms[] = [];
let failNextSms = false;
const smsReceiver = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    if (failNextSms) {
      failNextSms = false;
      response.writeHead(500).end('gateway down');
      return;
    }
    const body = Buffer.concat(chunks).toString('utf8');
    const parsed = JSON.parse(body) as { to: string; message: string };
    const signature = request.headers['x-webhook-signature'];
    received.push({ to: parsed.to, message: parsed.message, signature: typeof signature === 'string' ? signature : undefined, body });
    response.writeHead(204).end();
  });
});
// The app's environment is read when its beforeAll runs; this hook runs first and fills in the URL.
const smsEnv: Record<string, string> = { SMS_WEBHOOK_SECRET: SMS_SECRET };
beforeAll(async () => {
  await new Promise<void>((resolve) => smsReceiver.listen(0, '127.0.0.1', resolve));
  smsEnv.SMS_WEBHOOK_URL = `http://127.0.0.1:${(smsReceiver.address() as AddressInfo).port}/sms`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => smsReceiver.close(() => resolve()));
});

let phoneSequence = 0;
function newPhone(): string {
  phoneSequence++;
  return `+1415555${String(Date.now() % 1000).padStart(3, '0')}${phoneSequence % 10}`;
}

function lastSmsCode(to: string): string {
  const message = received.filter((sms) => sms.to === to).at(-1)?.message ?? '';
  const match = /\b(\d{6})\b/.exec(message);
  if (!match) throw new Error(`no SMS code was sent to ${to}`);
  return match[1];
}

function smsCount(to: string): number {
  return received.filter((sms) => sms.to === to).length;
}

// ---------------------------------------------------------------- tests

describe('MFA: TOTP, backup codes, SMS', () => {
  const t = useTestApp(smsEnv);
  const db = () => t.app.get(DataSource);
  const audits = (action: string, userId: string) => db().getRepository(AuditLogEntity).find({ where: { action, userId }, order: { timestamp: 'ASC' } });

  async function enrolTotp(user: LoggedInUser): Promise<{ authenticator: Authenticator; backupCodes: string[] }> {
    const enabled = await t.client.call<MfaEnrollment>('enableMfa', { headers: user.auth, body: { type: 'totp' } });
    expect(enabled.status).toBe(201);
    const authenticator = new Authenticator(enabled.body.secret as string);
    const verified = await t.client.call<MfaVerified>('verifyMfaSetup', { headers: user.auth, body: { code: await authenticator.freshCode(), type: 'totp' } });
    expect(verified.status).toBe(200);
    return { authenticator, backupCodes: enabled.body.backupCodes };
  }

  async function mfaRequired(user: LoggedInUser): Promise<Envelope> {
    const response = await t.client.call<Envelope>('loginUser', { body: { email: user.input.email, password: user.input.password } });
    expect(response.status).toBe(401);
    expect(response.body.error).toBe('MFA_REQUIRED');
    return response.body;
  }

  describe('TOTP enrolment', () => {
    it('answers a base32 secret, a PNG QR code of the otpauth URI (issuer "Secure MCP", label the email) and 10 backup codes', async () => {
      const user = await registerAndLogin(t.client);
      const response = await t.client.call<MfaEnrollment>('enableMfa', { headers: user.auth, body: { type: 'totp' } });
      expect(response.status).toBe(201);
      const { secret, otpauthUrl, qrCode, backupCodes } = response.body;
      expect(secret).toMatch(/^[A-Z2-7]{32}$/);
      const uri = new URL(otpauthUrl as string);
      expect(uri.protocol).toBe('otpauth:');
      expect(uri.host).toBe('totp');
      expect(decodeURIComponent(uri.pathname)).toBe(`/Secure MCP:${user.input.email}`);
      expect(uri.searchParams.get('secret')).toBe(secret);
      expect(uri.searchParams.get('issuer')).toBe('Secure MCP');
      // The image is exactly the QR code of that URI, as a PNG.
      expect(qrCode).toBe(await toDataURL(otpauthUrl as string));
      expect(Buffer.from((qrCode as string).split(',')[1], 'base64').subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
      expect(backupCodes).toHaveLength(10);
      expect(new Set(backupCodes).size).toBe(10);
      for (const code of backupCodes) expect(code).toMatch(/^[A-Z2-9]{5}-[A-Z2-9]{5}$/);
    });

    it('stores the secret sealed (AES-256-GCM) and the backup codes only as keyed hashes', async () => {
      const user = await registerAndLogin(t.client);
      const { body } = await t.client.call<MfaEnrollment>('enableMfa', { headers: user.auth, body: { type: 'totp' } });
      const [row] = (await db().query('SELECT mfa_secret, mfa_backup_codes FROM users WHERE id = $1', [user.userId])) as Array<{ mfa_secret: string; mfa_backup_codes: string[] }>;
      expect(row.mfa_secret).toMatch(/^v2\./);
      expect(row.mfa_secret).not.toContain(body.secret as string);
      expect(row.mfa_backup_codes).toHaveLength(10);
      const stored = JSON.stringify(row);
      for (const code of body.backupCodes) {
        expect(stored).not.toContain(code);
        expect(stored).not.toContain(code.replace('-', ''));
      }
    });

    it('stays pending until a valid code confirms it; then mfaEnabled is true and /users/me counts the backup codes', async () => {
      const user = await registerAndLogin(t.client);
      const { body } = await t.client.call<MfaEnrollment>('enableMfa', { headers: user.auth, body: { type: 'totp' } });
      const authenticator = new Authenticator(body.secret as string);
      const pending = await t.client.call<User>('getCurrentUser', { headers: user.auth });
      expect(pending.body.mfaEnabled).toBe(false);
      expect(pending.body.backupCodesRemaining).toBeUndefined();
      // Pending enrolment changes nothing for login, and its backup codes do not work yet.
      expect((await login(t.client, user.input)).accessToken).toBeTruthy();

      const wrong = await t.client.call<Envelope>('verifyMfaSetup', { headers: user.auth, body: { code: await authenticator.wrongCode(), type: 'totp' } });
      expect(wrong.status).toBe(400);
      expect(wrong.body.details?.[0]).toMatchObject({ field: 'code', code: 'INVALID_CODE' });
      const wrongType = await t.client.call<Envelope>('verifyMfaSetup', { headers: user.auth, body: { code: '123456', type: 'sms' } });
      expect(wrongType.status).toBe(400);
      expect(wrongType.body.details?.[0].field).toBe('type');

      const verified = await t.client.call<MfaVerified>('verifyMfaSetup', { headers: user.auth, body: { code: await authenticator.freshCode(), type: 'totp' } });
      expect(verified.status).toBe(200);
      expect(verified.body.verified).toBe(true);
      expect(Math.abs(Date.parse(verified.body.timestamp) - Date.now())).toBeLessThan(10_000);
      const me = await t.client.call<User>('getCurrentUser', { headers: user.auth });
      expect(me.body).toMatchObject({ mfaEnabled: true, backupCodesRemaining: 10 });

      const again = await t.client.call<Envelope>('enableMfa', { headers: user.auth, body: { type: 'totp' } });
      expect(again.status).toBe(409);
      const verifyAgain = await t.client.call<Envelope>('verifyMfaSetup', { headers: user.auth, body: { code: await authenticator.freshCode(), type: 'totp' } });
      expect(verifyAgain.status).toBe(409);
      expect((await audits('auth.mfa_verify', user.userId)).map((row) => row.result)).toEqual(['failure', 'success']);
    });

    it('refuses an API key: MFA is managed with a login session', async () => {
      const user = await registerAndLogin(t.client);
      const key = await t.client.call<CreatedApiKey>('createApiKey', { headers: user.auth, body: { name: 'ci', scopes: ['read:tools'] } });
      const response = await t.client.call<Envelope>('enableMfa', { headers: { authorization: `ApiKey ${key.body.key}` }, body: { type: 'totp' } });
      expect(response.status).toBe(403);
    });
  });

  describe('login with MFA', () => {
    it('answers 401 MFA_REQUIRED with a single-use mfaToken and starts no session until the second factor', async () => {
      const user = await registerAndLogin(t.client);
      await enrolTotp(user);
      const sessionsBefore = await db().getRepository(SessionEntity).countBy({ userId: user.userId });
      const challenge = await mfaRequired(user);
      expect(challenge.mfaToken).toMatch(/^mcp_mfa_/);
      expect(challenge).toMatchObject({ mfaType: 'totp', expiresIn: 300 });
      expect(await db().getRepository(SessionEntity).countBy({ userId: user.userId })).toBe(sessionsBefore);
      expect(await audits('auth.mfa_challenge', user.userId)).toHaveLength(1);
      // A wrong password never reaches the MFA step.
      const wrongPassword = await t.client.call<Envelope>('loginUser', { body: { email: user.input.email, password: 'Wrong-Passw0rd!' } });
      expect(wrongPassword.status).toBe(401);
      expect(wrongPassword.body.error).toBe('INVALID_CREDENTIALS');
      expect(wrongPassword.body.mfaToken).toBeUndefined();
    });

    it('logs in with mfaCode next to the password, and refuses the same code again (replay) for the rest of its window', async () => {
      const user = await registerAndLogin(t.client);
      const { authenticator } = await enrolTotp(user);
      const code = await authenticator.freshCode();
      const first = await t.client.call<LoginResponse>('loginUser', { body: { email: user.input.email, password: user.input.password, mfaCode: code } });
      expect(first.status).toBe(200);
      expect(first.body.user.mfaEnabled).toBe(true);
      const replay = await t.client.call<Envelope>('loginUser', { body: { email: user.input.email, password: user.input.password, mfaCode: code } });
      expect(replay.status).toBe(401);
      expect(replay.body.error).toBe('INVALID_CREDENTIALS');
      // Nor through the second-step endpoint.
      const challenge = await mfaRequired(user);
      const viaToken = await t.client.call<Envelope>('verifyMfaLogin', { body: { mfaToken: challenge.mfaToken, code } });
      expect(viaToken.status).toBe(401);
      const logins = await db().getRepository(AuditLogEntity).findBy({ action: 'auth.login', result: 'success', userId: user.userId });
      expect(logins.map((row) => row.details.method)).toContain('password+totp');
      const failures = await audits('auth.mfa_login', user.userId);
      expect(failures.map((row) => row.details.reason)).toEqual(['TOTP code already used', 'TOTP code already used']);
    });

    it('accepts a code once even when two logins race with it', async () => {
      const user = await registerAndLogin(t.client);
      const { authenticator } = await enrolTotp(user);
      const code = await authenticator.freshCode();
      const results = await Promise.all([1, 2].map(() => t.client.call('loginUser', { body: { email: user.input.email, password: user.input.password, mfaCode: code } })));
      expect(results.map((result) => result.status).sort()).toEqual([200, 401]);
    });

    it('a code checked while a key rotation seals the secret again still passes, and only once', async () => {
      const user = await registerAndLogin(t.client);
      const { authenticator } = await enrolTotp(user);
      const challenge = await mfaRequired(user);
      const users = t.app.get(UsersService);
      const box = t.app.get(SecretBox);
      const findById = users.findById.bind(users);
      // The sweep seals the same secret again between the read of the user and the spending of the code.
      users.findById = async (id: string) => {
        const found = await findById(id);
        if (found?.id === user.userId && found.mfaSecret) await db().query('UPDATE users SET mfa_secret = $2 WHERE id = $1', [id, box.encrypt(box.decrypt(found.mfaSecret))]);
        return found;
      };
      const code = await authenticator.freshCode();
      try {
        const response = await t.client.call<LoginResponse>('verifyMfaLogin', { body: { mfaToken: challenge.mfaToken, code } });
        expect(response.status).toBe(200);
        const replayed = await t.client.call<Envelope>('verifyMfaLogin', { body: { mfaToken: (await mfaRequired(user)).mfaToken, code } });
        expect(replayed.status).toBe(401);
      } finally {
        users.findById = findById;
      }
      const failures = await audits('auth.mfa_login', user.userId);
      expect(failures.map((row) => row.details.reason)).toEqual(['TOTP code already used']);
    });

    it('POST /auth/verify-mfa with the mfaToken and a code answers the login; the token works once', async () => {
      const user = await registerAndLogin(t.client);
      const { authenticator } = await enrolTotp(user);
      const challenge = await mfaRequired(user);
      const response = await t.client.call<LoginResponse>('verifyMfaLogin', { body: { mfaToken: challenge.mfaToken, code: await authenticator.freshCode() } });
      expect(response.status).toBe(200);
      expect(response.body.user.id).toBe(user.userId);
      expect((await t.client.call('getCurrentUser', { headers: { authorization: `Bearer ${response.body.accessToken}` } })).status).toBe(200);
      const reused = await t.client.call<Envelope>('verifyMfaLogin', { body: { mfaToken: challenge.mfaToken, backupCode: 'AAAAA-AAAAA' } });
      expect(reused.status).toBe(401);
    });

    it('backup codes: each works once (hyphen and case do not matter), a reused one is refused, /users/me counts down', async () => {
      const user = await registerAndLogin(t.client);
      const { backupCodes } = await enrolTotp(user);
      const first = await t.client.call<LoginResponse>('verifyMfaLogin', { body: { mfaToken: (await mfaRequired(user)).mfaToken, backupCode: backupCodes[0] } });
      expect(first.status).toBe(200);
      const reused = await t.client.call<Envelope>('verifyMfaLogin', { body: { mfaToken: (await mfaRequired(user)).mfaToken, backupCode: backupCodes[0] } });
      expect(reused.status).toBe(401);
      expect(reused.body.error).toBe('INVALID_CREDENTIALS');
      const reusedInLogin = await t.client.call<Envelope>('loginUser', { body: { email: user.input.email, password: user.input.password, backupCode: backupCodes[0] } });
      expect(reusedInLogin.status).toBe(401);
      const relaxed = backupCodes[1].replace('-', '').toLowerCase();
      const second = await t.client.call<LoginResponse>('loginUser', { body: { email: user.input.email, password: user.input.password, backupCode: relaxed } });
      expect(second.status).toBe(200);
      const me = await t.client.call<User>('getCurrentUser', { headers: { authorization: `Bearer ${second.body.accessToken}` } });
      expect(me.body.backupCodesRemaining).toBe(8);
      const logins = await db().getRepository(AuditLogEntity).findBy({ action: 'auth.login', result: 'success', userId: user.userId });
      expect(logins.filter((row) => row.details.method === 'password+backup-code')).toHaveLength(2);
    });

    it('refuses an unknown, expired or malformed mfaToken, and a second step with both or neither factor', async () => {
      const user = await registerAndLogin(t.client);
      const { authenticator } = await enrolTotp(user);
      const unknown = await t.client.call<Envelope>('verifyMfaLogin', { body: { mfaToken: 'mcp_mfa_unknown', code: '123456' } });
      expect(unknown.status).toBe(401);
      const challenge = await mfaRequired(user);
      const both = await t.client.call<Envelope>('verifyMfaLogin', { body: { mfaToken: challenge.mfaToken, code: '123456', backupCode: 'AAAAA-AAAAA' } });
      expect(both.status).toBe(400);
      const neither = await t.client.call<Envelope>('verifyMfaLogin', { body: { mfaToken: challenge.mfaToken } });
      expect(neither.status).toBe(400);
      await db().query(`UPDATE mfa_challenges SET expires_at = now() - interval '1 second' WHERE user_id = $1`, [user.userId]);
      const expired = await t.client.call<Envelope>('verifyMfaLogin', { body: { mfaToken: challenge.mfaToken, code: await authenticator.freshCode() } });
      expect(expired.status).toBe(401);
      expect(expired.body.error).toBe('TOKEN_EXPIRED');
      const malformed = await t.client.call<Envelope>('verifyMfaLogin', { body: { mfaToken: challenge.mfaToken, code: '12ab56' } });
      expect(malformed.status).toBe(400);
    });

    it('limits attempts: after 5 failed codes in 15 minutes even the right code is refused (429), audited', async () => {
      const user = await registerAndLogin(t.client);
      const { authenticator } = await enrolTotp(user);
      const other = await registerAndLogin(t.client);
      const { authenticator: otherAuthenticator } = await enrolTotp(other);
      for (let i = 0; i < 5; i++) {
        const wrong = await t.client.call<Envelope>('loginUser', { body: { email: user.input.email, password: user.input.password, mfaCode: await authenticator.wrongCode() } });
        expect(wrong.status).toBe(401);
      }
      const locked = await t.client.call<Envelope>('loginUser', { body: { email: user.input.email, password: user.input.password, mfaCode: await authenticator.freshCode() } });
      expect(locked.status).toBe(429);
      expect(locked.body.error).toBe('RATE_LIMIT_EXCEEDED');
      expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
      expect([locked.headers.get('x-ratelimit-limit'), locked.headers.get('x-ratelimit-remaining')]).toEqual(['5', '0']);
      expect(Number(locked.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
      const viaToken = await t.client.call<Envelope>('verifyMfaLogin', { body: { mfaToken: (await mfaRequired(user)).mfaToken, backupCode: 'AAAAA-AAAAA' } });
      expect(viaToken.status).toBe(429);
      const failures = await audits('auth.mfa_login', user.userId);
      expect(failures).toHaveLength(5);
      expect(failures.at(-1)).toMatchObject({ result: 'failure', severity: 'critical', details: expect.objectContaining({ failures: 5, locked: true }) });
      expect((await audits('auth.mfa', user.userId)).every((row) => row.result === 'denied')).toBe(true);
      // Someone else's budget is untouched.
      const fine = await t.client.call('loginUser', { body: { email: other.input.email, password: other.input.password, mfaCode: await otherAuthenticator.freshCode() } });
      expect(fine.status).toBe(200);
    });
  });

  describe('turning MFA off', () => {
    it('needs a valid code, then deletes the secret and backup codes; login needs no code again', async () => {
      const user = await registerAndLogin(t.client);
      const { authenticator } = await enrolTotp(user);
      const missing = await t.client.call<Envelope>('disableMfa', { headers: user.auth, body: {} });
      expect(missing.status).toBe(400);
      const wrong = await t.client.call<Envelope>('disableMfa', { headers: user.auth, body: { code: await authenticator.wrongCode() } });
      expect(wrong.status).toBe(400);
      const disabled = await t.client.call<MessageResponse>('disableMfa', { headers: user.auth, body: { code: await authenticator.freshCode() } });
      expect(disabled.status).toBe(200);
      const me = await t.client.call<User>('getCurrentUser', { headers: user.auth });
      expect(me.body.mfaEnabled).toBe(false);
      expect(me.body.backupCodesRemaining).toBeUndefined();
      const [row] = (await db().query('SELECT mfa_method, mfa_secret, mfa_backup_codes FROM users WHERE id = $1', [user.userId])) as Array<Record<string, unknown>>;
      expect(row).toEqual({ mfa_method: null, mfa_secret: null, mfa_backup_codes: [] });
      expect((await login(t.client, user.input)).accessToken).toBeTruthy();
      expect((await t.client.call<Envelope>('disableMfa', { headers: user.auth, body: { code: '123456' } })).status).toBe(409);
      expect((await audits('auth.mfa_disable', user.userId)).map((entry) => entry.result)).toEqual(['failure', 'success']);
    });

    it('accepts a backup code instead', async () => {
      const user = await registerAndLogin(t.client);
      const { backupCodes } = await enrolTotp(user);
      const disabled = await t.client.call<MessageResponse>('disableMfa', { headers: user.auth, body: { code: backupCodes[3] } });
      expect(disabled.status).toBe(200);
    });
  });

  describe('SMS', () => {
    it('enrols with a 6-digit code sent through the webhook ({to, message}, signed), confirmed with it', async () => {
      const user = await registerAndLogin(t.client);
      const phone = newPhone();
      const enabled = await t.client.call<MfaEnrollment>('enableMfa', { headers: user.auth, body: { type: 'sms', phoneNumber: phone } });
      expect(enabled.status).toBe(201);
      expect(enabled.body).toMatchObject({ type: 'sms', expiresIn: 300 });
      expect(enabled.body.phoneNumber).toBe(`${phone.slice(0, 2)}${'*'.repeat(phone.length - 6)}${phone.slice(-4)}`);
      expect(enabled.body.backupCodes).toHaveLength(10);
      expect(enabled.body.secret).toBeUndefined();
      const sms = received.filter((message) => message.to === phone);
      expect(sms).toHaveLength(1);
      expect(sms[0].signature).toBe(`sha256=${createHmac('sha256', SMS_SECRET).update(sms[0].body).digest('hex')}`);
      expect(sms[0].message).toMatch(/\b\d{6}\b/);
      const verified = await t.client.call<MfaVerified>('verifyMfaSetup', { headers: user.auth, body: { code: lastSmsCode(phone), type: 'sms' } });
      expect(verified.status).toBe(200);
      expect((await t.client.call<User>('getCurrentUser', { headers: user.auth })).body.mfaEnabled).toBe(true);
    });

    it('gives a code 3 tries', async () => {
      const user = await registerAndLogin(t.client);
      const phone = newPhone();
      await t.client.call('enableMfa', { headers: user.auth, body: { type: 'sms', phoneNumber: phone } });
      const code = lastSmsCode(phone);
      const wrong = code === '000000' ? '000001' : '000000';
      for (let i = 0; i < 3; i++) expect((await t.client.call('verifyMfaSetup', { headers: user.auth, body: { code: wrong, type: 'sms' } })).status).toBe(400);
      const late = await t.client.call<Envelope>('verifyMfaSetup', { headers: user.auth, body: { code, type: 'sms' } });
      expect(late.status).toBe(400);
      const reasons = (await audits('auth.mfa_verify', user.userId)).map((row) => row.details.reason);
      expect(reasons.at(-1)).toBe('SMS code expired, used or out of tries');
    });

    it('expires a code after 5 minutes', async () => {
      const user = await registerAndLogin(t.client);
      const phone = newPhone();
      await t.client.call('enableMfa', { headers: user.auth, body: { type: 'sms', phoneNumber: phone } });
      await db().query(`UPDATE mfa_challenges SET expires_at = now() - interval '1 second' WHERE user_id = $1`, [user.userId]);
      const response = await t.client.call<Envelope>('verifyMfaSetup', { headers: user.auth, body: { code: lastSmsCode(phone), type: 'sms' } });
      expect(response.status).toBe(400);
    });

    it('logs in: MFA_REQUIRED sends a code by SMS, accepted via verify-mfa or as mfaCode; turning it off goes through a code too', async () => {
      const user = await registerAndLogin(t.client);
      const phone = newPhone();
      await t.client.call('enableMfa', { headers: user.auth, body: { type: 'sms', phoneNumber: phone } });
      await t.client.call('verifyMfaSetup', { headers: user.auth, body: { code: lastSmsCode(phone), type: 'sms' } });

      const challenge = await mfaRequired(user);
      expect(challenge.mfaType).toBe('sms');
      expect(smsCount(phone)).toBe(2);
      const viaToken = await t.client.call<LoginResponse>('verifyMfaLogin', { body: { mfaToken: challenge.mfaToken, code: lastSmsCode(phone) } });
      expect(viaToken.status).toBe(200);
      const again = await t.client.call<Envelope>('verifyMfaLogin', { body: { mfaToken: challenge.mfaToken, code: lastSmsCode(phone) } });
      expect(again.status).toBe(401);

      await mfaRequired(user);
      const inLogin = await t.client.call<LoginResponse>('loginUser', { body: { email: user.input.email, password: user.input.password, mfaCode: lastSmsCode(phone) } });
      expect(inLogin.status).toBe(200);
      const replay = await t.client.call<Envelope>('loginUser', { body: { email: user.input.email, password: user.input.password, mfaCode: lastSmsCode(phone) } });
      expect(replay.status).toBe(401);

      const auth = { authorization: `Bearer ${inLogin.body.accessToken}` };
      const sent = await t.client.call<MessageResponse>('disableMfa', { headers: auth, body: {} });
      expect(sent.status).toBe(202);
      expect(smsCount(phone)).toBe(4);
      const disabled = await t.client.call<MessageResponse>('disableMfa', { headers: auth, body: { code: lastSmsCode(phone) } });
      expect(disabled.status).toBe(200);
      expect((await t.client.call<User>('getCurrentUser', { headers: auth })).body.mfaEnabled).toBe(false);
    });

    it('needs a phone number, and answers 502 when the gateway refuses the message', async () => {
      const user = await registerAndLogin(t.client);
      const noPhone = await t.client.call<Envelope>('enableMfa', { headers: user.auth, body: { type: 'sms' } });
      expect(noPhone.status).toBe(400);
      expect(noPhone.body.details?.[0].field).toBe('phoneNumber');
      const badPhone = await t.client.call<Envelope>('enableMfa', { headers: user.auth, body: { type: 'sms', phoneNumber: '0155 1234' } });
      expect(badPhone.status).toBe(400);
      failNextSms = true;
      const refused = await t.client.call<Envelope>('enableMfa', { headers: user.auth, body: { type: 'sms', phoneNumber: newPhone() } });
      expect(refused.status).toBe(502);
      expect(refused.body.error).toBe('BAD_GATEWAY');
    });
  });
});

describe('MFA: SMS without a configured sender', () => {
  const t = useTestApp();

  it('answers 400 to type "sms" with a message that says so; TOTP still works', async () => {
    const user = await registerAndLogin(t.client);
    const response = await t.client.call<Envelope>('enableMfa', { headers: user.auth, body: { type: 'sms', phoneNumber: '+14155550100' } });
    expect(response.status).toBe(400);
    expect(response.body.message).toMatch(/no SMS sender is configured/);
    expect((await t.client.call('enableMfa', { headers: user.auth, body: { type: 'totp' } })).status).toBe(201);
  });
});
