import { describe, expect, it } from 'vitest';
import { isPublicAddress, SsrfGuard } from './ssrf-guard';

describe('isPublicAddress', () => {
  it.each(['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '93.184.216.34'])('%s is public', (address) => {
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
    for (const url of ['http://2130706433/', 'http://0x7f000001/', 'http://0177.0.0.1/', 'http://127.1/', 'http://[::ffff:127.0.0.1]/']) {
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
});
