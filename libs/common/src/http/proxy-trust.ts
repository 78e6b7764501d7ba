import { BlockList, isIP } from 'node:net';

/** Which peers may speak for the client in `X-Forwarded-For`: how many proxies stand in front, or their addresses. */
export type ProxyTrustSetting = false | { readonly hops: number } | { readonly proxies: readonly string[] };

/** Fastify's `trustProxy` function: may the address `hop` steps from this server (0: the socket's peer) be believed? */
export type ProxyTrust = (address: string, hop: number) => boolean;

const compiled = new WeakMap<object, ProxyTrust>();

/** `::ffff:10.0.0.1`, as a dual-stack socket reports an IPv4 peer, is 10.0.0.1. */
function plainAddress(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

/** A CIDR (`10.0.0.0/8`, `fd00::/8`) or an address; throws on anything else. */
export function addTrustedProxy(list: BlockList, entry: string): void {
  const [address, prefix, extra] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) throw new Error(`"${entry.slice(0, 100)}" is not an IP address or CIDR`);
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (prefix === undefined) return list.addAddress(address, type);
  const bits = /^\d{1,3}$/.test(prefix) ? Number(prefix) : NaN;
  if (!(bits >= 0 && bits <= (family === 4 ? 32 : 128))) throw new Error(`"${entry.slice(0, 100)}" has a prefix length out of range`);
  list.addSubnet(address, bits, type);
}

/** The trust function of a setting, made once per setting; false when no proxy is trusted. */
export function proxyTrust(setting: ProxyTrustSetting): ProxyTrust | false {
  if (setting === false) return false;
  const known = compiled.get(setting);
  if (known) return known;
  let trust: ProxyTrust;
  if ('hops' in setting) {
    const hops = setting.hops;
    trust = (_address, hop) => hop < hops;
  } else {
    const list = new BlockList();
    for (const entry of setting.proxies) addTrustedProxy(list, entry);
    trust = (address) => {
      const plain = plainAddress(address);
      const family = isIP(plain);
      return family !== 0 && list.check(plain, family === 4 ? 'ipv4' : 'ipv6');
    };
  }
  compiled.set(setting, trust);
  return trust;
}
