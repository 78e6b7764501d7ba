import { describe, expect, it } from 'vitest';
import { smtpOptions } from './mailer';

describe('smtpOptions', () => {
  it('requires STARTTLS on smtp:// to another machine, so neither the password nor a token crosses in clear', () => {
    expect(smtpOptions('smtp://user:p%40ss@mail.example.com')).toMatchObject({ host: 'mail.example.com', port: 587, secure: false, requireTLS: true, auth: { user: 'user', pass: 'p@ss' } });
  });

  it('lets a server on this machine, or a relay said to have no STARTTLS, go without', () => {
    for (const host of ['127.0.0.1', 'localhost', '[::1]']) expect(smtpOptions(`smtp://${host}:25`).requireTLS, host).toBe(false);
    // An IPv6 address without the brackets of its URL, as Node connects to it.
    expect(smtpOptions('smtp://[::1]:25').host).toBe('::1');
    expect(smtpOptions('smtp://relay.internal:25?starttls=optional').requireTLS).toBe(false);
  });

  it('speaks TLS from the start on smtps://', () => {
    expect(smtpOptions('smtps://mail.example.com')).toMatchObject({ port: 465, secure: true, requireTLS: false });
    expect(smtpOptions('smtps://mail.example.com').auth).toBeUndefined();
  });
});
