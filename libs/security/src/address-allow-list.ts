import type { ErrorDetail } from '@app/common';
import { BlockList, isIP } from 'node:net';

const MAPPED_IPV4 = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/** An IPv4 client seen through an IPv6 socket (`::ffff:10.0.0.1`) is the IPv4 address it carries. */
function plainAddress(address: string): string {
  return MAPPED_IPV4.exec(address)?.[1] ?? address;
}

type Entry = { readonly address: string; readonly family: 'ipv4' | 'ipv6'; readonly prefix: number | undefined };

/** One entry (`10.0.0.7`, `10.0.0.0/8`, `2001:db8::/32`), or why it is not one. */
function parseEntry(text: string): Entry | string {
  const [address, prefixText, extra] = text.split('/');
  if (extra !== undefined) return 'is not an address or a CIDR network';
  const version = isIP(address);
  if (version === 0) return 'is not an IPv4 or IPv6 address';
  const family = version === 4 ? 'ipv4' : 'ipv6';
  if (prefixText === undefined) return { address, family, prefix: undefined };
  const bits = version === 4 ? 32 : 128;
  const prefix = /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (!(prefix >= 0 && prefix <= bits)) return `has a prefix length outside 0–${bits}`;
  return { address, family, prefix };
}

/** Checks entries of an allow-list: one detail per entry that is neither an address nor a CIDR network. */
export function addressListProblems(entries: readonly string[], field: string): ErrorDetail[] {
  return entries.flatMap((entry, index) => {
    const parsed = parseEntry(entry.trim());
    return typeof parsed === 'string' ? [{ field: `${field}[${index}]`, message: `${entry.slice(0, 64)} ${parsed}`, code: 'INVALID_VALUE' }] : [];
  });
}

/**
 * Addresses and CIDR networks a credential may be used from. Built from entries that passed
 * addressListProblems; an empty list allows every address.
 */
export class AddressAllowList {
  private readonly list = new BlockList();
  private readonly empty: boolean;

  constructor(entries: readonly string[]) {
    this.empty = entries.length === 0;
    for (const text of entries) {
      const entry = parseEntry(text.trim());
      if (typeof entry === 'string') continue;
      const address = entry.family === 'ipv4' ? entry.address : plainAddress(entry.address);
      const family = isIP(address) === 4 ? 'ipv4' : 'ipv6';
      if (entry.prefix === undefined) this.list.addAddress(address, family);
      else if (family === entry.family) this.list.addSubnet(address, entry.prefix, family);
      // An IPv4-mapped network (::ffff:10.0.0.0/104) is the IPv4 network it maps.
      else this.list.addSubnet(address, Math.max(0, entry.prefix - 96), 'ipv4');
    }
  }

  /** Whether a request from `address` may use the credential (an unknown address may not, unless the list is empty). */
  allows(address: string | undefined): boolean {
    if (this.empty) return true;
    if (!address) return false;
    const plain = plainAddress(address);
    const version = isIP(plain);
    return version !== 0 && this.list.check(plain, version === 4 ? 'ipv4' : 'ipv6');
  }
}
