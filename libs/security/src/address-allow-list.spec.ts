import { describe, expect, it } from 'vitest';
import { AddressAllowList, addressListProblems } from './address-allow-list';

describe('AddressAllowList', () => {
  it('allows every address when empty, and no unknown address otherwise', () => {
    expect(new AddressAllowList([]).allows(undefined)).toBe(true);
    expect(new AddressAllowList([]).allows('198.51.100.1')).toBe(true);
    expect(new AddressAllowList(['10.0.0.0/8']).allows(undefined)).toBe(false);
    expect(new AddressAllowList(['10.0.0.0/8']).allows('not an address')).toBe(false);
  });

  it('matches addresses and networks of both families, an IPv4 client seen through an IPv6 socket as the IPv4 it carries', () => {
    const list = new AddressAllowList(['10.0.0.0/8', '192.0.2.7', '2001:db8::/32', '::1', '::ffff:172.16.0.0/108']);
    expect(['10.255.0.1', '::ffff:10.1.2.3', '192.0.2.7', '::ffff:192.0.2.7', '2001:db8:1::5', '::1', '172.16.9.9'].map((address) => list.allows(address))).toEqual([true, true, true, true, true, true, true]);
    expect(['11.0.0.1', '192.0.2.8', '2001:db9::1', '::2', '127.0.0.1', '172.32.0.1'].map((address) => list.allows(address))).toEqual([false, false, false, false, false, false]);
    // A network written with host bits set is the network it names.
    expect(new AddressAllowList(['10.1.2.3/16']).allows('10.1.200.200')).toBe(true);
    expect(new AddressAllowList(['0.0.0.0/0']).allows('203.0.113.1')).toBe(true);
  });
});

describe('addressListProblems', () => {
  it('names each entry that is neither an address nor a CIDR network', () => {
    expect(addressListProblems(['10.0.0.0/8', '::1', '2001:db8::/128', '0.0.0.0/0'], 'allowedIps')).toEqual([]);
    const problems = addressListProblems(['10.0.0.0/33', 'host.example', '1.2.3.4/8/9', '::1/129', '10.0.0.0/', '10.0.0.0/-1', '10.0.0.0/08x', '256.0.0.1'], 'allowedIps');
    expect(problems.map((problem) => problem.field)).toEqual(['allowedIps[0]', 'allowedIps[1]', 'allowedIps[2]', 'allowedIps[3]', 'allowedIps[4]', 'allowedIps[5]', 'allowedIps[6]', 'allowedIps[7]']);
    expect(problems[0]).toEqual({ field: 'allowedIps[0]', message: '10.0.0.0/33 has a prefix length outside 0–32', code: 'INVALID_VALUE' });
    expect(problems[1].message).toBe('host.example is not an IPv4 or IPv6 address');
  });
});
