import type { Readable } from 'node:stream';
import { type Backoff, backoffMs, defaultSleep, type Sleep } from '../backoff';
import { AppError, SourceError } from '../errors';
import type { Logger } from '../log';
import { assertAllowedHost, guardedAgent, type TargetPolicy } from './agent';
import { type Auth, noAuth } from './auth';
import { TargetNotAllowedError } from './errors';
import type { RateLimit, SlidingWindowLimiter } from './limiter';
import { HttpLimits } from './limits';
import { request, text, WireTimeoutError } from './wire';


export interface HttpRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Absolute URL, or a path joined to the client's base URL. */
  url: string;
  query?: Record<string, string | number | boolean | undefined | null>;
  headers?: Record<string, string>;
  /** Sent as JSON unless it is a string. */
  body?: unknown;
  /** Statuses other than 2xx that the caller handles itself (e.g. Zoho's 304). */
  okStatuses?: number[];
  /** Names the data type in errors and stats. */
  stream?: string;
  /**
   * Reads a vendor's error body into our error, whatever the status (a SOAP fault arrives as a 500, a failed
   * business call as a 200): on an error status a retryable one is retried like a 5xx, not before its
   * `retryAt`; any other is thrown at once. `headers` (lower-cased) carry a vendor's own reset time (SendGrid's
   * X-RateLimit-Reset on a 429 without Retry-After).
   */
  fault?: (status: number, body: unknown, headers: Record<string, string>) => SourceError | undefined;
  /**
   * A streamed body (a media upload), made afresh for each attempt since a stream cannot be sent twice (a retry
   * after a 401 refresh, a 429 or a 5xx opens it again); its headers (content-type, content-length) come with it.
   */
  upload?: () => Promise<{ body: Readable; headers: Record<string, string> }>;
  /** A 2xx body is handed over unread as `HttpResponse.stream` (a media download); the caller consumes or destroys it. */
  download?: boolean;
}

export interface HttpResponse<T = unknown> {
  status: number;
  headers: Record<string, string>;
  body: T;
  /** The unread body of a `download` request. */
  stream?: Readable;
}

export interface HttpStats {
  requests: number;
  retries: number;
  http429: number;
  rateLimitWaitMs: number;
}

/** Backoff (base, ceiling, jitter) between retries of 5xx/408/network failures, and the 429 budget. */
export interface RetryPolicy extends Backoff {
  /** Retries of 5xx answers and network errors; 429s are budgeted by time instead (rateLimitBudgetMs). */
  maxRetries: number;
  /** The most one run's client spends waiting out 429s (Retry-After, or the vendor's window). */
  rateLimitBudgetMs: number;
  /** The wait a vendor imposes after a 429 that carries no Retry-After (RingCentral: 60 s). */
  defaultRetryAfterMs?: number;
}

export const defaultRetry: RetryPolicy = { maxRetries: 6, baseMs: 250, maxMs: 20_000, rateLimitBudgetMs: 10 * 60_000 };

export interface HttpClientOptions {
  connector: string;
  /** Limiter key: the rate limit is per integration. */
  integrationId: string;
  baseUrl?: string;
  auth?: Auth;
  rateLimit?: RateLimit;
  retry?: Partial<RetryPolicy>;
  timeoutMs?: number;
  headers?: Record<string, string>;
  log?: Logger;
  /** The process's limiters and breakers (App.limits); a client of its own when absent. */
  limits?: HttpLimits;
  /** How long this invocation may still wait (the Lambda's remaining time less its safety margin). */
  remainingMs?: () => number;
  now?: () => number;
  sleep?: Sleep;
  /** Maps a vendor error body to our message (e.g. Salesforce's errorCode). */
  describeError?: (status: number, body: unknown) => string | undefined;
  /** Which addresses may be reached (default: public, loopback per ALLOW_LOOPBACK_TARGETS). */
  target?: TargetPolicy;
  /** Told of every attempt as it ends (a delivery log lists them). */
  onAttempt?: (attempt: Attempt) => void;
}

/** One try of a request: the status that came back, or a stable error code (timeout, ECONNREFUSED, target_not_allowed). */
export interface Attempt {
  at: number;
  status?: number;
  error?: string;
}

