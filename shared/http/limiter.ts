/**
 * A sliding-window limiter: at most `requests` starts in any `windowMs`. Vendors count rolling windows
 * (HubSpot's "ten_secondly_rolling"), so a token bucket that bursts its capacity and then refills would still
 * trip them; a window log matches their rule exactly and lets us run right at the allowed rate.
 * Shared per key (connector + integration) across every client in the process.
 */
export class SlidingWindowLimiter {
  /** One slot per request in the window, kept sorted by time. */
  private readonly slots: { t: number }[] = [];
  private chain: Promise<void> = Promise.resolve();
  /** Total time callers spent waiting for a slot. */
  waitedMs = 0;

  constructor(
    readonly requests: number,
    readonly windowMs: number,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = defaultSleep,
  ) {}

  /**
   * Resolves when a request may start; callers are served in order. Returns the ms waited and the request's
   * slot, which the caller settles when the response arrives.
   */
  acquire(): Promise<{ waitedMs: number; slot: { t: number } }> {
    const turn = this.chain.then(() => this.take());
    this.chain = turn.then(
      () => undefined,
      () => undefined,
    );
    return turn;
  }

  /**
   * Moves a request's slot to when its response arrived. The vendor counts a request when it reaches it,
   * which is never later than our response: counting from the response keeps our window behind theirs even
   * when one request travels slower than the next hundred (a new connection, a busy event loop).
   */
  settle(slot: { t: number }): void {
    slot.t = Math.max(slot.t, this.now());
    this.slots.sort((a, b) => a.t - b.t);
  }

  /** The vendor told us to back off (Retry-After): no request starts before `untilMs`. */
  pauseUntil(untilMs: number): void {
    this.blockedUntil = Math.max(this.blockedUntil, untilMs);
  }
  private blockedUntil = 0;

  private async take(): Promise<{ waitedMs: number; slot: { t: number } }> {
    let waited = 0;
    for (;;) {
      const t = this.now();
      while (this.slots.length && this.slots[0].t <= t - this.windowMs) this.slots.shift();
      let waitMs = this.blockedUntil - t;
      if (this.slots.length >= this.requests) waitMs = Math.max(waitMs, this.slots[0].t + this.windowMs - t + 1);
      if (waitMs <= 0) {
        const slot = { t };
        this.slots.push(slot);
        this.waitedMs += waited;
        return { waitedMs: waited, slot };
      }
      await this.sleep(waitMs);
      waited += waitMs;
    }
  }
}

export const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const limiters = new Map<string, SlidingWindowLimiter>();
export function limiterFor(key: string, requests: number, windowMs: number): SlidingWindowLimiter {
  let l = limiters.get(key);
  if (!l || l.requests !== requests || l.windowMs !== windowMs) {
    l = new SlidingWindowLimiter(requests, windowMs);
    limiters.set(key, l);
  }
  return l;
}
