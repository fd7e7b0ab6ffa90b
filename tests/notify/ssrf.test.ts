import { UndeliverableUrlError, assertDeliverableUrl, classifyAddress } from '../../shared/notify';

const refused = async (url: string, opts = {}) => {
  await expect(assertDeliverableUrl(url, opts)).rejects.toBeInstanceOf(UndeliverableUrlError);
};

describe('Function: assertDeliverableUrl', () => {
  const internal = [
    'http://10.0.0.1/', 'http://10.255.255.255/', 'http://172.16.0.1/', 'http://172.31.255.254/', 'http://192.168.1.10:8080/x',
    'http://127.0.0.1/', 'http://127.9.9.9/', 'http://169.254.169.254/latest/meta-data/', 'http://169.254.1.1/',
    'http://0.0.0.0/', 'http://0.1.2.3/', 'http://100.64.0.1/', 'http://100.127.255.255/',
    'http://[::1]/', 'http://[::]/', 'http://[fe80::1]/', 'http://[febf::1]/', 'http://[fc00::1]/', 'http://[fd12:3456::1]/',
    'http://[::ffff:169.254.169.254]/', 'http://[::ffff:10.0.0.1]/', 'http://[::ffff:7f00:1]/', 'http://[64:ff9b::a9fe:a9fe]/',
    'http://[2002:a9fe:a9fe::1]/', 'http://[ff02::1]/', 'http://224.0.0.1/', 'http://255.255.255.255/',
    // Alternative IPv4 spellings that the URL parser normalises to 127.0.0.1 / 169.254.169.254.
    'http://0x7f.1/', 'http://2130706433/', 'http://0251.0376.0251.0376/',
  ];

  it.each(internal)('refuses %s', async (url) => {
    await refused(url);
  });

  it('refuses localhost through the system resolver', async () => {
    await refused('http://localhost:8080/hook');
  });

  it('refuses schemes other than http(s) and unparseable URLs', async () => {
    for (const url of ['ftp://example.com/', 'file:///etc/passwd', 'gopher://1.1.1.1/', 'javascript:alert(1)', 'not a url']) await refused(url);
  });

  it('allows loopback only when allowLoopback is set, and nothing else extra', async () => {
    await expect(assertDeliverableUrl('http://127.0.0.1:9/x', { allowLoopback: true })).resolves.toMatchObject({ address: '127.0.0.1', family: 4 });
    await expect(assertDeliverableUrl('http://[::1]:9/x', { allowLoopback: true })).resolves.toMatchObject({ address: '::1', family: 6 });
    const local = await assertDeliverableUrl('http://localhost:9/x', { allowLoopback: true });
    expect(['127.0.0.1', '::1']).toContain(local.address);
    for (const url of ['http://10.0.0.1/', 'http://169.254.169.254/', 'http://[fe80::1]/', 'http://[::ffff:192.168.0.1]/', 'http://100.64.0.1/']) {
      await refused(url, { allowLoopback: true });
    }
  });

  it('accepts public literal addresses', async () => {
    for (const url of ['https://8.8.8.8/', 'http://172.32.0.1/', 'http://100.128.0.1/', 'http://169.255.0.1/', 'https://[2606:4700:4700::1111]/']) {
      await expect(assertDeliverableUrl(url)).resolves.toMatchObject({ hostname: new URL(url).hostname.replace(/[[\]]/g, '') });
    }
  });

  it('checks every resolved address and returns the first', async () => {
    const lookup = async (host: string) =>
      host === 'mixed.test'
        ? [{ address: '93.184.216.34', family: 4 as const }, { address: '10.1.2.3', family: 4 as const }]
        : [{ address: '93.184.216.34', family: 4 as const }, { address: '2606:2800:220:1::1', family: 6 as const }];
    await refused('https://mixed.test/hook', { lookup });
    const ok = await assertDeliverableUrl('https://public.test/hook', { lookup });
    expect(ok).toMatchObject({ address: '93.184.216.34', family: 4, hostname: 'public.test' });
  });

  it('marks a resolver failure retryable and a refused address final', async () => {
    const failing = async () => {
      throw Object.assign(new Error('getaddrinfo EAI_AGAIN'), { code: 'EAI_AGAIN' });
    };
    const dns = await assertDeliverableUrl('https://x.test/', { lookup: failing }).catch((e: UndeliverableUrlError) => e);
    expect(dns).toBeInstanceOf(UndeliverableUrlError);
    expect((dns as UndeliverableUrlError).retryable).toBe(true);
    const bad = await assertDeliverableUrl('http://10.0.0.1/').catch((e: UndeliverableUrlError) => e);
    expect((bad as UndeliverableUrlError).retryable).toBe(false);
    expect((bad as UndeliverableUrlError).message).not.toContain('10.0.0.1');
  });
});

describe('Function: classifyAddress', () => {
  it('names the class of an address', () => {
    expect(classifyAddress('169.254.169.254')).toBe('link-local');
    expect(classifyAddress('100.64.0.1')).toBe('cgnat');
    expect(classifyAddress('172.20.0.1')).toBe('private');
    expect(classifyAddress('::ffff:127.0.0.1')).toBe('loopback');
    expect(classifyAddress('fd00::1')).toBe('unique-local');
    expect(classifyAddress('1.1.1.1')).toBe('public');
    expect(() => classifyAddress('example.com')).toThrow();
  });
});
