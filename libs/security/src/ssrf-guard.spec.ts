import type { LookupAddress, LookupAllOptions } from 'node:dns';
import { lookup } from 'node:dns/promises';
import { describe, expect, it, vi } from 'vitest';
import { isPublicAddress, pinnedRequestOptions, SsrfGuard } from './ssrf-guard';

// Real DNS unless a test says otherwise: lets a test play a hostile AAAA record.
vi.mock('node:dns/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:dns/promises')>();
  return { ...actual, lookup: vi.fn(actual.lookup) };
});

describe('isPublicAddress', () => {
  it.each(['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '93.184.216.34', '::ffff:8.8.8.8', '::ffff:808:808', '0:0:0:0:0:ffff:808:808', '64:ff9b::808:808'])('%s is public', (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });

  it.each([
    '127.0.0.1',
    '127.255.255.254',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.0.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '198.18.0.1',
    '::1',
    '::',
    'fe80::1',
    'fc00::1',
    'fd12:3456::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:169.254.169.254',
    '64:ff9b::a00:1',
    'ff02::1',
    '2002:7f00:1::',
    // IPv4-compatible (::/96), in hex, dotted and uncompressed spellings, whatever IPv4 it carries.
    '::7f00:1',
    '::127.0.0.1',
    '::a9fe:a9fe',
    '::169.254.169.254',
    '::a00:1',
    '::c0a8:101',
    '0:0:0:0:0:0:7f00:1',
    '0:0:0:0:0:0:127.0.0.1',
    '::8.8.8.8',
    // IPv4-translated (::ffff:0:0/96).
    '::ffff:0:7f00:1',
    '::ffff:0:127.0.0.1',
    '::ffff:0:a9fe:a9fe',
    '::ffff:0:169.254.169.254',
    '0:0:0:0:ffff:0:a00:1',
    '::ffff:0:808:808',
    // Mapped and NAT64 in the spellings the old patterns missed.
    '::FFFF:7F00:1',
    '0:0:0:0:0:ffff:7f00:1',
    '0:0:0:0:0:ffff:127.0.0.1',
    '64:ff9b:0:0:0:0:7f00:1',
    '64:ff9b:1::808:808',
  ])('%s is not public', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });
});

describe('SsrfGuard.check', () => {
  it('honours the allow-list by host, port and CIDR', async () => {
    const guard = new SsrfGuard(['127.0.0.1:8080', '10.0.0.0/8']);
    await expect(guard.check('http://127.0.0.1:8080/x')).resolves.toMatchObject({ address: '127.0.0.1', port: 8080 });
    await expect(guard.check('http://127.0.0.1:8081/x')).rejects.toMatchObject({ status: 403 });
    await expect(guard.check('http://10.9.8.7/')).resolves.toMatchObject({ address: '10.9.8.7' });
    await expect(guard.check('http://192.168.1.1/')).rejects.toMatchObject({ status: 403 });
  });

  it('judges the address the URL parser normalised to', async () => {
    const guard = new SsrfGuard([]);
    for (const url of [
      'http://2130706433/',
      'http://0x7f000001/',
      'http://0177.0.0.1/',
      'http://127.1/',
      'http://[::ffff:127.0.0.1]/',
      'http://[::127.0.0.1]:30131/health',
      'http://[::7f00:1]/',
      'http://[::ffff:0:127.0.0.1]/',
      'http://[::169.254.169.254]/latest/meta-data/',
      'http://[::ffff:0:a9fe:a9fe]/',
      'http://[0:0:0:0:0:0:127.0.0.1]/',
      'https://[::ffff:0:10.0.0.1]/',
    ]) {
      await expect(guard.check(url), url).rejects.toMatchObject({ status: 403 });
    }
  });

  it('refuses schemes other than http and https, and names that do not resolve', async () => {
    const guard = new SsrfGuard([]);
    for (const url of ['file:///etc/passwd', 'gopher://127.0.0.1:70/', 'ftp://example.com/', 'data:text/plain,hi']) {
      await expect(guard.check(url), url).rejects.toMatchObject({ status: 403 });
    }
    await expect(guard.check('http://localhost/')).rejects.toMatchObject({ status: 403 });
    await expect(guard.check('not a url')).rejects.toMatchObject({ status: 400 });
  });

  it('judges every DNS answer, so an AAAA record in IPv4-compatible or translated form is refused', async () => {
    // The webhook guard is this class too: its deliveries get the same judgement.
    const guard = new SsrfGuard([]);
    for (const address of ['::7f00:1', '::a9fe:a9fe', '::ffff:0:a9fe:a9fe', '::ffff:0:7f00:1']) {
      const answers: LookupAddress[] = [{ address: '93.184.216.34', family: 4 }, { address, family: 6 }];
      // The `all: true` overload, which is the one the guard calls.
      vi.mocked(lookup as (hostname: string, options: LookupAllOptions) => Promise<LookupAddress[]>).mockResolvedValueOnce(answers);
      await expect(guard.check('http://rebind.example.test/'), address).rejects.toMatchObject({ status: 403, message: expect.stringContaining(address) });
    }
  });
});

describe('pinnedRequestOptions', () => {
  it('connects to the checked address, with the URL host for TLS and Host', () => {
    const options = pinnedRequestOptions({ url: new URL('https://api.example.com:8443/v1/x?y=1'), address: '93.184.216.34', family: 4, port: 8443 }, 'GET', { accept: 'application/json', host: 'evil.example' });
    expect(options).toEqual({ host: '93.184.216.34', family: 4, port: 8443, path: '/v1/x?y=1', method: 'GET', servername: 'api.example.com', headers: { accept: 'application/json', host: 'api.example.com:8443' } });
  });

  it('names no TLS server over plain http, and strips the brackets of an IPv6 host', () => {
    expect(pinnedRequestOptions({ url: new URL('http://example.com/'), address: '93.184.216.34', family: 4, port: 80 }, 'POST', {}).servername).toBeUndefined();
    expect(pinnedRequestOptions({ url: new URL('https://[2606:2800:220:1::1]/'), address: '2606:2800:220:1::1', family: 6, port: 443 }, 'GET', {}).servername).toBe('2606:2800:220:1::1');
  });
});
