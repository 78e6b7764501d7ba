import type { AuditLogList, MessageResponse, User } from '@app/contracts';
import { type LoggedInUser, login, type MailServer, metricValue, registerAndLogin, registerAndLoginAs, startMailServer, startTestApp, type TestApp, until, useTestApp } from '@app/testing';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

type Envelope = { error: string; message: string; details?: Array<{ field: string; code: string }> };

const LINK_BASE = 'https://app.example.test';
const VERIFY_TOKEN = /evt_[A-Za-z0-9_-]{43}/;
const PASSWORD_TOKEN = /pst_[A-Za-z0-9_-]{43}/;
const NEW_PASSWORD = 'N3w!Passw0rd-after-reset';

describe('mail: proving an address, and a forgotten password', () => {
  let mail: MailServer;
  let t: TestApp;
  let admin: LoggedInUser;

  beforeAll(async () => {
    mail = await startMailServer();
    // TRUST_PROXY: requests can say they come from other addresses (X-Forwarded-For).
    t = await startTestApp({ SMTP_URL: mail.url, MAIL_FROM: 'Secure MCP <no-reply@example.test>', MAIL_LINK_BASE: LINK_BASE, TRUST_PROXY: 'true' });
    admin = await registerAndLoginAs(t, ['admin']);
  });

  afterAll(async () => {
    await t?.close();
    await mail?.close();
  });

  const mailsTo = (address: string, count = 1) => until(async () => mail.to(address), (mails) => mails.length >= count);
  const tokenIn = (text: string, pattern: RegExp): string => {
    const token = pattern.exec(text)?.[0];
    if (!token) throw new Error(`no token in ${text}`);
    return token;
  };
  const me = async (user: LoggedInUser) => (await t.client.call<User>('getCurrentUser', { headers: user.auth })).body;
  const verify = (user: LoggedInUser, token: string) => t.client.call<MessageResponse & Envelope>('verifyEmail', { headers: user.auth, body: { token } });
  const auditOf = async (action: string) => (await t.client.call<AuditLogList>('listAuditLogs', { headers: admin.auth, query: { action } })).body.logs;

  it('mails a sign-up a link that proves the address, once', async () => {
    const user = await registerAndLogin(t.client);
    expect((await me(user)).emailVerified).toBe(false);
    const [sent] = await mailsTo(user.input.email);
    expect(sent).toMatchObject({ from: 'no-reply@example.test', subject: 'Verify your email address' });
    const token = tokenIn(sent.text, VERIFY_TOKEN);
    expect(sent.text).toContain(`${LINK_BASE}/verify-email?token=${token}`);
    const verified = await verify(user, token);
    expect(verified.status, JSON.stringify(verified.body)).toBe(200);
    expect((await me(user)).emailVerified).toBe(true);
    expect((await verify(user, token)).status).toBe(401);
    expect((await auditOf('auth.email.verified')).some((entry) => entry.userId === user.userId && entry.result === 'success')).toBe(true);
    // Nothing more to prove.
    const again = await t.client.call<Envelope>('sendEmailVerification', { headers: user.auth });
    expect(again.status).toBe(409);
  });

  it('sends another link on request, which replaces the earlier one', async () => {
    const user = await registerAndLogin(t.client);
    const [first] = await mailsTo(user.input.email);
    const sent = await t.client.call<MessageResponse>('sendEmailVerification', { headers: user.auth });
    expect(sent.status).toBe(202);
    const second = (await mailsTo(user.input.email, 2))[1];
    expect((await verify(user, tokenIn(first.text, VERIFY_TOKEN))).status).toBe(401);
    expect((await verify(user, tokenIn(second.text, VERIFY_TOKEN))).status).toBe(200);
  });

  it('refuses tokens that are malformed, unknown, expired, or for an address the account no longer has', async () => {
    const user = await registerAndLogin(t.client);
    for (const token of ['', 'short', 'x'.repeat(257)]) expect((await verify(user, token)).status, token).toBe(400);
    expect((await t.client.call('verifyEmail', { headers: user.auth, body: { token: 'evt_aaaaaaaaaaaaaaaaaaaa', extra: 1 } })).status).toBe(400);
    expect((await verify(user, `evt_${'a'.repeat(43)}`)).status).toBe(401);
    const token = tokenIn((await mailsTo(user.input.email))[0].text, VERIFY_TOKEN);
    const db = t.app.get(DataSource);
    await db.query(`UPDATE email_verification_tokens SET expires_at = now() - interval '1 second' WHERE user_id = $1`, [user.userId]);
    const expired = await verify(user, token);
    expect(expired.status).toBe(401);
    expect(expired.body.error).toBe('UNAUTHORIZED');
    // A new link, then the address changes (by an admin, say): the link proves the old address only.
    await t.client.call('sendEmailVerification', { headers: user.auth });
    const fresh = tokenIn((await mailsTo(user.input.email, 2))[1].text, VERIFY_TOKEN);
    await db.query(`UPDATE users SET email = $2 WHERE id = $1`, [user.userId, `moved.${user.input.email}`]);
    expect((await verify(user, fresh)).status).toBe(401);
    expect((await me(user)).emailVerified).toBe(false);
  });

  it("takes a token only from the account it was mailed for: the mailbox alone verifies nothing", async () => {
    // Someone registers an address that is not theirs; its owner gets the mail and opens the link.
    const squatter = await registerAndLogin(t.client);
    const token = tokenIn((await mailsTo(squatter.input.email))[0].text, VERIFY_TOKEN);
    expect((await t.client.call('verifyEmail', { body: { token } })).status).toBe(401);
    const owner = await registerAndLogin(t.client);
    expect((await verify(owner, token)).status).toBe(401);
    expect((await me(squatter)).emailVerified).toBe(false);
    // Refused unspent: the account holder who also reads the mailbox can still use it.
    expect((await verify(squatter, token)).status).toBe(200);
  });

  it('mails a forgotten password a set-password link; the old password works until it is spent', async () => {
    const user = await registerAndLogin(t.client);
    const asked = await t.client.call<MessageResponse>('forgotPassword', { body: { email: `  ${user.input.email.toUpperCase()} ` } });
    expect(asked.status).toBe(202);
    const reset = await until(async () => mail.to(user.input.email).filter((sent) => sent.subject === 'Set a new password'), (mails) => mails.length === 1);
    const token = tokenIn(reset[0].text, PASSWORD_TOKEN);
    expect(reset[0].text).toContain(`${LINK_BASE}/reset-password?token=${token}`);
    expect((await login(t.client, user.input)).userId).toBe(user.userId);
    const set = await t.client.call<MessageResponse>('setPassword', { body: { token, password: NEW_PASSWORD } });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect((await t.client.call('loginUser', { body: { email: user.input.email, password: user.input.password } })).status).toBe(401);
    expect((await login(t.client, { email: user.input.email, password: NEW_PASSWORD })).userId).toBe(user.userId);
    // Setting it ended what was signed in with the old one.
    expect((await t.client.call('getCurrentUser', { headers: user.auth })).status).toBe(401);
    expect((await t.client.call('setPassword', { body: { token, password: NEW_PASSWORD } })).status).toBe(401);
  });

  it("hands an account whose address nobody proved to whoever spends its mailed link: the registrant's keys and grants go; a proven account keeps them", async () => {
    const resetThroughMail = async (email: string, count: number): Promise<void> => {
      expect((await t.client.call('forgotPassword', { body: { email } })).status).toBe(202);
      const mails = await until(async () => mail.to(email).filter((sent) => sent.subject === 'Set a new password'), (found) => found.length === count);
      expect((await t.client.call('setPassword', { body: { token: tokenIn(mails[count - 1].text, PASSWORD_TOKEN), password: NEW_PASSWORD } })).status).toBe(200);
    };
    // Someone registered the address first and made an API key; its owner resets the password from the mailbox.
    const squatter = await registerAndLogin(t.client);
    const key = await t.client.call<{ key: string }>('createApiKey', { headers: squatter.auth, body: { name: 'kept-for-later', scopes: ['read:tools'] } });
    expect(key.status).toBe(201);
    await resetThroughMail(squatter.input.email, 1);
    expect((await t.client.call('getCurrentUser', { headers: { authorization: `ApiKey ${key.body.key}` } })).status).toBe(401);
    const owner = await login(t.client, { email: squatter.input.email, password: NEW_PASSWORD });
    expect((await t.client.call<User>('getCurrentUser', { headers: { authorization: `Bearer ${owner.accessToken}` } })).body.emailVerified).toBe(true);
    expect((await auditOf('auth.password.claim')).find((entry) => entry.userId === squatter.userId)).toMatchObject({ severity: 'warning', details: { revokedKeys: 1 } });

    // Proven already (the owner verified it while signed in): a forgotten password changes only the password.
    const proven = await registerAndLogin(t.client);
    expect((await verify(proven, tokenIn((await mailsTo(proven.input.email))[0].text, VERIFY_TOKEN))).status).toBe(200);
    const ownKey = await t.client.call<{ key: string }>('createApiKey', { headers: proven.auth, body: { name: 'ci', scopes: ['read:tools'] } });
    await resetThroughMail(proven.input.email, 1);
    expect((await t.client.call('getCurrentUser', { headers: { authorization: `ApiKey ${ownKey.body.key}` } })).status).toBe(200);
    expect((await auditOf('auth.password.claim')).some((entry) => entry.userId === proven.userId)).toBe(false);
  });

  it('leaves earlier links good (whoever asks cannot void them); spending one voids the rest', async () => {
    const user = await registerAndLogin(t.client);
    for (let i = 0; i < 2; i++) expect((await t.client.call('forgotPassword', { body: { email: user.input.email } })).status).toBe(202);
    const resets = await until(async () => mail.to(user.input.email).filter((sent) => sent.subject === 'Set a new password'), (mails) => mails.length === 2);
    const [first, second] = resets.map((sent) => tokenIn(sent.text, PASSWORD_TOKEN));
    expect(first).not.toBe(second);
    expect((await t.client.call('setPassword', { body: { token: first, password: NEW_PASSWORD } })).status).toBe(200);
    expect((await t.client.call('setPassword', { body: { token: second, password: NEW_PASSWORD } })).status).toBe(401);
    // The mail is the gateway's words only: nothing a registrant typed (a name) is in it.
    expect(resets[0].text).not.toContain(user.input.name);
  });

  it('mails one address at most RATE_LIMIT_MAIL times an hour, whatever the asker', async () => {
    const email = `flooded.${Date.now()}@example.test`;
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await t.client.call('forgotPassword', { headers: { 'x-forwarded-for': `203.0.113.${i + 1}` }, body: { email } })).status);
    expect(statuses).toEqual([202, 202, 202, 202, 202, 429]);
    expect((await t.client.call('forgotPassword', { body: { email: `other.${email}` } })).status).toBe(202);
  });

  it('answers the same for an address without an account, or a suspended one, and mails them nothing', async () => {
    const suspended = await registerAndLogin(t.client);
    expect((await t.client.call('updateUserStatus', { headers: admin.auth, params: { id: suspended.userId }, body: { status: 'suspended' } })).status).toBe(200);
    const nobody = `nobody.${Date.now()}@example.test`;
    const answers = await Promise.all([nobody, suspended.input.email].map((email) => t.client.call<MessageResponse>('forgotPassword', { body: { email } })));
    expect(answers.map((answer) => answer.status)).toEqual([202, 202]);
    expect(answers[0].body.message).toBe(answers[1].body.message);
    const asked = [nobody, suspended.input.email];
    const denied = await until(
      async () => (await auditOf('auth.password.forgot')).filter((entry) => entry.result === 'denied' && asked.includes((entry.details as { email: string }).email)),
      (entries) => entries.length >= 2,
    );
    expect(denied.map((entry) => (entry.details as { reason: string }).reason).sort()).toEqual(['no such account', 'the account is suspended']);
    expect(mail.to(nobody)).toEqual([]);
    expect(mail.to(suspended.input.email).filter((sent) => sent.subject === 'Set a new password')).toEqual([]);
  });

  it('says 503 when the mail server refuses the mail, and refuses bad addresses with 400', async () => {
    const user = await registerAndLogin(t.client);
    await mailsTo(user.input.email);
    mail.refuse(true);
    try {
      const refused = await t.client.call<Envelope>('sendEmailVerification', { headers: user.auth });
      expect(refused.status).toBe(503);
      expect(refused.body.error).toBe('SERVICE_UNAVAILABLE');
      expect(JSON.stringify(refused.body)).not.toContain('smtp-secret');
      const metrics = (await t.client.call('getMetrics')).text;
      expect(metricValue(metrics, 'mcp_mail_sent_total', { kind: 'verification', result: 'failed' })).toBeGreaterThanOrEqual(1);
      expect(metricValue(metrics, 'mcp_mail_sent_total', { kind: 'verification', result: 'sent' })).toBeGreaterThanOrEqual(1);
      expect(metricValue(metrics, 'mcp_mail_sent_total', { kind: 'password_reset', result: 'sent' })).toBeGreaterThanOrEqual(1);
    } finally {
      mail.refuse(false);
    }
    for (const body of [{}, { email: 'not-an-address' }, { email: 42 }, { email: 'a@b.test', more: true }]) {
      expect((await t.client.call('forgotPassword', { body })).status, JSON.stringify(body)).toBe(400);
    }
  });
});

describe('mail: not configured', () => {
  const t = useTestApp();

  it('sends nothing at sign-up, and says 404 to what needs a mail, as SAML routes do without SAML', async () => {
    const user = await registerAndLogin(t.client);
    expect((await t.client.call<User>('getCurrentUser', { headers: user.auth })).body.emailVerified).toBe(false);
    const send = await t.client.call<Envelope>('sendEmailVerification', { headers: user.auth });
    expect(send.status).toBe(404);
    expect(send.body.message).toMatch(/SMTP_URL/);
    expect((await t.client.call('forgotPassword', { body: { email: user.input.email } })).status).toBe(404);
  });
});
