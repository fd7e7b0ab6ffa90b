import { defaultSleep, type Sleep } from '../backoff';
import { CircuitBreaker } from './breaker';
import { type RateLimit, SlidingWindowLimiter, windowsOf } from './limiter';

/**
 * The process's rate limiters (per connector + integration) and circuit breakers (per origin). Held by `App`,
 * so every client of one process shares them and every test or local stack gets its own.
 */
export class HttpLimits {
  private readonly limiters = new Map<string, SlidingWindowLimiter>();
  private readonly breakers = new Map<string, CircuitBreaker>();

  constructor(
    readonly now: () => number = Date.now,
    readonly sleep: Sleep = defaultSleep,
  ) {}

  /** The limiter for `key`; a changed limit (an edited integration) replaces it. */
  limiter(key: string, limit: RateLimit): SlidingWindowLimiter {
    const existing = this.limiters.get(key);
    if (existing && JSON.stringify(existing.windows) === JSON.stringify(windowsOf(limit))) return existing;
    const l = new SlidingWindowLimiter(limit, this.now, this.sleep);
    this.limiters.set(key, l);
    return l;
  }

  breaker(origin: string): CircuitBreaker {
    let b = this.breakers.get(origin);
    if (!b) this.breakers.set(origin, (b = new CircuitBreaker(5, 30_000, this.now)));
    return b;
  }
}
