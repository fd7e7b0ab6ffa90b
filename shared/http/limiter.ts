import { defaultSleep, type Sleep } from '../backoff';

/** At most `requests` request starts in any `windowMs`. */
export interface RateWindow {
  requests: number;
  windowMs: number;
}

/** A vendor's limit: one window, or several that all hold (CallRail: 1,000 an hour and 10,000 a day). */
export type RateLimit = RateWindow | RateWindow[];

export const windowsOf = (limit: RateLimit): RateWindow[] => (Array.isArray(limit) ? limit : [limit]).slice().sort((a, b) => a.windowMs - b.windowMs);

export type Granted = { waitedMs: number; slot: { t: number } };
export type Turn = Granted | { refusedUntil: number };

/**
 * A sliding-window limiter over one or more windows: a request starts only when every window has room.
 * Vendors count rolling windows (HubSpot's "ten_secondly_rolling"), so a token bucket that bursts its capacity
 * and then refills would still trip them; a window log matches their rule exactly and lets us run right at the
 * allowed rate. One per key (connector + integration), held by the process's HttpLimits.
 */
export class SlidingWindowLimiter {
  readonly windows: RateWindow[];
  /** One slot per request within the longest window, kept sorted by time. */
  private readonly slots: { t: number }[] = [];
  private chain: Promise<unknown> = Promise.resolve();
  private blockedUntil = 0;
  /** Total time callers spent waiting for a slot. */
  waitedMs = 0;

  constructor(
    limit: RateLimit,
    private readonly now: () => number = Date.now,
    private readonly sleep: Sleep = defaultSleep,
  ) {
    this.windows = windowsOf(limit);
  }

  /**
   * Resolves when a request may start; callers are served in order. Returns the ms waited and the request's
   * slot, which the caller settles when the response arrives; or, when starting would mean waiting longer than
   * `maxWaitMs`, when the windows reopen (no slot is taken).
   */
  acquire(): Promise<Granted>;
  acquire(maxWaitMs: number): Promise<Turn>;
  acquire(maxWaitMs = Infinity): Promise<Turn> {
    const turn = this.chain.then(() => this.take(maxWaitMs));
    this.chain = turn.catch(() => undefined);
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

  /** The vendor told us to back off: no request starts before `untilMs`. */
  pauseUntil(untilMs: number): void {
    this.blockedUntil = Math.max(this.blockedUntil, untilMs);
  }

  /**
   * When the `level`-th window (shortest first) reopens, assuming the vendor counts it full: its oldest request
   * of ours leaves it, or a whole window from now when we sent none in it (others spent the account's budget).
   * A 429 without Retry-After waits for this, escalating to the next window on each refusal in a row.
   */
  reopensAt(level: number): number {
    const w = this.windows[Math.min(level, this.windows.length - 1)];
    const t = this.now();
    const oldest = this.slots.find((s) => s.t > t - w.windowMs);
    return (oldest?.t ?? t) + w.windowMs;
  }

  private readyAt(t: number): number {
    let at = this.blockedUntil;
    for (const w of this.windows) {
      const inWindow = this.slots.filter((s) => s.t > t - w.windowMs);
      if (inWindow.length >= w.requests) at = Math.max(at, inWindow[inWindow.length - w.requests].t + w.windowMs + 1);
    }
    return at;
  }

  private async take(maxWaitMs: number): Promise<Turn> {
    let waited = 0;
    const longest = this.windows[this.windows.length - 1].windowMs;
    for (;;) {
      const t = this.now();
      while (this.slots.length && this.slots[0].t <= t - longest) this.slots.shift();
      const waitMs = this.readyAt(t) - t;
      if (waitMs <= 0) {
        const slot = { t };
        this.slots.push(slot);
        this.waitedMs += waited;
        return { waitedMs: waited, slot };
      }
      if (waited + waitMs > maxWaitMs) {
        this.waitedMs += waited;
        return { refusedUntil: t + waitMs };
      }
      await this.sleep(waitMs);
      waited += waitMs;
    }
  }
}
