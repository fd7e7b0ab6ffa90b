import { callrail } from '../../shared/connectors/callrail';
import { CallrailConfigSchema } from '../../shared/connectors/callrail/spec';
import type { CallrailConfig } from '../../shared/connectors/callrail/spec';
import { HttpClient } from '../../shared/http/client';
import { SlidingWindowLimiter } from '../../shared/http/limiter';
import { HttpLimits } from '../../shared/http/limits';
import { startServer, jsonSender } from '../sandboxes/kit';
import { startCallrailSandbox, type CallrailSandbox } from '../sandboxes/callrail';
import { fakeClock } from '../helpers/clock';

const HOUR = 3_600_000;
const DAY = 86_400_000;
const API_KEY = 'cr-key-5a1b2c3d4e5f60718293a4b5c6d7e8f9';
const ACCOUNT = 'ACC8154748ae6bd4e278a7cddd38a662f4f';

describe('Class: SlidingWindowLimiter with several windows', () => {
  it('keeps every window: 2 an hour and 3 a day', async () => {
    const clock = fakeClock(0);
    const limiter = new SlidingWindowLimiter([{ requests: 3, windowMs: DAY }, { requests: 2, windowMs: HOUR }], clock.now, clock.sleep);
    const starts: number[] = [];
    for (let i = 0; i < 6; i++) {
      await limiter.acquire();
      starts.push(clock.now());
    }
    // The hour window holds the third, the day window the fourth, the hour window again the sixth.
    expect(starts).toEqual([0, 0, HOUR + 1, DAY + 1, DAY + 1, DAY + HOUR + 2]);
  });

  it('says when the windows reopen instead of waiting longer than allowed', async () => {
    const clock = fakeClock(0);
    const limiter = new SlidingWindowLimiter([{ requests: 1, windowMs: DAY }], clock.now, clock.sleep);
    await limiter.acquire(10);
    expect(await limiter.acquire(60_000)).toEqual({ refusedUntil: DAY + 1 });
    expect(clock.now()).toBe(0);
  });
});

describe('Class: HttpLimits', () => {
  it('shares a limiter and a breaker within one process wiring (App.limits), never across two', () => {
    const a = new HttpLimits();
    const b = new HttpLimits();
    const limit = { requests: 5, windowMs: 1000 };
    expect(a.limiter('hubspot:i', limit)).toBe(a.limiter('hubspot:i', { ...limit }));
    expect(a.limiter('hubspot:i', limit)).not.toBe(b.limiter('hubspot:i', limit));
    expect(a.breaker('https://api.hubapi.com')).toBe(a.breaker('https://api.hubapi.com'));
    expect(a.breaker('https://api.hubapi.com')).not.toBe(b.breaker('https://api.hubapi.com'));
  });

  it('replaces a limiter whose declared limit changed (an edited integration)', () => {
    const limits = new HttpLimits();
    const before = limits.limiter('custom_api:i', { requests: 5, windowMs: 1000 });
    expect(limits.limiter('custom_api:i', [{ requests: 5, windowMs: 1000 }, { requests: 100, windowMs: HOUR }])).not.toBe(before);
  });
});

