import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { proxyTrust } from './proxy-trust';
import { clientAddressOf } from './request-origin';

function upgrade(peer: string, forwardedFor?: string): IncomingMessage {
  return { socket: { remoteAddress: peer }, headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor } } as unknown as IncomingMessage;
}

describe('proxyTrust', () => {
  it('trusts the first hops of a count, whatever their addresses', () => {
    const trust = proxyTrust({ hops: 2 });
    expect(trust && [trust('203.0.113.1', 0), trust('10.0.0.1', 1), trust('10.0.0.1', 2)]).toEqual([true, true, false]);
  });

  it('trusts listed addresses and CIDRs, IPv4 peers of a dual-stack socket included, and nothing that is not an address', () => {
    const trust = proxyTrust({ proxies: ['10.0.0.0/8', '192.0.2.7', 'fd00::/8'] });
    if (!trust) throw new Error('expected a trust function');
    expect(['10.9.8.7', '::ffff:10.9.8.7', '192.0.2.7', 'fd12::1'].map((address) => trust(address, 0))).toEqual([true, true, true, true]);
    expect(['192.0.2.8', '11.0.0.1', 'fe80::1', 'not-an-address', ''].map((address) => trust(address, 0))).toEqual([false, false, false, false, false]);
  });

  it('is false for no proxy', () => {
    expect(proxyTrust(false)).toBe(false);
  });
});

describe('clientAddressOf (what request.ip gives, for a WebSocket upgrade)', () => {
  it('ignores X-Forwarded-For when no proxy is trusted', () => {
    expect(clientAddressOf(upgrade('198.51.100.1', '203.0.113.9'), false)).toBe('198.51.100.1');
  });

  it('walks from the right past the trusted proxies: entries the client wrote further left are not believed', () => {
    const oneProxy = { hops: 1 } as const;
    expect(clientAddressOf(upgrade('10.0.0.2', '198.51.100.1'), oneProxy)).toBe('198.51.100.1');
    expect(clientAddressOf(upgrade('10.0.0.2', '203.0.113.9, 198.51.100.1'), oneProxy)).toBe('198.51.100.1');
    const listed = { proxies: ['10.0.0.0/8'] } as const;
    expect(clientAddressOf(upgrade('10.0.0.2', '203.0.113.9, 198.51.100.1, 10.1.1.1'), listed)).toBe('198.51.100.1');
    // A peer that is not a listed proxy speaks for itself.
    expect(clientAddressOf(upgrade('192.0.2.50', '203.0.113.9'), listed)).toBe('192.0.2.50');
  });

  it('takes the peer when a trusted proxy passes on something that is not an address, and drops an IPv6 zone', () => {
    expect(clientAddressOf(upgrade('10.0.0.2', 'x'.repeat(100)), { hops: 1 })).toBe('10.0.0.2');
    expect(clientAddressOf(upgrade('10.0.0.2', 'fe80::1%eth0'), { hops: 1 })).toBe('fe80::1');
    // A port some proxies add is not part of the address.
    expect(clientAddressOf(upgrade('10.0.0.2', '203.0.113.9:51234'), { hops: 1 })).toBe('203.0.113.9');
    expect(clientAddressOf(upgrade('10.0.0.2', '[2001:db8::1]:51234'), { hops: 1 })).toBe('2001:db8::1');
  });
});
