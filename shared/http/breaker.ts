/**
 * Per-origin circuit breaker: after `threshold` consecutive failed requests (retries exhausted on 5xx or
 * network errors) the origin is skipped for `cooldownMs`, then one trial request is let through.
 */
export class CircuitBreaker {
  private failures = 0;
  private openedAt = 0;

  constructor(
    readonly threshold = 5,
    readonly cooldownMs = 30_000,
    private readonly now: () => number = Date.now,
  ) {}

  get open(): boolean {
    return this.failures >= this.threshold && this.now() - this.openedAt < this.cooldownMs;
  }
  success(): void {
    this.failures = 0;
  }
  failure(): void {
    this.failures++;
    if (this.failures >= this.threshold) this.openedAt = this.now();
  }
}

const breakers = new Map<string, CircuitBreaker>();
export function breakerFor(origin: string): CircuitBreaker {
  let b = breakers.get(origin);
  if (!b) breakers.set(origin, (b = new CircuitBreaker()));
  return b;
}
