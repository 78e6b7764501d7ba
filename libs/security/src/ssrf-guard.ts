import { ApiError } from '@app/common';
import { lookup } from 'node:dns/promises';
import type { RequestOptions } from 'node:https';
import { BlockList, isIP } from 'node:net';

// Everything that is not the public Internet: private, loopback, link-local (cloud metadata),
// CGNAT, benchmarking, documentation, multicast and reserved ranges, in both families.
const BLOCKED_V4 = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const;
const BLOCKED_V6 = [
  // IPv4-compatible (deprecated, RFC 4291) and IPv4-translated (SIIT, RFC 2765): nothing public lives
  // there, so they are refused whatever IPv4 address they carry. Includes :: and ::1.
  ['::', 96],
  ['::ffff:0:0:0', 96],
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001::', 32],
  ['2001:db8::', 32],
  ['2002::', 16],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const;

const blocked = new BlockList();
for (const [network, prefix] of BLOCKED_V4) blocked.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of BLOCKED_V6) blocked.addSubnet(network, prefix, 'ipv6');

/** The eight 16-bit groups of a valid IPv6 address, whatever its spelling (zero runs, dotted tail, zone). */
function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase().replace(/%.*$/, '');
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number);
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::').map((part) => (part === '' ? [] : part.split(':').map((group) => parseInt(group, 16))));
  if (tail === undefined) return head;
  return [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
}

/**
 * An IPv4 address that IPv6 carries to an IPv4 host (mapped ::ffff:0:0/96, NAT64 64:ff9b::/96):
 * judged as that IPv4 address. Compatible and translated forms are blocked outright instead.
 */
function embeddedIpv4(address: string): string | undefined {
  if (isIP(address) !== 6) return undefined;
  const groups = ipv6Groups(address);
  const zero = (from: number, to: number): boolean => groups.slice(from, to).every((group) => group === 0);
  const mapped = zero(0, 5) && groups[5] === 0xffff;
  const nat64 = groups[0] === 0x64 && groups[1] === 0xff9b && zero(2, 6);
  if (!mapped && !nat64) return undefined;
  const [high, low] = [groups[6], groups[7]];
  return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
}

export function isPublicAddress(address: string): boolean {
  const v4 = isIP(address) === 4 ? address : embeddedIpv4(address);
  if (v4) return !blocked.check(v4, 'ipv4');
  return isIP(address) === 6 && !blocked.check(address, 'ipv6');
}

interface AllowEntry {
  readonly host?: string;
  readonly network?: BlockList;
  readonly port?: number;
}

function parseAllowEntry(entry: string): AllowEntry {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed) return { host: bracketed[1].toLowerCase(), port: bracketed[2] ? Number(bracketed[2]) : undefined };
  const cidr = /^([0-9a-fA-F:.]+)\/(\d{1,3})$/.exec(entry);
  if (cidr) {
    const family = isIP(cidr[1]) === 6 ? 'ipv6' : 'ipv4';
    const network = new BlockList();
    network.addSubnet(cidr[1], Number(cidr[2]), family);
    return { network };
  }
  if (isIP(entry) === 6) return { host: entry.toLowerCase() };
  const [host, port] = entry.split(':');
  return { host: host.toLowerCase(), port: port ? Number(port) : undefined };
}

export interface Destination {
  readonly url: URL;
  /** The address to connect to: checked once here, then pinned (no second DNS answer can differ). */
  readonly address: string;
  readonly family: 4 | 6;
  readonly port: number;
}

/**
 * The options of a node:http(s) request to a checked destination: connect to its pinned address
 * (no second DNS answer), while TLS checks the certificate against the URL's host and Host names it.
 */
export function pinnedRequestOptions(destination: Destination, method: string, headers: Readonly<Record<string, string>>): RequestOptions {
  const { url } = destination;
  return {
    host: destination.address,
    family: destination.family,
    port: destination.port,
    path: `${url.pathname}${url.search}`,
    method,
    servername: url.protocol === 'https:' ? url.hostname.replace(/^\[|\]$/g, '') : undefined,
    headers: { ...headers, host: url.host },
  };
}

const refuse = (reason: string): ApiError => new ApiError(403, 'FORBIDDEN', `Destination not allowed: ${reason}`);

/**
 * Decides whether a URL may be fetched. DNS is resolved here and every answer must be public (or
 * allow-listed): one private record is enough to refuse, so rebinding between records fails too.
 */
export class SsrfGuard {
  private readonly allow: AllowEntry[];

  constructor(allowList: readonly string[]) {
    this.allow = allowList.map(parseAllowEntry);
  }

  async check(raw: string | URL): Promise<Destination> {
    let url: URL;
    try {
      url = raw instanceof URL ? raw : new URL(raw);
    } catch {
      throw ApiError.validation('url is not a valid absolute URL', [{ field: 'url', message: 'must be an absolute http(s) URL', code: 'INVALID_FORMAT' }]);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw refuse(`scheme ${url.protocol} is not http or https`);
    const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
    // WHATWG URL parsing already turned 0x7f.1, 2130706433 and 0177.0.0.1 into dotted IPv4.
    const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
    const addresses = isIP(host) ? [{ address: host, family: isIP(host) as 4 | 6 }] : await this.resolve(host);
    if (addresses.length === 0) throw refuse(`${host} has no address`);
    for (const { address } of addresses) {
      if (!isPublicAddress(address) && !this.allowed(host, address, port)) throw refuse(`${host} resolves to ${address}, a private or reserved address`);
    }
    return { url, address: addresses[0].address, family: addresses[0].family, port };
  }

  private allowed(host: string, address: string, port: number): boolean {
    return this.allow.some((entry) => {
      if (entry.port !== undefined && entry.port !== port) return false;
      if (entry.network) return entry.network.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');
      return entry.host === host || entry.host === address;
    });
  }

  private async resolve(host: string): Promise<Array<{ address: string; family: 4 | 6 }>> {
    try {
      const answers = await lookup(host, { all: true, verbatim: true });
      return answers.map((answer) => ({ address: answer.address, family: answer.family === 6 ? 6 : 4 }));
    } catch (error) {
      throw refuse(`${host} could not be resolved (${(error as NodeJS.ErrnoException).code ?? 'DNS error'})`);
    }
  }
}
