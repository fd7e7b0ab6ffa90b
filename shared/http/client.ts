import { request, errors as undiciErrors } from 'undici';
import { SourceError } from '../errors';
import type { Logger } from '../log';
import { assertAllowedHost, sourceAgent } from './agent';
import { TargetNotAllowedError } from './errors';
import { type Auth, noAuth } from './auth';
import { breakerFor } from './breaker';
import { defaultSleep, limiterFor, type SlidingWindowLimiter } from './limiter';


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
   * Reads a vendor's error body into our error (a SOAP fault arrives as a 500 whose body says what went
   * wrong): a retryable one is retried like a 5xx, not before its `retryAt`; any other is thrown at once.
   */
  fault?: (status: number, body: unknown) => SourceError | undefined;
}

export interface HttpResponse<T = unknown> {
  status: number;
  headers: Record<string, string>;
  body: T;
}

export interface HttpStats {
  requests: number;
  retries: number;
  http429: number;
  rateLimitWaitMs: number;
}

export interface RetryPolicy {
  maxRetries: number;
  baseMs: number;
  maxMs: number;
  /** A Retry-After longer than this fails the request rather than parking a Lambda. */
  maxRetryAfterMs: number;
  /** The wait a vendor imposes after a 429 that carries no Retry-After (RingCentral: 60 s). */
  defaultRetryAfterMs?: number;
}

export const defaultRetry: RetryPolicy = { maxRetries: 6, baseMs: 250, maxMs: 20_000, maxRetryAfterMs: 120_000 };

export interface HttpClientOptions {
  connector: string;
  /** Limiter key: the rate limit is per integration. */
  integrationId: string;
  baseUrl?: string;
  auth?: Auth;
  rateLimit?: { requests: number; windowMs: number };
  retry?: Partial<RetryPolicy>;
  timeoutMs?: number;
  headers?: Record<string, string>;
  log?: Logger;
  sleep?: (ms: number) => Promise<void>;
  /** Maps a vendor error body to our message (e.g. Salesforce's errorCode). */
  describeError?: (status: number, body: unknown) => string | undefined;
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
 * The one HTTP client every connector uses: rate limit per integration, retries with exponential backoff
 * and full jitter on 429/5xx/network errors honouring Retry-After, a circuit breaker per origin, timeouts,
 * OAuth refresh-and-retry-once on 401, and errors that name connector, stream, method, path and status.
 */
export class HttpClient {
  readonly stats: HttpStats = { requests: 0, retries: 0, http429: 0, rateLimitWaitMs: 0 };
  private readonly retry: RetryPolicy;
  private readonly limiter?: SlidingWindowLimiter;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(readonly opts: HttpClientOptions) {
    this.retry = { ...defaultRetry, ...opts.retry };
    this.sleep = opts.sleep ?? defaultSleep;
    if (opts.rateLimit)
      this.limiter = limiterFor(`${opts.connector}:${opts.integrationId}`, opts.rateLimit.requests, opts.rateLimit.windowMs);
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
      assertAllowedHost(url);
    } catch (err) {
      throw new SourceError('target_not_allowed', `${where}: ${(err as Error).message}`);
    }
    const breaker = breakerFor(url.origin);
    const auth = this.opts.auth ?? noAuth;
    let refreshed = false;

    for (let attempt = 0; ; attempt++) {
      if (breaker.open) throw new SourceError('circuit_open', `${where}: too many consecutive failures, pausing requests to ${url.host}`, { retryable: true });
      const turn = this.limiter ? await this.limiter.acquire() : undefined;
      if (turn) this.stats.rateLimitWaitMs += turn.waitedMs;
      const headers: Record<string, string> = { accept: 'application/json', ...this.opts.headers, ...req.headers };
      const sendUrl = new URL(url);
      await auth.apply(headers, sendUrl.searchParams);
      let body: string | undefined;
      if (req.body !== undefined) {
        body = typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
        if (typeof req.body !== 'string') headers['content-type'] ??= 'application/json';
      }

      this.stats.requests++;
      let status: number;
      let resHeaders: Record<string, string>;
      let text: string;
      try {
        const res = await request(sendUrl, {
          method,
          headers,
          body,
          dispatcher: sourceAgent,
          headersTimeout: this.opts.timeoutMs ?? 30_000,
          bodyTimeout: this.opts.timeoutMs ?? 30_000,
        });
        status = res.statusCode;
        resHeaders = flatten(res.headers);
        text = await res.body.text();
        if (turn) this.limiter!.settle(turn.slot);
      } catch (err) {
        if (turn) this.limiter!.settle(turn.slot);
        const cause = (err as { cause?: unknown }).cause ?? err;
        if (cause instanceof TargetNotAllowedError) throw new SourceError('target_not_allowed', `${where}: ${cause.message}`);
        if (attempt < this.retry.maxRetries && isNetworkError(err)) {
          this.stats.retries++;
          await this.sleep(this.backoff(attempt));
          continue;
        }
        breaker.failure();
        throw new SourceError('network_error', `${where}: ${(err as Error).message}`, { retryable: true });
      }

      if ((status >= 200 && status < 300) || req.okStatuses?.includes(status)) {
        breaker.success();
        return { status, headers: resHeaders, body: parseBody(text, resHeaders) as T };
      }

      const parsed = parseBody(text, resHeaders);
      if (status === 401 && auth.refresh && !refreshed) {
        refreshed = true;
        if (await auth.refresh()) continue;
      }
      const fault = req.fault?.(status, parsed);
      if (fault && !fault.retryable) throw fault;
      if (status === 429 || status >= 500 || fault) {
        if (status === 429) this.stats.http429++;
        const retryAfter =
          parseRetryAfter(resHeaders['retry-after']) ??
          (fault?.retryAt !== undefined ? Math.max(0, fault.retryAt - Date.now()) : undefined) ??
          (status === 429 ? this.retry.defaultRetryAfterMs : undefined);
        if (attempt < this.retry.maxRetries && (retryAfter ?? 0) <= this.retry.maxRetryAfterMs) {
          this.stats.retries++;
          const wait = Math.max(retryAfter ?? 0, this.backoff(attempt));
          if (retryAfter !== undefined) this.limiter?.pauseUntil(Date.now() + retryAfter);
          this.opts.log?.warn('source answered, retrying', { where, status, attempt, waitMs: wait });
          await this.sleep(wait);
          continue;
        }
        if (status >= 500) breaker.failure();
        if (fault) throw fault;
      }
      const [code, seedMessage] = SEED_MESSAGES[status] ?? [status >= 500 ? 'source_unavailable' : 'source_error', 'Request failed'];
      const detail = this.opts.describeError?.(status, parsed);
      throw new SourceError(code, `${seedMessage}: ${where} answered ${status}${detail ? ` (${detail})` : ''}`, {
        status,
        retryable: status === 429 || status >= 500,
      });
    }
  }

  /** Full jitter: a random wait in [0, min(max, base·2^attempt)]. */
  private backoff(attempt: number): number {
    return Math.random() * Math.min(this.retry.maxMs, this.retry.baseMs * 2 ** attempt);
  }
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

function isNetworkError(err: unknown): boolean {
  return (
    err instanceof undiciErrors.SocketError ||
    err instanceof undiciErrors.HeadersTimeoutError ||
    err instanceof undiciErrors.BodyTimeoutError ||
    err instanceof undiciErrors.ConnectTimeoutError ||
    ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'UND_ERR_SOCKET'].includes((err as { code?: string }).code ?? '')
  );
}
