import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { UndeliverableUrlError } from './errors';

/**
 * SSRF guard for tenant-supplied URLs (notification channels, connector base and token URLs). Lambda can reach the VPC and the instance metadata
 * endpoint (169.254.169.254), so every address a host resolves to must be public. Deliver to the address
 * returned here (see deliver.ts) so a second DNS answer cannot swap in an internal address (DNS rebinding).
 */

export type AddressClass =
  | 'public'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'unique-local'
  | 'unspecified'
  | 'cgnat'
  | 'multicast'
  | 'reserved';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

export interface DeliverableTarget extends ResolvedAddress {
  url: URL;
  /** The host name to send in Host / SNI (the URL's hostname, brackets removed). */
  hostname: string;
}

/** Resolves every address of a host; injectable so tests can play a resolver without touching DNS. */
export type LookupAll = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemLookup: LookupAll = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));

function v4ToInt(ip: string): number {
  return ip.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
}

// [network, prefix length, class]
const V4_RANGES: Array<[string, number, AddressClass]> = [
  ['0.0.0.0', 8, 'unspecified'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'cgnat'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'], // incl. 169.254.169.254, the instance metadata service
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'reserved'], // IETF protocol assignments
  ['192.0.2.0', 24, 'reserved'], // documentation
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'reserved'], // benchmarking
  ['198.51.100.0', 24, 'reserved'],
  ['203.0.113.0', 24, 'reserved'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'], // incl. 255.255.255.255
];

function classifyV4(ip: string): AddressClass {
  const n = v4ToInt(ip);
  for (const [net, bits, cls] of V4_RANGES) {
    const size = 2 ** (32 - bits);
    const base = v4ToInt(net);
    if (n >= base && n < base + size) return cls;
  }
  return 'public';
}

/** Eight 16-bit groups of an IPv6 address (handles `::` and a trailing dotted IPv4). */
function v6Groups(ip: string): number[] {
  let text = ip.toLowerCase().split('%')[0];
  const dotted = text.match(/(\d+\.\d+\.\d+\.\d+)$/);
  if (dotted) {
    const n = v4ToInt(dotted[1]);
    text = text.slice(0, -dotted[1].length) + `${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const parse = (s: string | undefined) => (s ? s.split(':').map((g) => parseInt(g, 16)) : []);
  const h = parse(head);
  const t = parse(tail);
  const zeros = tail === undefined ? [] : new Array(8 - h.length - t.length).fill(0);
  return [...h, ...zeros, ...t];
}

function embeddedV4(g: number[], at: number): string {
  return [g[at] >> 8, g[at] & 0xff, g[at + 1] >> 8, g[at + 1] & 0xff].join('.');
}

function classifyV6(ip: string): AddressClass {
  const g = v6Groups(ip);
  const zeroUpTo = (n: number) => g.slice(0, n).every((x) => x === 0);
  if (zeroUpTo(8)) return 'unspecified';
  if (zeroUpTo(7) && g[7] === 1) return 'loopback';
  // IPv4-mapped ::ffff:a.b.c.d and the deprecated IPv4-compatible ::a.b.c.d: judge the IPv4 address.
  if (zeroUpTo(5) && g[5] === 0xffff) return classifyV4(embeddedV4(g, 6));
  if (zeroUpTo(6)) return classifyV4(embeddedV4(g, 6));
  // NAT64 well-known prefix 64:ff9b::/96 and 6to4 2002::/16 reach the embedded IPv4 host.
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return classifyV4(embeddedV4(g, 6));
  if (g[0] === 0x2002) return classifyV4(embeddedV4(g, 1));
  if ((g[0] & 0xffc0) === 0xfe80) return 'link-local';
  if ((g[0] & 0xffc0) === 0xfec0) return 'private'; // deprecated site-local
  if ((g[0] & 0xfe00) === 0xfc00) return 'unique-local';
  if ((g[0] & 0xff00) === 0xff00) return 'multicast';
  return 'public';
}

/** Classifies an IP literal; throws on something that is not one. */
export function classifyAddress(ip: string): AddressClass {
  const family = isIP(ip);
  if (family === 4) return classifyV4(ip);
  if (family === 6) return classifyV6(ip);
  throw new Error('not an IP address');
}

function allowed(cls: AddressClass, allowLoopback: boolean): boolean {
  return cls === 'public' || (allowLoopback && cls === 'loopback');
}

/** Whether an IP may be connected to: public, or loopback where the local stack allows it. */
export function isAllowedAddress(ip: string, allowLoopback: boolean): boolean {
  return allowed(classifyAddress(ip), allowLoopback);
}

/**
 * Checks that `url` is http(s) and that every address its host resolves to is public (or loopback when
 * `allowLoopback`, for the local stack and tests). Returns the address to connect to.
 * @example const target = await assertDeliverableUrl(channel.url, { allowLoopback: config.local });
 */
export async function assertDeliverableUrl(
  url: string,
  opts: { allowLoopback?: boolean; lookup?: LookupAll } = {},
): Promise<DeliverableTarget> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UndeliverableUrlError('not a valid URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new UndeliverableUrlError('only http and https URLs are allowed');
  const hostname = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!hostname) throw new UndeliverableUrlError('the URL has no host');

  let addresses: ResolvedAddress[];
  const literal = isIP(hostname);
  if (literal) {
    addresses = [{ address: hostname, family: literal === 6 ? 6 : 4 }];
  } else {
    try {
      addresses = await (opts.lookup ?? systemLookup)(hostname);
    } catch {
      throw new UndeliverableUrlError('the host does not resolve', true);
    }
    if (addresses.length === 0) throw new UndeliverableUrlError('the host does not resolve');
  }

  // Refuse when any answer is internal: the resolver could hand the connection any of them.
  for (const a of addresses) {
    if (!allowed(classifyAddress(a.address), opts.allowLoopback ?? false)) {
      throw new UndeliverableUrlError('the host resolves to a private, loopback, link-local or reserved address');
    }
  }
  return { url: parsed, hostname, address: addresses[0].address, family: addresses[0].family };
}
