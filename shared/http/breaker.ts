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
    return this.failures >= this.threshold && this.now() < this.reopensAt;
  }
  /** When the trial request is let through. */
  get reopensAt(): number {
    return this.openedAt + this.cooldownMs;
  }
  success(): void {
    this.failures = 0;
  }
  failure(): void {
    this.failures++;
    if (this.failures >= this.threshold) this.openedAt = this.now();
  }
}
