import { describe, expect, it } from 'vitest';
import { isLoopbackHost } from './loopback-host';

const hostOf = (url: string): string => new URL(url).hostname;

describe('isLoopbackHost', () => {
  it.each(['http://localhost:25', 'http://LOCALHOST', 'http://127.0.0.1', 'http://127.255.3.9:8080', 'http://[::1]:587', 'http://[0:0:0:0:0:0:0:1]'])('%s is this machine', (url) => {
    expect(isLoopbackHost(hostOf(url))).toBe(true);
  });

  it.each(['http://localhost.example.com', 'http://127.0.0.1.nip.io', 'http://10.0.0.1', 'http://[::2]', 'http://[::ffff:7f00:1]', 'http://0.0.0.0', 'http://example.com'])('%s is not', (url) => {
    expect(isLoopbackHost(hostOf(url))).toBe(false);
  });
});
