import type { LookupAddress, LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import { config } from '../config';
import { TargetNotAllowedError } from './errors';
import { isAllowedAddress, type LookupAll, systemLookup } from './ssrf';
import { pools, type Pools } from './wire';

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * Which addresses outbound requests may reach: public ones, and loopback where the local stack allows it
 * (default: ALLOW_LOOPBACK_TARGETS). `lookup` resolves host names (tests play a resolver without DNS).
 */
export interface TargetPolicy {
  allowLoopback?: boolean;
  lookup?: LookupAll;
}

const allowsLoopback = (policy: TargetPolicy) => policy.allowLoopback ?? config().ALLOW_LOOPBACK_TARGETS;

/**
 * Resolves a host, then refuses internal answers. Used as the sockets' own lookup, so the address checked is
 * the address connected to (no second DNS answer can swap in 169.254.169.254 or the Lambda runtime API on
 * 127.0.0.1). The one place every outbound connection is vetted.
 */
function guardedLookup(policy: TargetPolicy) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    (policy.lookup ?? systemLookup)(hostname).then(
      (list) => {
        if (!list.length || list.some((a) => !isAllowedAddress(a.address, allowsLoopback(policy)))) return callback(new TargetNotAllowedError(hostname), '');
        if (options.all) return callback(null, list);
        callback(null, list[0].address, list[0].family);
      },
      (err: NodeJS.ErrnoException) => callback(err, ''),
    );
  };
}

/** Throws when a URL's host is an IP literal that may not be reached (literals skip the lookup). */
export function assertAllowedHost(url: URL, policy: TargetPolicy = {}): void {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (isIP(host) && !isAllowedAddress(host, allowsLoopback(policy))) throw new TargetNotAllowedError(host);
}

const agents = new Map<string, Pools>();
const resolverIds = new WeakMap<LookupAll, number>();
let resolvers = 0;

/**
 * The agent for a policy: keep-alive per origin, internal addresses refused at connect time. One per process
 * for the default policy (every source request); tests with their own resolver get their own.
 */
export function guardedAgent(policy: TargetPolicy = {}): Pools {
  const lookup = policy.lookup;
  if (lookup && !resolverIds.has(lookup)) resolverIds.set(lookup, ++resolvers);
  const key = `${policy.allowLoopback ?? 'config'}:${lookup ? resolverIds.get(lookup) : 'dns'}`;
  let agent = agents.get(key);
  if (!agent) agents.set(key, (agent = pools(guardedLookup(policy) as never)));
  return agent;
}
