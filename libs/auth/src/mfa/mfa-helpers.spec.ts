import { parseConfig } from '@app/config';
import { generate } from 'otplib';
import { describe, expect, it } from 'vitest';
import { newBackupCodes, normalizeBackupCode } from './backup-codes';
import { maskPhone } from './mfa.service';
import { createSmsSender, LogSmsSender, WebhookSmsSender } from './sms.sender';
import { newTotpSecret, otpauthUri, totpStep } from './totp';

describe('TOTP', () => {
  const secret = newTotpSecret();
  const at = (step: number) => generate({ secret, epoch: step * 30 });

  it('accepts the current step and one either side, nothing further', async () => {
    const now = Date.UTC(2026, 0, 1, 0, 0, 15);
    const step = Math.floor(now / 30_000);
    for (const offset of [-1, 0, 1]) expect(await totpStep(secret, await at(step + offset), now)).toBe(step + offset);
    for (const offset of [-3, -2, 2, 3]) {
      const code = await at(step + offset);
      // A far step may by chance share the code of a near one; only then may it pass.
      const near = await Promise.all([-1, 0, 1].map((o) => at(step + o)));
      if (!near.includes(code)) expect(await totpStep(secret, code, now)).toBeNull();
    }
  });

  it('refuses malformed codes without throwing', async () => {
    expect(await totpStep(secret, 'abcdef')).toBeNull();
    expect(await totpStep(secret, '12345')).toBeNull();
    expect(await totpStep('not base32!', '123456')).toBeNull();
  });

  it('makes 160-bit base32 secrets and otpauth URIs with the issuer and the email as label', () => {
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const uri = new URL(otpauthUri(secret, 'ann@example.test'));
    expect(decodeURIComponent(uri.pathname)).toBe('/Secure MCP:ann@example.test');
    expect(uri.searchParams.get('issuer')).toBe('Secure MCP');
  });
});

describe('backup codes', () => {
  it('are 10 distinct XXXXX-XXXXX codes without look-alike characters, normalised however typed', () => {
    const codes = newBackupCodes();
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[A-HJ-NP-Z2-9]{5}-[A-HJ-NP-Z2-9]{5}$/);
    expect(normalizeBackupCode(' ab2cd-ef3gh ')).toBe('AB2CDEF3GH');
  });
});

describe('SMS', () => {
  it('is off unless a webhook or the log sender is configured', () => {
    expect(createSmsSender(parseConfig({}))).toBeNull();
    expect(createSmsSender(parseConfig({ SMS_SENDER: 'log' }))).toBeInstanceOf(LogSmsSender);
    expect(createSmsSender(parseConfig({ SMS_WEBHOOK_URL: 'https://sms.example.test/send' }))).toBeInstanceOf(WebhookSmsSender);
    expect(createSmsSender(parseConfig({ SMS_SENDER: 'none', SMS_WEBHOOK_URL: 'https://sms.example.test/send' }))).toBeNull();
  });

  it('refuses a webhook sender without a URL, and unknown senders, naming the variable', () => {
    expect(() => parseConfig({ SMS_SENDER: 'webhook' })).toThrow(/SMS_WEBHOOK_URL/);
    expect(() => parseConfig({ SMS_SENDER: 'carrier-pigeon' })).toThrow(/SMS_SENDER/);
    expect(() => parseConfig({ SMS_WEBHOOK_URL: 'ftp://x' })).toThrow(/SMS_WEBHOOK_URL/);
    expect(() => parseConfig({ RATE_LIMIT_MFA: '5' })).toThrow(/RATE_LIMIT_MFA/);
  });

  it('masks phone numbers in answers', () => {
    expect(maskPhone('+14155550100')).toBe('+1******0100');
    expect(maskPhone('+4930123')).toBe('+4****');
  });
});
