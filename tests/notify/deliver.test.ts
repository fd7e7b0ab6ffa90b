import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { deliverSlack, deliverWebhook, formatSlack, generateWebhookSecret, verifySwitchboardSignature } from '../../shared/notify';
import { startReceiver } from './receiver';

const payload = { integrationId: 'int_1', integrationName: 'HubSpot CRM', type: 'hubspot', runId: 'run_1', error: 'Rate Limit Exceeded' };

function recordingSleep() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

describe('Function: deliverWebhook', () => {
  it('delivers a signed JSON body that a receiver verifies', async () => {
    const secret = generateWebhookSecret();
    const rx = await startReceiver((_n, req) => (verifySwitchboardSignature({ headers: req.headers, body: req.body, secret }).ok ? 204 : 401));
    try {
      const log = await deliverWebhook({ url: `${rx.url}/hooks/sb`, secret, event: 'run.failed', payload, allowLoopback: true });
      expect(log.outcome).toBe('delivered');
      expect(log.attempts).toEqual([{ status: 204, at: expect.any(String) }]);
      expect(rx.received).toHaveLength(1);
      const req = rx.received[0];
      expect(req.headers['content-type']).toBe('application/json');
      expect(req.headers['x-switchboard-event']).toBe('run.failed');
      expect(req.headers['x-switchboard-delivery']).toBe(log.deliveryId);
      expect(JSON.parse(req.body.toString())).toEqual({ id: log.deliveryId, event: 'run.failed', createdAt: expect.any(String), data: payload });
      // And a receiver holding another secret would have refused it.
      expect(verifySwitchboardSignature({ headers: req.headers, body: req.body, secret: generateWebhookSecret() }).ok).toBe(false);
    } finally {
      await rx.close();
    }
  });

  it('retries 5xx with backoff: two 500s then a 200 give one delivery and three logged attempts', async () => {
    const secret = generateWebhookSecret();
    let successes = 0;
    const rx = await startReceiver((n, req) => {
      if (!verifySwitchboardSignature({ headers: req.headers, body: req.body, secret }).ok) return 401;
      if (n < 2) return 500;
      successes++;
      return 200;
    });
    const { waits, sleep } = recordingSleep();
    try {
      const log = await deliverWebhook({ url: rx.url, secret, event: 'run.failed', payload, allowLoopback: true, sleep, backoffMs: 100 });
      expect(log.outcome).toBe('delivered');
      expect(log.attempts.map((a) => a.status)).toEqual([500, 500, 200]);
      expect(successes).toBe(1);
      expect(rx.received).toHaveLength(3);
      expect(new Set(rx.received.map((r) => r.headers['x-switchboard-delivery'])).size).toBe(1);
      expect(waits).toEqual([100, 200]);
    } finally {
      await rx.close();
    }
  });

  it('does not retry a 4xx', async () => {
    const rx = await startReceiver(() => 410);
    const { waits, sleep } = recordingSleep();
    try {
      const log = await deliverWebhook({ url: rx.url, secret: 's'.repeat(32), event: 'run.succeeded', payload, allowLoopback: true, sleep });
      expect(log.outcome).toBe('failed');
      expect(log.attempts.map((a) => a.status)).toEqual([410]);
      expect(rx.received).toHaveLength(1);
      expect(waits).toEqual([]);
    } finally {
      await rx.close();
    }
  });

  it('does not follow a redirect (it could point inside the network) and does not retry it', async () => {
    const rx = await startReceiver(() => 302);
    try {
      const log = await deliverWebhook({ url: rx.url, secret: 's'.repeat(32), event: 'run.failed', payload, allowLoopback: true, sleep: async () => {} });
      expect(log.outcome).toBe('failed');
      expect(log.attempts.map((a) => a.status)).toEqual([302]);
      expect(rx.received).toHaveLength(1);
    } finally {
      await rx.close();
    }
  });

  it('gives up after 3 attempts of 5xx', async () => {
    const rx = await startReceiver(() => 503);
    try {
      const log = await deliverWebhook({ url: rx.url, secret: 's'.repeat(32), event: 'run.failed', payload, allowLoopback: true, sleep: async () => {} });
      expect(log.outcome).toBe('failed');
      expect(log.attempts.map((a) => a.status)).toEqual([503, 503, 503]);
      expect(rx.received).toHaveLength(3);
    } finally {
      await rx.close();
    }
  });

  it('retries a timed-out attempt', async () => {
    const rx = await startReceiver((n) => (n === 0 ? 'hang' : 200));
    try {
      const log = await deliverWebhook({ url: rx.url, secret: 's'.repeat(32), event: 'run.failed', payload, allowLoopback: true, sleep: async () => {}, timeoutMs: 300 });
      expect(log.attempts.map((a) => a.error ?? a.status)).toEqual(['timeout', 200]);
      expect(log.outcome).toBe('delivered');
    } finally {
      await rx.close();
    }
  });

  it('retries network errors and reports their code', async () => {
    // A port that was just free: nothing listens there.
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const log = await deliverWebhook({ url: `http://127.0.0.1:${port}/`, secret: 's'.repeat(32), event: 'run.failed', payload, allowLoopback: true, sleep: async () => {} });
    expect(log.outcome).toBe('failed');
    expect(log.attempts.map((a) => a.error)).toEqual(['ECONNREFUSED', 'ECONNREFUSED', 'ECONNREFUSED']);
  });

  it('refuses a loopback target unless allowLoopback, without sending anything or retrying', async () => {
    const rx = await startReceiver(() => 200);
    try {
      const log = await deliverWebhook({ url: rx.url, secret: 's'.repeat(32), event: 'run.failed', payload, sleep: async () => {} });
      expect(log.outcome).toBe('failed');
      expect(log.attempts.map((a) => a.error)).toEqual(['target_not_allowed']);
      expect(rx.received).toHaveLength(0);
    } finally {
      await rx.close();
    }
  });

  it('connects to the vetted address while keeping the host name in the Host header', async () => {
    const rx = await startReceiver(() => 200);
    try {
      const lookup = async (host: string) => (host === 'receiver.invalid' ? [{ address: '127.0.0.1', family: 4 as const }] : []);
      const log = await deliverWebhook({ url: `http://receiver.invalid:${rx.port}/in`, secret: 's'.repeat(32), event: 'run.failed', payload, allowLoopback: true, lookup });
      expect(log.outcome).toBe('delivered');
      expect(rx.received[0].headers.host).toBe(`receiver.invalid:${rx.port}`);
      // The same name answering with the metadata address is refused before any connection.
      const evil = async () => [{ address: '169.254.169.254', family: 4 as const }];
      const refused = await deliverWebhook({ url: `http://receiver.invalid:${rx.port}/in`, secret: 's'.repeat(32), event: 'run.failed', payload, allowLoopback: true, lookup: evil });
      expect(refused.attempts.map((a) => a.error)).toEqual(['target_not_allowed']);
      expect(rx.received).toHaveLength(1);
    } finally {
      await rx.close();
    }
  });

  it('logs the URL without its query string or credentials', async () => {
    const rx = await startReceiver(() => 200);
    try {
      const url = `http://user:pa55word@127.0.0.1:${rx.port}/hook?token=topsecretvalue`;
      const log = await deliverWebhook({ url, secret: 's'.repeat(32), event: 'run.failed', payload, allowLoopback: true });
      expect(log.outcome).toBe('delivered');
      expect(log.url).toBe(`http://127.0.0.1:${rx.port}/hook`);
      expect(JSON.stringify(log)).not.toMatch(/topsecretvalue|pa55word/);
      expect(rx.received[0].url).toBe('/hook?token=topsecretvalue');
    } finally {
      await rx.close();
    }
  });
});

describe('Function: deliverSlack', () => {
  it('posts { text, blocks } unsigned, with the same retry and SSRF guard', async () => {
    const rx = await startReceiver((n) => (n === 0 ? 500 : 200));
    try {
      const message = formatSlack('run.failed', payload);
      const log = await deliverSlack({ url: `${rx.url}/services/T000/B000/abcdefghijklmnop1234`, event: 'run.failed', message, allowLoopback: true, sleep: async () => {} });
      expect(log.outcome).toBe('delivered');
      expect(log.attempts.map((a) => a.status)).toEqual([500, 200]);
      expect(log.url).toBe(`${rx.url}/services/T000/B000/***`);
      expect(JSON.parse(rx.received[1].body.toString())).toEqual(message);
      expect(rx.received[1].headers['x-switchboard-signature']).toBeUndefined();

      const refused = await deliverSlack({ url: 'http://169.254.169.254/latest/meta-data', event: 'run.failed', message, allowLoopback: true });
      expect(refused.outcome).toBe('failed');
      expect(refused.attempts.map((a) => a.error)).toEqual(['target_not_allowed']);
    } finally {
      await rx.close();
    }
  });
});
