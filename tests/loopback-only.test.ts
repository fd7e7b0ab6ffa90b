import net from 'node:net';

// tests/helpers/env.ts keeps every test on loopback; this shows the tripwire bites before any packet leaves.
describe('Tests reach loopback only', () => {
  it('refuses an address outside loopback at connect, synchronously', () => {
    for (const host of ['10.0.0.1', '169.254.169.254', '8.8.8.8', '::ffff:10.0.0.1'])
      expect(() => net.connect({ host, port: 9 })).toThrow(/tests reach 127\.0\.0\.1\/::1 only/);
    expect(() => net.connect(9, '192.168.1.10')).toThrow(/tests reach/);
  });

  it('refuses a name whose lookup answers outside loopback, and lets one that answers 127.0.0.1 through', async () => {
    const error = (lookupTo: string) =>
      new Promise<Error | undefined>((resolve) => {
        const lookup = (_h: string, o: { all?: boolean }, cb: (e: Error | null, a: unknown, f?: number) => void) =>
          o.all ? cb(null, [{ address: lookupTo, family: 4 }]) : cb(null, lookupTo, 4);
        const s = net.connect({ host: 'vendor.invalid', port: 9, lookup: lookup as never });
        s.on('error', (e) => resolve(e));
        s.on('connect', () => (s.destroy(), resolve(undefined)));
      });
    expect((await error('203.0.113.5'))?.message).toMatch(/vendor\.invalid \(203\.0\.113\.5\).*tests reach/);
    // Port 9 on loopback refuses the connection: the error is the kernel's, not the tripwire's.
    expect((await error('127.0.0.1'))?.message).toMatch(/ECONNREFUSED/);
  });
});