/** Parses `Retry-After` as seconds or an HTTP date; returns ms or undefined. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.ceil(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

const SEED_MESSAGES: Record<number, [string, string]> = {
  401: ['auth_failed', 'Authentication Failed'],
  403: ['forbidden', 'Invalid API Key'],
  404: ['endpoint_not_found', 'Endpoint Not Found'],
  429: ['rate_limited', 'Rate Limit Exceeded'],
};

/**
 * The one outbound HTTP client (sources, token endpoints, notifications): rate limit per integration over one
 * or more windows, retries with exponential backoff and full jitter on 5xx/network errors, 429s waited out by
 * time (Retry-After, or the vendor's window) within the invocation's remaining time and a per-run budget, a
 * circuit breaker per origin, timeouts, OAuth refresh-and-retry-once on 401, and errors that name connector,
 * stream, method, path and status. A retryable condition that ends a request throws a retryable SourceError
 * with `retryAt` when known.
 */
export class HttpClient {
  readonly stats: HttpStats = { requests: 0, retries: 0, http429: 0, rateLimitWaitMs: 0 };
  readonly limits: HttpLimits;
  private readonly retry: RetryPolicy;
  private readonly limiter?: SlidingWindowLimiter;
  private readonly sleep: Sleep;
  private readonly now: () => number;
  /** Time spent waiting out 429s, against retry.rateLimitBudgetMs. */
  private rateLimitedMs = 0;

  constructor(readonly opts: HttpClientOptions) {
    this.retry = { ...defaultRetry, ...opts.retry };
    this.sleep = opts.sleep ?? defaultSleep;
    this.now = opts.now ?? Date.now;
    // A test's no-op sleep comes without a clock: the limiter then keeps real time rather than spin.
    this.limits = opts.limits ?? new HttpLimits(this.now, opts.now ? this.sleep : defaultSleep);
    if (opts.rateLimit) this.limiter = this.limits.limiter(`${opts.connector}:${opts.integrationId}`, opts.rateLimit);
  }

  resolve(url: string): URL {
    if (/^https?:\/\//i.test(url)) return new URL(url);
    const base = (this.opts.baseUrl ?? '').replace(/\/+$/, '');
    return new URL(base + (url.startsWith('/') || url.startsWith('?') ? url : '/' + url));
  }

  async request<T = unknown>(req: HttpRequest): Promise<HttpResponse<T>> {
    const method = req.method ?? 'GET';
    const url = this.resolve(req.url);
    for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined && v !== null) url.searchParams.set(k, String(v));
    const where = `${this.opts.connector}${req.stream ? `/${req.stream}` : ''} ${method} ${url.pathname}`;
    try {
      assertAllowedHost(url, this.opts.target);
    } catch (err) {
      this.opts.onAttempt?.({ at: this.now(), error: 'target_not_allowed' });
      throw new SourceError('target_not_allowed', `${where}: ${(err as Error).message}`);
    }
    const breaker = this.limits.breaker(url.origin);
    const auth = this.opts.auth ?? noAuth;
    let refreshed = false;
    let failures = 0;
    let refusals = 0;

    for (;;) {
      if (breaker.open) {
        throw new SourceError('circuit_open', `${where}: too many consecutive failures, pausing requests to ${url.host}`, { retryable: true, retryAt: breaker.reopensAt });
      }
      // Opened before the limiter turn: a media source that refuses (too large, gone) takes no slot.
      const upload = req.upload && (await req.upload());
      const slot = await this.turn(where).catch((err) => {
        upload?.body.destroy();
        throw err;
      });
      const headers: Record<string, string> = { accept: 'application/json', ...this.opts.headers, ...req.headers };
      const sendUrl = new URL(url);
      let body: string | undefined;
      if (req.body !== undefined) {
        body = typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
        if (typeof req.body !== 'string') headers['content-type'] ??= 'application/json';
      }
      await auth.apply(headers, sendUrl.searchParams, body);
      if (upload) Object.assign(headers, upload.headers);

      this.stats.requests++;
      const answer = await this.send(where, sendUrl, { method, headers, body: upload?.body ?? body }, slot, failures, breaker, req.download);
      if (upload && !upload.body.readableEnded) upload.body.destroy();
      if (!answer) {
        failures++;
        continue;
      }
      const { status, headers: resHeaders, text } = answer;

      if ((status >= 200 && status < 300) || req.okStatuses?.includes(status)) {
        breaker.success();
        if (answer.stream) return { status, headers: resHeaders, body: null as T, stream: answer.stream };
        const body = parseBody(text, resHeaders);
        const failed = req.fault?.(status, body, resHeaders);
        if (failed) throw failed;
        return { status, headers: resHeaders, body: body as T };
      }

      const parsed = parseBody(text, resHeaders);
      if (status === 401 && auth.refresh && !refreshed) {
        refreshed = true;
        if (await auth.refresh()) continue;
      }
      const fault = req.fault?.(status, parsed, resHeaders);
      if (fault && !fault.retryable) throw fault;
      const error = fault ?? this.failure(where, status, parsed);
      const retryAfter = parseRetryAfter(resHeaders['retry-after'], this.now()) ?? (fault?.retryAt !== undefined ? Math.max(0, fault.retryAt - this.now()) : undefined);
      if (status === 429) {
        this.stats.http429++;
        await this.waitOutRateLimit(where, retryAfter ?? this.unannouncedWait(refusals++), retryAfter !== undefined, error);
        continue;
      }
      if (status >= 500 || status === 408 || fault) {
        if (failures < this.retry.maxRetries) {
          await this.retryAfterFailure(where, failures++, retryAfter, error);
          continue;
        }
        if (status >= 500) breaker.failure();
      }
      throw error;
    }
  }

