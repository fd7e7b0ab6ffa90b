import { setLogSink } from '../../shared/log';

// The AWS SDK warns once per process that Node 20 support ends in 2027; Lambda runs nodejs22.x.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.ALLOW_LOOPBACK_TARGETS = 'true';
// Log lines are dropped unless a test captures them (startTestStack does, to grep them for secrets).
if (!process.env.SHOW_LOGS) setLogSink(() => undefined);

// Tests talk to loopback only. Any socket aimed elsewhere (a refused SSRF target that slipped past its guard, an
// SDK's default endpoint, a real vendor host) fails here before a packet leaves: an address at connect, a name
// when its lookup answers (a test may name a host its own lookup maps to 127.0.0.1).
import dns from 'node:dns';
import net from 'node:net';
const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
const refuse = (to: string) => new Error(`test tried to open a connection to ${to}: tests reach 127.0.0.1/::1 only`);
type Lookup = (host: string, o: object, cb: (err: Error | null, address?: unknown, family?: number) => void) => void;
const loopbackOnly =
  (inner: Lookup): Lookup =>
  (host, o, cb) =>
    inner(host, o, (err, address, family) => {
      const found = (Array.isArray(address) ? address.map((a: { address: string }) => a.address) : [address]) as string[];
      if (!err && found.some((a) => !LOOPBACK.has(a))) return cb(refuse(`${host} (${found.join(', ')})`));
      cb(err, address, family);
    });
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
  // connect(options | [options, cb]) or connect(port, host?, cb?); a Unix socket path is local by nature.
  const normalized = Array.isArray(args[0]);
  const opts = (normalized ? (args[0] as unknown[])[0] : args[0]) as { host?: string; path?: string; lookup?: Lookup } | number;
  if (typeof opts !== 'object' || opts === null) {
    const host = typeof args[1] === 'string' ? args[1] : 'localhost';
    if (host !== 'localhost' && !LOOPBACK.has(host)) throw refuse(host);
  } else if (!opts.path) {
    const host = (opts.host ?? 'localhost').replace(/^\[|\]$/g, '');
    if (net.isIP(host) && !LOOPBACK.has(host)) throw refuse(host);
    if (!net.isIP(host)) opts.lookup = loopbackOnly(opts.lookup ?? (dns.lookup as unknown as Lookup));
  }
  return (connect as (...a: unknown[]) => net.Socket).apply(this, args);
} as typeof net.Socket.prototype.connect;
