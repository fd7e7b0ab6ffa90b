import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import { Agent } from 'undici';
import { config } from '../config';
import { TargetNotAllowedError } from './errors';
import { isAllowedAddress } from './ssrf';

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * Resolves like dns.lookup, then refuses internal answers. Used as the sockets' own lookup, so the address
 * checked is the address connected to (no second DNS answer can swap in 169.254.169.254 or the Lambda
 * runtime API on 127.0.0.1).
 */
function guardedLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, '');
    const list = addresses as LookupAddress[];
    const loopback = config().ALLOW_LOOPBACK_TARGETS;
    if (!list.length || list.some((a) => !isAllowedAddress(a.address, loopback))) return callback(new TargetNotAllowedError(hostname), '');
    if (options.all) return callback(null, list);
    callback(null, list[0].address, list[0].family);
  });
}

/** Throws when a URL's host is an IP literal that may not be reached (literals skip the lookup). */
export function assertAllowedHost(url: URL): void {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (isIP(host) && !isAllowedAddress(host, config().ALLOW_LOOPBACK_TARGETS)) throw new TargetNotAllowedError(host);
}

/** One agent per process for every source request: keep-alive per origin, internal addresses refused. */
export const sourceAgent = new Agent({ keepAliveTimeout: 30_000, connections: 16, connect: { lookup: guardedLookup as never } });