  /**
   * One attempt on the wire through the guarded agent: the answer, or undefined when a network error was waited
   * out and the request should go again. The limiter slot is settled either way.
   */
  private async send(
    where: string,
    url: URL,
    init: { method: string; headers: Record<string, string>; body?: string | Readable },
    slot: { t: number } | undefined,
    failures: number,
    breaker: ReturnType<HttpLimits['breaker']>,
    download = false,
  ): Promise<{ status: number; headers: Record<string, string>; text: string; stream?: Readable } | undefined> {
    const at = this.now();
    try {
      const res = await request(url, {
        ...init,
        pools: guardedAgent(this.opts.target ?? {}),
        headersTimeout: this.opts.timeoutMs ?? 30_000,
        bodyTimeout: this.opts.timeoutMs ?? 30_000,
      });
      const ok = res.statusCode >= 200 && res.statusCode < 300;
      const answer = download && ok ? { status: res.statusCode, headers: flatten(res.headers), text: '', stream: res.body } : { status: res.statusCode, headers: flatten(res.headers), text: await text(res.body) };
      if (slot) this.limiter!.settle(slot);
      this.opts.onAttempt?.({ at, status: answer.status });
      return answer;
    } catch (err) {
      if (slot) this.limiter!.settle(slot);
      const cause = (err as { cause?: unknown }).cause ?? err;
      this.opts.onAttempt?.({ at, error: cause instanceof TargetNotAllowedError ? cause.code : errorCode(err) });
      if (cause instanceof TargetNotAllowedError) throw new SourceError('target_not_allowed', `${where}: ${cause.message}`);
      // Thrown by our own upload body as the request read it (a file past its size cap): the caller's, not the
      // network's. The wire's own timeout is an AppError too, and a network error.
      if (err instanceof AppError && !isNetworkError(err)) throw err;
      const error = new SourceError('network_error', `${where}: ${(err as Error).message}`, { retryable: true });
      if (failures < this.retry.maxRetries && isNetworkError(err)) {
        await this.retryAfterFailure(where, failures, undefined, error);
        return undefined;
      }
      breaker.failure();
      throw error;
    }
  }

  /** A limiter slot, or a retryable error saying when the windows reopen if that is beyond what we may wait. */
  private async turn(where: string): Promise<{ t: number } | undefined> {
    if (!this.limiter) return undefined;
    const turn = await this.limiter.acquire(Math.min(this.remaining(), this.retry.rateLimitBudgetMs));
    if ('refusedUntil' in turn) {
      throw new SourceError('rate_limited', `Rate Limit Exceeded: ${where}: the declared limit allows the next request at ${new Date(turn.refusedUntil).toISOString()}`, {
        retryable: true,
        retryAt: turn.refusedUntil,
      });
    }
    this.stats.rateLimitWaitMs += turn.waitedMs;
    return turn.slot;
  }

