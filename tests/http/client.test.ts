import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { apiKeyAuth, bearerAuth } from '../../shared/http/auth';
import { CircuitBreaker } from '../../shared/http/breaker';
import { HttpClient, parseRetryAfter } from '../../shared/http/client';
import { SlidingWindowLimiter } from '../../shared/http/limiter';
import { fakeClock } from '../helpers/clock';

async function serve(handler: (n: number, url: string, headers: Record<string, unknown>) => [number, Record<string, string>, string]) {
  let n = 0;
  const server: Server = createServer((req, res) => {
    const [status, headers, body] = handler(n++, req.url ?? '', req.headers);
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise<void>((r) => server.close(() => r())), count: () => n };
}

const noWait = async () => undefined;

describe('Function: parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter('0.5')).toBe(500);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});

describe('Class: SlidingWindowLimiter', () => {
  it('never lets more than N requests start in any window, and runs at the allowed rate', async () => {
    let now = 0;
    const limiter = new SlidingWindowLimiter({ requests: 5, windowMs: 1000 }, () => now, async (ms) => {
      now += ms;
    });
    const starts: number[] = [];
    for (let i = 0; i < 23; i++) {
      await limiter.acquire();
      starts.push(now);
    }
    for (let i = 5; i < starts.length; i++) expect(starts[i] - starts[i - 5]).toBeGreaterThanOrEqual(1000);
    // 23 requests at 5/s: the last starts just after 4 windows.
    expect(starts[22]).toBeLessThanOrEqual(4 * 1001 + 5);
    expect(limiter.waitedMs).toBeGreaterThan(0);
  });

  it('counts a request from its response, so a slow request never lets the window run ahead of the vendor', async () => {
    let now = 0;
    const limiter = new SlidingWindowLimiter({ requests: 1, windowMs: 1000 }, () => now, async (ms) => {
      now += ms;
    });
    const a = await limiter.acquire();
    now = 300;
    limiter.settle(a.slot); // the first request's response came back at 300 ms
    await limiter.acquire(); // the next may start only once the settled slot has left the window
    expect(now).toBeGreaterThanOrEqual(1300);
  });

  it('holds every request until a Retry-After pause is over', async () => {
    let now = 0;
    const limiter = new SlidingWindowLimiter({ requests: 100, windowMs: 1000 }, () => now, async (ms) => {
      now += ms;
    });
    limiter.pauseUntil(2500);
    await limiter.acquire();
    expect(now).toBeGreaterThanOrEqual(2500);
  });
});

describe('Class: CircuitBreaker', () => {
  it('opens after the threshold of consecutive failures and closes after the cooldown', () => {
    let now = 0;
    const b = new CircuitBreaker(3, 1000, () => now);
    b.failure();
    b.failure();
    expect(b.open).toBe(false);
    b.failure();
    expect(b.open).toBe(true);
    now = 1001;
    expect(b.open).toBe(false);
    b.success();
    expect(b.open).toBe(false);
  });
});

describe('Class: HttpClient', () => {
  it('retries 5xx and network-level failures, then succeeds, counting retries', async () => {
    const srv = await serve((n) => (n < 2 ? [503, {}, '{"error":"down"}'] : [200, {}, '{"ok":true}']));
    try {
      const c = new HttpClient({ connector: 'test', integrationId: 'i', baseUrl: srv.url, sleep: noWait });
      const res = await c.request<{ ok: boolean }>({ url: '/x' });
      expect(res.body.ok).toBe(true);
      expect(c.stats).toMatchObject({ requests: 3, retries: 2 });
    } finally {
      await srv.close();
    }
  });

  it('retries a request that got no answer, or whose body stalled, within its time, and says so when it never comes', async () => {
    let n = 0;
    const server: Server = createServer((req, res) => {
      n++;
      if (req.url === '/never' || n === 1) return; // holds the request: no headers ever
      if (n === 2) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"ok":'); // then the body stalls
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const attempts: (string | number | undefined)[] = [];
      const c = new HttpClient({ connector: 'test', integrationId: 'i', baseUrl: url, sleep: noWait, timeoutMs: 150, onAttempt: (a) => attempts.push(a.error ?? a.status) });
      const res = await c.request<{ ok: boolean }>({ url: '/x' });
      expect(res.body.ok).toBe(true);
      expect(c.stats).toMatchObject({ requests: 3, retries: 2 });
      expect(attempts.slice(0, 3)).toEqual(['timeout', 'timeout', 200]);
      await expect(c.request({ url: '/never' })).rejects.toMatchObject({ code: 'network_error', retryable: true, message: expect.stringMatching(/no answer within 150 ms/) });
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('names connector, stream, method, path and status in errors, and never the credential', async () => {
    const secret = 'sk_live_very_secret_value';
    const srv = await serve(() => [404, {}, '{"message":"nope"}']);
    try {
      for (const auth of [bearerAuth(secret), apiKeyAuth(secret, { query: 'api_key' })]) {
        const c = new HttpClient({ connector: 'acme', integrationId: 'i', baseUrl: srv.url, auth, sleep: noWait });
        const err = await c.request({ url: '/v1/things', stream: 'things' }).catch((e) => e);
        expect(err.code).toBe('endpoint_not_found');
        expect(err.message).toMatch(/^Endpoint Not Found: acme\/things GET \/v1\/things answered 404/);
        expect(err.message).not.toContain(secret);
      }
    } finally {
      await srv.close();
    }
  });

  it('gives up on a persistent 429 once the rate-limit budget is spent, retryable at the end of the wait', async () => {
    const srv = await serve(() => [429, { 'retry-after': '30' }, '{}']);
    try {
      const clock = fakeClock();
      const c = new HttpClient({ connector: 'acme', integrationId: 'i', baseUrl: srv.url, ...clock, retry: { rateLimitBudgetMs: 100_000 } });
      const err = await c.request({ url: '/x' }).catch((e) => e);
      expect(err).toMatchObject({ code: 'rate_limited', retryable: true, status: 429 });
      expect(err.message).toMatch(/Rate Limit Exceeded/);
      // 30 s waits while they fit the 100 s budget: three waits, the fourth 429 ends the request.
      expect(c.stats).toMatchObject({ requests: 4, http429: 4, retries: 0 });
      expect(err.retryAt).toBeGreaterThanOrEqual(clock.now() + 30_000);
    } finally {
      await srv.close();
    }
  });

  it("waits the vendor's default penalty after a 429 that carries no Retry-After", async () => {
    const srv = await serve((n) => (n === 0 ? [429, {}, '{}'] : [200, {}, '{"ok":1}']));
    try {
      const waits: number[] = [];
      const c = new HttpClient({
        connector: 'acme',
        integrationId: 'i',
        baseUrl: srv.url,
        retry: { defaultRetryAfterMs: 60_000 },
        sleep: async (ms) => void waits.push(ms),
      });
      expect((await c.request({ url: '/x' })).status).toBe(200);
      expect(waits).toHaveLength(1);
      expect(waits[0]).toBeGreaterThanOrEqual(60_000);
    } finally {
      await srv.close();
    }
  });

  it('refreshes credentials once on a 401 and retries the request', async () => {
    let token = 'old';
    const srv = await serve((_n, _u, h) => (h.authorization === 'Bearer new' ? [200, {}, '{"ok":1}'] : [401, {}, '{}']));
    try {
      let refreshes = 0;
      const auth = {
        apply: (headers: Record<string, string>) => void (headers.authorization = `Bearer ${token}`),
        refresh: async () => {
          refreshes++;
          token = 'new';
          return true;
        },
      };
      const c = new HttpClient({ connector: 'acme', integrationId: 'i', baseUrl: srv.url, auth, sleep: noWait });
      expect((await c.request({ url: '/x' })).status).toBe(200);
      expect(refreshes).toBe(1);
      token = 'bad';
      auth.refresh = async () => {
        refreshes++;
        return true;
      };
      const err = await c.request({ url: '/x' }).catch((e) => e);
      expect(err.code).toBe('auth_failed');
      expect(refreshes).toBe(2);
    } finally {
      await srv.close();
    }
  });
});
