import type { Page } from '../connectors/types';

/** Pages written at once: keeps the store busy while cursors still move strictly in order. */
export const WRITE_AHEAD = 3;
/**
 * A durable cursor is stored once this long has passed or this many pages that changed the store became durable
 * since the last one (and always at the end): a crash re-reads at most those pages besides the ones in flight,
 * which costs requests to the source but no writes (their records are stored, so they compare unchanged). A
 * checkpoint per page that wrote cost the store a conditional write per 100 records, ≈ 15 % of its work in a
 * first sync (the pipeline bench: 194 checkpoints for 20,000 records; now 20); an unchanged re-sync stores one a
 * second, as it did.
 */
export const CHECKPOINT_MS = 1000;
export const CHECKPOINT_PAGES = 10;

/** What the pipeline drives: the records layer and the stream's cursor. */
export interface PipelineSink {
  /** Writes a page's records; resolves whether the store changed. */
  write(page: Page): Promise<boolean>;
  /** Stores a cursor: its page and every earlier one are durable. */
  checkpoint(cursor: unknown): Promise<void>;
}

/**
 * One page of lookahead: the next page downloads while this one is written (more while a slow start is
 * awaited: `readAhead`). A prefetch we end up not awaiting (hand-off, failure) must not surface as an
 * unhandled rejection.
 */
export class Lookahead {
  /** Pages downloading or downloaded, oldest first. */
  private queue: Promise<IteratorResult<Page>>[] = [];
  constructor(private readonly it: AsyncIterator<Page>) {}

  /** The next page: the one already downloading, or a new request. */
  next(): Promise<IteratorResult<Page>> {
    return this.queue.shift() ?? this.fetch();
  }

  /** Starts downloading the following page now, unless it already is. */
  prefetch(): void {
    if (!this.queue.length) this.queue.push(this.fetch());
  }

  /**
   * Downloads pages one after another until `until` settles or `each`, handed every page as it arrives, says
   * enough is held: what a page needs before it can be written overlaps a slow start (a full run's snapshot).
   * Returns as soon as `until` settles, though a page is still downloading: the pages held are written
   * meanwhile. Stops at the source's end or error, which `next` then returns in turn.
   */
  async readAhead(until: Promise<unknown>, each: (page: Page) => boolean): Promise<void> {
    const ready = until.then(
      () => undefined,
      () => undefined,
    );
    for (let more = true; more; ) {
      const p = this.fetch();
      this.queue.push(p);
      const res = await Promise.race([p.catch(() => undefined), ready]);
      if (!res || res.done) return;
      more = each(res.value);
    }
  }

  async close(): Promise<void> {
    await this.it.return?.();
  }

  private fetch(): Promise<IteratorResult<Page>> {
    const p = this.it.next();
    p.catch(() => undefined);
    return p;
  }
}

/**
 * Writes up to WRITE_AHEAD pages at once while checkpointing cursors strictly in page order, each only once
 * its page and every earlier one are durable. One checkpoint is stored at a time, and only once CHECKPOINT_MS
 * or CHECKPOINT_PAGES have passed: the pages that become durable meanwhile share the next one, which stores the
 * newest cursor (a page whose checkpoint is due leaves the window only once a stored checkpoint covers it).
 */
export class PagePipeline {
  /** Pages being written, oldest first; each `done` settles once a stored checkpoint covers that page (or it needs none). */
  private writing: { ids: Set<string>; done: Promise<void> }[] = [];
  /** Settles once the newest page is durable: pages become durable strictly in order. */
  private durableChain: Promise<void> = Promise.resolve();
  /** Settles once the newest page is done: `done` is in page order even when a later page needs no checkpoint. */
  private doneChain: Promise<void> = Promise.resolve();
  private saving: Promise<void> = Promise.resolve();
  private nextSave?: Promise<void>;
  private durable: unknown;
  private stored: unknown;
  private checkpointedAt = 0;
  /** Pages that changed the store made durable since the cursor being stored (or last stored) was taken. */
  private unstored = 0;
  private idle?: NodeJS.Timeout;

  constructor(
    private readonly sink: PipelineSink,
    start: unknown,
    private readonly now: () => number = Date.now,
  ) {
    this.durable = this.stored = start;
  }

  /** The newest cursor whose page and every earlier one are durable. */
  get cursor(): unknown {
    return this.durable;
  }

  /** Queues a page's write; returns once there is room for the next page. */
  async add(page: Page, keepCursor: boolean): Promise<void> {
    const ids = new Set(page.records.map((r) => r.id));
    // An id still being written by an earlier page: let that page land first, so the later copy wins.
    if (this.writing.some((w) => page.records.some((r) => w.ids.has(r.id)))) await this.settle(this.writing.length);
    if (this.writing.length >= WRITE_AHEAD) await this.settle(this.writing.length - WRITE_AHEAD + 1);
    const write = this.sink.write(page);
    const after = page.cursor;
    const durable = Promise.all([this.durableChain, write]).then(([, wrote]) => {
      if (!keepCursor) return false;
      this.durable = after;
      if (wrote) this.unstored++;
      return this.unstored >= CHECKPOINT_PAGES || this.now() - this.checkpointedAt >= CHECKPOINT_MS;
    });
    const done = durable.then((due) => (due ? this.save() : this.saveWhenIdle()));
    this.durableChain = durable.then(() => undefined);
    this.doneChain = Promise.all([this.doneChain, done]).then(() => undefined);
    this.durableChain.catch(() => undefined);
    this.doneChain.catch(() => undefined);
    this.writing.push({ ids, done: this.doneChain });
  }

  /** Waits for every queued page; throws what a write or checkpoint threw. */
  async drain(): Promise<void> {
    await this.settle(this.writing.length);
  }

  /** Waits for every queued page, then stores the newest durable cursor. */
  async flush(): Promise<void> {
    await this.drain();
    await this.checkpoint();
  }

  /** After a failure: lets the writes in flight finish (or fail), then stores the newest durable cursor. */
  async rest(): Promise<void> {
    await this.settled();
    await this.checkpoint();
  }

  /** Lets writes in flight finish (or fail) without throwing: before the stream's lease is given up. */
  async settled(): Promise<void> {
    await Promise.allSettled([this.doneChain, this.saving]);
  }

  private async settle(n: number): Promise<void> {
    const batch = this.writing.splice(0, n);
    if (batch.length) await batch[batch.length - 1].done;
  }

  /**
   * A checkpoint of the newest durable cursor, after the one being stored: a call while one waits to start
   * joins it, since it will read the cursor when it starts.
   */
  private save(): Promise<void> {
    if (!this.nextSave) {
      const next = this.saving
        .catch(() => undefined)
        .then(() => {
          this.nextSave = undefined;
          return this.checkpoint();
        });
      this.nextSave = this.saving = next;
    }
    return this.nextSave;
  }

  /**
   * A durable cursor not yet due is stored CHECKPOINT_MS later if no page made it due meanwhile: a source that
   * stalls (a held page, a 429's wait) does not leave the pages before it unstored. A failure there (a lost lease)
   * is thrown by the next checkpoint, which tries again.
   */
  private saveWhenIdle(): void {
    if (this.idle) return;
    this.idle = setTimeout(() => void this.save().catch(() => undefined), CHECKPOINT_MS);
    this.idle.unref();
  }

  private async checkpoint(): Promise<void> {
    clearTimeout(this.idle);
    this.idle = undefined;
    if (this.durable === this.stored) return;
    const c = this.durable;
    this.unstored = 0;
    await this.sink.checkpoint(c);
    this.stored = c;
    this.checkpointedAt = this.now();
  }
}