describe('CallRail windows through the client (429 without Retry-After)', () => {
  let sb: CallrailSandbox;
  afterEach(() => sb?.close());

  const clientFor = (clock: ReturnType<typeof fakeClock>, retry: Partial<HttpClient['opts']['retry']> = {}) => {
    const config = CallrailConfigSchema.parse({ baseUrl: `${sb.url}/v3`, apiKey: API_KEY, accountId: ACCOUNT }) as CallrailConfig;
    return new HttpClient({ connector: 'callrail', integrationId: 'i', ...callrail.http!(config, async () => {}), rateLimit: callrail.rateLimit, ...clock, retry });
  };
  const account = `/a/${ACCOUNT}.json`;

  it('waits for the hour window after a 429, then continues', async () => {
    const clock = fakeClock();
    // The account's hour budget is nearly spent by another app: the vendor refuses our third request.
    sb = await startCallrailSandbox({ apiKey: API_KEY, accountId: ACCOUNT, perWindow: 2, windowMs: HOUR, clock: clock.now });
    const http = clientFor(clock, { rateLimitBudgetMs: 2 * HOUR });
    const t0 = clock.now();
    for (let i = 0; i < 3; i++) expect((await http.request({ url: account })).status).toBe(200);
    expect(sb.requests.map((r) => r.status)).toEqual([200, 200, 429, 200]);
    expect(clock.now() - t0).toBeGreaterThanOrEqual(HOUR);
    expect(http.stats).toMatchObject({ http429: 1, retries: 0 });
  });

  it('moves on to the day window when the hour was not it, and ends retryable when the day reopens beyond the budget', async () => {
    const clock = fakeClock();
    sb = await startCallrailSandbox({ apiKey: API_KEY, accountId: ACCOUNT, perWindow: 2, windowMs: DAY, clock: clock.now });
    const http = clientFor(clock, { rateLimitBudgetMs: 2 * HOUR });
    const t0 = clock.now();
    await http.request({ url: account });
    await http.request({ url: account });
    const err = await http.request({ url: account }).catch((e) => e);
    expect(sb.requests.map((r) => r.status)).toEqual([200, 200, 429, 429]);
    expect(err).toMatchObject({ code: 'rate_limited', retryable: true, status: 429 });
    expect(err.retryAt).toBe(t0 + DAY);
  });

  it("ends retryable, without a request, when the declared day's budget is spent", async () => {
    const clock = fakeClock();
    sb = await startCallrailSandbox({ apiKey: API_KEY, accountId: ACCOUNT, clock: clock.now });
    const http = new HttpClient({ ...clientFor(clock).opts, rateLimit: [{ requests: 2, windowMs: DAY }], remainingMs: () => 14 * 60_000 });
    const t0 = clock.now();
    await http.request({ url: account });
    await http.request({ url: account });
    const err = await http.request({ url: account }).catch((e) => e);
    expect(err).toMatchObject({ code: 'rate_limited', retryable: true });
    expect(err.retryAt).toBe(t0 + DAY + 1);
    expect(sb.requests).toHaveLength(2);
  });
});

describe('A 429 is not a failure', () => {
  it('survives six 429s (Retry-After: 1) and a 502, counting them apart', async () => {
    const faults = [...Array(6).fill(429), 502];
    const send = jsonSender('application/json');
    const srv = await startServer(
      (_req, res) => {
        const status = faults.shift();
        if (status === 429) return send(res, 429, { status: 'error', category: 'RATE_LIMITS' }, { 'retry-after': '1' });
        if (status) return send(res, status, { message: 'Bad Gateway' });
        send(res, 200, { ok: true });
      },
      (res, e) => send(res, 500, { message: e.message }),
    );
    try {
      const clock = fakeClock();
      const http = new HttpClient({ connector: 'acme', integrationId: 'i', baseUrl: srv.url, ...clock, remainingMs: () => 10 * 60_000 });
      expect((await http.request({ url: '/x' })).status).toBe(200);
      expect(http.stats).toMatchObject({ requests: 8, http429: 6, retries: 1 });
      expect(http.stats.rateLimitWaitMs).toBeGreaterThanOrEqual(6_000);
    } finally {
      await srv.close();
    }
  });

  it('ends a request retryable, with retryAt, when a Retry-After outlasts the invocation', async () => {
    const send = jsonSender('application/json');
    const srv = await startServer((_req, res) => send(res, 429, {}, { 'retry-after': '120' }), (res) => send(res, 500, {}));
    try {
      const clock = fakeClock();
      const http = new HttpClient({ connector: 'acme', integrationId: 'i', baseUrl: srv.url, ...clock, remainingMs: () => 60_000 });
      const err = await http.request({ url: '/x' }).catch((e) => e);
      expect(err).toMatchObject({ code: 'rate_limited', retryable: true, retryAt: clock.now() + 120_000 });
      expect(http.stats.requests).toBe(1);
    } finally {
      await srv.close();
    }
  });
});
