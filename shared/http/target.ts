import { BlockList, isIP } from 'node:net';
import { config } from '../config';
import { AppError, SourceError } from '../errors';
import { classifyAddress, isAllowedAddress, systemLookup, type LookupAll, type ResolvedAddress } from './ssrf';

/**
 * The guard for connections a tenant's config aims that are not HTTP requests through our agent (database
 * sockets, SDK endpoints, local files), next to the HTTP one (agent.ts): the same address classes, plus an
 * operator allow-list for databases in a customer's VPC. Every refusal comes before a socket or file is
 * touched, with one message whatever is (or is not) listening there.
 */

/** Classes an operator's allow-list may open: networks a customer's database lives in. Never loopback or link-local. */
const LISTABLE = new Set(['private', 'unique-local', 'cgnat']);

interface AllowList {
  hosts: Set<string>;
  nets: BlockList;
}

/** Parses allow-list entries (host names, IPs, CIDRs); an entry that is none of them is a deploy mistake. */
export function parseAllowList(entries: string[]): AllowList {
  const hosts = new Set<string>();
  const nets = new BlockList();
  for (const e of entries) {
    const [ip, bits] = e.split('/');
    const family = isIP(ip);
    const type = family === 6 ? 'ipv6' : 'ipv4';
    if (family && bits !== undefined && /^\d{1,3}$/.test(bits)) nets.addSubnet(ip, Number(bits), type);
    else if (family && bits === undefined) nets.addAddress(ip, type);
    else if (/^[a-z0-9.-]+$/i.test(e)) hosts.add(e.toLowerCase());
    else throw new AppError('invalid_config', `PRIVATE_TARGET_ALLOWLIST: "${e}" is not a host name, IP address or CIDR`);
  }
  return { hosts, nets };
}

const refused = (what: string) => new SourceError('target_not_allowed', `${what} is not an address this service may connect to`);

function permitted(host: string, a: ResolvedAddress, list: AllowList, allowLoopback: boolean): boolean {
  if (isAllowedAddress(a.address, allowLoopback)) return true;
  if (!LISTABLE.has(classifyAddress(a.address))) return false;
  return list.hosts.has(host.toLowerCase()) || list.nets.check(a.address, a.family === 6 ? 'ipv6' : 'ipv4');
}

/**
 * Every address `host` resolves to must be public, loopback where local tools allow it, or private and named
 * by the operator's allow-list (`PRIVATE_TARGET_ALLOWLIST`). Returns the first checked address: connect to it
 * where nothing needs the name (no TLS), so a second DNS answer cannot swap in another address.
 * @example const { address } = await assertAllowedTarget(settings.host); // then connect
 */
export async function assertAllowedTarget(host: string, opts: { lookup?: LookupAll } = {}): Promise<ResolvedAddress> {
  const c = config();
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  const family = isIP(bare);
  let addresses: ResolvedAddress[] = [];
  try {
    addresses = family ? [{ address: bare, family: family === 6 ? 6 : 4 }] : await (opts.lookup ?? systemLookup)(bare);
  } catch {
    /* reported below */
  }
  if (!addresses.length) throw new SourceError('connection_failed', `Could not connect to ${host} (the host does not resolve)`, { retryable: true });
  const list = parseAllowList(c.PRIVATE_TARGET_ALLOWLIST);
  if (!addresses.every((a) => permitted(bare, a, list, c.ALLOW_LOOPBACK_TARGETS))) throw refused(host);
  return addresses[0];
}

/** Files on this machine (SQLite) are read only by local tools: the setting that lets them reach loopback. */
export function assertLocalFilesAllowed(): void {
  if (!config().ALLOW_LOOPBACK_TARGETS) throw new SourceError('target_not_allowed', 'SQLite files can only be read by a local Switchboard (npm start or the CLI), not by the deployed service');
}

const AWS_HOST = /(^|\.)amazonaws\.com(\.cn)?$/i;

/**
 * An AWS SDK endpoint override: AWS's own hosts (regional, FIPS and VPC endpoints are all under amazonaws.com)
 * over https. Anything else receives SigV4-signed requests, replayable for minutes, so it is a stand-in for
 * local tools only, signed with the tenant's own keys (never the role's), and through the target guard.
 */
export async function assertSdkEndpoint(endpoint: string | undefined, opts: { ownCredentials: boolean; lookup?: LookupAll }): Promise<void> {
  if (endpoint === undefined) return;
  const url = new URL(endpoint);
  if (url.protocol === 'https:' && AWS_HOST.test(url.hostname)) return;
  if (!config().ALLOW_LOOPBACK_TARGETS || !opts.ownCredentials) throw refused(`the endpoint ${url.hostname} (not an https://….amazonaws.com endpoint)`);
  await assertAllowedTarget(url.hostname, opts);
}