  /** A 429 without Retry-After: the vendor's declared window (shortest first, longer on each refusal in a row), or its fixed penalty. */
  private unannouncedWait(refusals: number): number {
    if (this.retry.defaultRetryAfterMs !== undefined) return this.retry.defaultRetryAfterMs;
    if (this.limiter) return this.limiter.reopensAt(refusals) - this.now();
    return backoffMs(refusals, this.retry);
  }

  /** Waits out a 429 when the invocation's time and the run's budget allow; otherwise ends the request, retryable at the wait's end. */
  private async waitOutRateLimit(where: string, retryAfter: number, announced: boolean, error: SourceError): Promise<void> {
    await this.hold(where, Math.max(retryAfter, backoffMs(this.stats.http429 - 1, this.retry)), announced, error);
  }

  /**
   * A throttle the source signals in a successful answer (a GraphQL cost bucket answers 200, e.g. Shopify's
   * `extensions.cost`): holds the integration's requests for `ms`, within the same time limits as a 429.
   */
  async throttle(where: string, ms: number): Promise<void> {
    await this.hold(where, ms, true, new SourceError('rate_limited', `Rate Limit Exceeded: ${where}: the source's budget refills in ${Math.ceil(ms / 1000)} s`, { retryable: true }));
  }

  private async hold(where: string, wait: number, announced: boolean, error: SourceError): Promise<void> {
    const retryAt = this.now() + wait;
    if (wait > Math.min(this.remaining(), this.retry.rateLimitBudgetMs - this.rateLimitedMs)) throw withRetryAt(error, retryAt);
    // A wait the vendor announced holds every request of the integration; one we inferred, only this one.
    if (announced) this.limiter?.pauseUntil(retryAt);
    this.rateLimitedMs += wait;
    this.stats.rateLimitWaitMs += wait;
    this.opts.log?.warn('source rate-limited us, waiting', { where, waitMs: Math.round(wait) });
    await this.sleep(wait);
  }

  private async retryAfterFailure(where: string, failure: number, retryAfter: number | undefined, error: SourceError): Promise<void> {
    const wait = Math.max(retryAfter ?? 0, backoffMs(failure, this.retry));
    if (wait > this.remaining()) throw withRetryAt(error, this.now() + wait);
    this.stats.retries++;
    this.opts.log?.warn('source failed, retrying', { where, status: error.status, attempt: failure, waitMs: Math.round(wait) });
    await this.sleep(wait);
  }

  private remaining(): number {
    return this.opts.remainingMs?.() ?? Infinity;
  }

  private failure(where: string, status: number, body: unknown): SourceError {
    const [code, seedMessage] = SEED_MESSAGES[status] ?? [status >= 500 ? 'source_unavailable' : 'source_error', 'Request failed'];
    const detail = this.opts.describeError?.(status, body);
    return new SourceError(code, `${seedMessage}: ${where} answered ${status}${detail ? ` (${detail})` : ''}`, {
      status,
      retryable: status === 429 || status === 408 || status >= 500,
    });
  }
}

function withRetryAt(error: SourceError, retryAt: number): SourceError {
  return new SourceError(error.code, error.message, { status: error.status, retryable: true, retryAt });
}

function flatten(h: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

function parseBody(text: string, headers: Record<string, string>): unknown {
  if (!text) return null;
  if (/json/i.test(headers['content-type'] ?? '') || /^\s*[[{]/.test(text)) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

/** A stable code for a failed attempt; never a URL or secret. */
function errorCode(err: unknown): string {
  const e = err as { name?: string; code?: string } | null;
  if (err instanceof WireTimeoutError || e?.name === 'AbortError') return 'timeout';
  return e?.code ?? e?.name ?? 'network_error';
}

function isNetworkError(err: unknown): boolean {
  return ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT'].includes((err as { code?: string }).code ?? '');
}
