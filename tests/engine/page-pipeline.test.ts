import type { Page } from '../../shared/connectors/types';
import { CHECKPOINT_PAGES, Lookahead, PagePipeline, WRITE_AHEAD } from '../../shared/engine/pipeline';

/** A promise settled from outside, to play the store's answers in a chosen order. */
function deferred<T = void>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

/** Lets every promise reaction already queued run. */
const settle = () => new Promise((r) => setImmediate(r));

const page = (n: number): Page => ({ records: [{ id: `r${n}`, data: { n } }], cursor: `c${n}` });

/** A sink whose writes and checkpoints answer only when the test says so. */
function fakeSink() {
  const writes: ReturnType<typeof deferred<boolean>>[] = [];
  const checkpoints: { cursor: unknown; done: ReturnType<typeof deferred<void>> }[] = [];
  return {
    writes,
    checkpoints,
    stored: () => checkpoints.map((c) => c.cursor),
    sink: {
      write: () => {
        const d = deferred<boolean>();
        writes.push(d);
        return d.promise;
      },
      checkpoint: (cursor: unknown) => {
        const done = deferred<void>();
        checkpoints.push({ cursor, done });
        return done.promise;
      },
    },
  };
}

/** Adds pages `from`..`to`, each written (changing the store or not) at once, every checkpoint answered at once. */
async function feed(p: PagePipeline, f: ReturnType<typeof fakeSink>, from: number, to: number, wrote: boolean, tick = () => undefined as void) {
  for (let n = from; n <= to; n++) {
    tick();
    await p.add(page(n), true);
    f.writes[n - 1].resolve(wrote);
    await settle();
    f.checkpoints.at(-1)?.done.resolve();
    await settle();
  }
}

describe('Class: PagePipeline', () => {
  it('stores one checkpoint at a time: pages made durable meanwhile share the next one, with the newest cursor', async () => {
    const f = fakeSink();
    const p = new PagePipeline(f.sink, null);
    for (let n = 1; n <= WRITE_AHEAD; n++) await p.add(page(n), true);
    // Page 2 lands before page 1: its cursor must wait for page 1.
    f.writes[1].resolve(true);
    await settle();
    expect(f.stored()).toEqual([]);
    f.writes[0].resolve(true);
    await settle();
    expect(f.stored()).toHaveLength(1);
    expect(['c1', 'c2']).toContain(f.stored()[0]);
    // Page 3 becomes durable while that checkpoint is being stored: no second one in flight.
    f.writes[2].resolve(true);
    await settle();
    expect(f.stored()).toHaveLength(1);
    f.checkpoints[0].done.resolve();
    await settle();
    expect(f.stored()).toHaveLength(2);
    expect(f.stored()[1]).toBe('c3');
    f.checkpoints[1].done.resolve();
    await p.drain();
    expect(p.cursor).toBe('c3');
  });

  it('makes room for the next page only once a stored checkpoint covers the oldest one', async () => {
    const f = fakeSink();
    const p = new PagePipeline(f.sink, null);
    for (let n = 1; n <= WRITE_AHEAD; n++) await p.add(page(n), true);
    let added = false;
    const next = p.add(page(WRITE_AHEAD + 1), true).then(() => (added = true));
    f.writes[0].resolve(true);
    await settle();
    expect(f.stored()).toEqual(['c1']);
    expect(added).toBe(false);
    f.checkpoints[0].done.resolve();
    await next;
    expect(added).toBe(true);
  });

  describe('checkpoints in time', () => {
  // Real setImmediate (settle), a fake setTimeout: the idle store fires only when the test says.
  beforeEach(() => jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] }));
  afterEach(() => jest.useRealTimers());

  it('stores a checkpoint once a second or CHECKPOINT_PAGES have passed: the pages between leave the window without one, and the next stores the newest cursor', async () => {
    const f = fakeSink();
    let t = 10_000;
    expect(2 * WRITE_AHEAD + 1).toBeLessThan(CHECKPOINT_PAGES);
    const p = new PagePipeline(f.sink, null, () => t);
    await p.add(page(1), true);
    f.writes[0].resolve(true);
    await settle();
    expect(f.stored()).toEqual(['c1']);
    f.checkpoints[0].done.resolve();
    // Within the second: each page is done once durable, with no checkpoint of its own, so the window keeps moving.
    for (let n = 2; n <= 2 * WRITE_AHEAD + 1; n++) {
      t += 100;
      await p.add(page(n), true);
      f.writes[n - 1].resolve(true);
      await settle();
    }
    expect(f.stored()).toEqual(['c1']);
    expect(p.cursor).toBe(`c${2 * WRITE_AHEAD + 1}`);
    // A second after the last one stored, the next durable page is checkpointed with its cursor, covering the others.
    t += 1000;
    await p.add(page(2 * WRITE_AHEAD + 2), true);
    f.writes[2 * WRITE_AHEAD + 1].resolve(true);
    await settle();
    expect(f.stored()).toEqual(['c1', `c${2 * WRITE_AHEAD + 2}`]);
    f.checkpoints[1].done.resolve();
    // The end of the stream stores the newest durable cursor whatever the time.
    t += 10;
    await p.add(page(2 * WRITE_AHEAD + 3), true);
    f.writes[2 * WRITE_AHEAD + 2].resolve(true);
    const flushed = p.flush();
    await settle();
    expect(f.stored()).toEqual(['c1', `c${2 * WRITE_AHEAD + 2}`, `c${2 * WRITE_AHEAD + 3}`]);
    f.checkpoints[2].done.resolve();
    await flushed;
  });

  it('stores a checkpoint every CHECKPOINT_PAGES pages however fast they come', async () => {
    const f = fakeSink();
    const p = new PagePipeline(f.sink, null, () => 10_000);
    const pages = 3 * CHECKPOINT_PAGES;
    await feed(p, f, 1, pages, true);
    // The first page (no checkpoint yet, so a second has passed), then every CHECKPOINT_PAGES-th after it.
    expect(f.stored()).toEqual([1, 1 + CHECKPOINT_PAGES, 1 + 2 * CHECKPOINT_PAGES].map((n) => `c${n}`));
    const flushed = p.flush();
    await settle();
    expect(f.stored().at(-1)).toBe(`c${pages}`);
    f.checkpoints.at(-1)!.done.resolve();
    await flushed;
  });

  it('counts only pages that changed the store toward CHECKPOINT_PAGES: an unchanged re-sync stores one a second', async () => {
    const f = fakeSink();
    let t = 10_000;
    const p = new PagePipeline(f.sink, null, () => t);
    const pages = 3 * CHECKPOINT_PAGES;
    await feed(p, f, 1, pages, false, () => void (t += 10));
    // The first page (no checkpoint yet), then none: 300 ms of unchanged pages.
    expect(f.stored()).toEqual(['c1']);
    t += 1000;
    await p.add(page(pages + 1), true);
    f.writes[pages].resolve(false);
    await settle();
    expect(f.stored()).toEqual(['c1', `c${pages + 1}`]);
    f.checkpoints[1].done.resolve();
    await p.drain();
  });

  it('stores the newest durable cursor a second later when no page comes (a stalled source)', async () => {
    const f = fakeSink();
    const p = new PagePipeline(f.sink, null, () => 10_000);
    await feed(p, f, 1, 3, true);
    expect(f.stored()).toEqual(['c1']);
    jest.advanceTimersByTime(999);
    await settle();
    expect(f.stored()).toEqual(['c1']);
    jest.advanceTimersByTime(1);
    await settle();
    expect(f.stored()).toEqual(['c1', 'c3']);
    f.checkpoints[1].done.resolve();
    await p.flush();
    expect(f.stored()).toEqual(['c1', 'c3']);
  });
  });

  it('fails the page whose checkpoint failed (a lost lease), and every later one', async () => {
    const f = fakeSink();
    const p = new PagePipeline(f.sink, null);
    await p.add(page(1), true);
    await p.add(page(2), true);
    f.writes[0].resolve(true);
    await settle();
    f.writes[1].resolve(true);
    f.checkpoints[0].done.reject(new Error('lease lost'));
    await expect(p.drain()).rejects.toThrow('lease lost');
  });
});

describe('Class: Lookahead', () => {
  async function* source(n: number, fetched: number[]) {
    for (let k = 1; k <= n; k++) {
      fetched.push(k);
      yield page(k);
    }
  }

  it('reads ahead until the start is ready, handing each page over, then returns them in order', async () => {
    const fetched: number[] = [];
    const ready = deferred();
    const seen: unknown[] = [];
    const pages = new Lookahead(source(10, fetched)[Symbol.asyncIterator]());
    const ahead = pages.readAhead(ready.promise, (pg) => seen.push(pg.cursor) > 0);
    await settle();
    const before = fetched.length;
    expect(before).toBeGreaterThan(1);
    ready.resolve();
    await ahead;
    expect(seen).toEqual(fetched.map((k) => `c${k}`));
    const got: unknown[] = [];
    for (let r = await pages.next(); !r.done; r = await pages.next()) got.push(r.value.cursor);
    expect(got).toEqual(Array.from({ length: 10 }, (_, k) => `c${k + 1}`));
  });

  it('stops when told it holds enough, and at the end of the source', async () => {
    const fetched: number[] = [];
    const pages = new Lookahead(source(10, fetched)[Symbol.asyncIterator]());
    let held = 0;
    await pages.readAhead(new Promise(() => undefined), () => ++held < 3);
    expect(fetched).toEqual([1, 2, 3]);
    const short: number[] = [];
    const few = new Lookahead(source(2, short)[Symbol.asyncIterator]());
    await few.readAhead(new Promise(() => undefined), () => true);
    expect(short).toEqual([1, 2]);
    expect((await few.next()).value.cursor).toBe('c1');
  });

  it('returns once the start is ready though a page is still downloading (a slow vendor), keeping that page next in line', async () => {
    const slow = deferred<IteratorResult<Page>>();
    let calls = 0;
    const it: AsyncIterator<Page> = { next: () => (++calls === 1 ? Promise.resolve({ done: false, value: page(1) }) : slow.promise) };
    const ready = deferred();
    const pages = new Lookahead(it);
    const ahead = pages.readAhead(ready.promise, () => true);
    await settle();
    expect(calls).toBe(2);
    ready.resolve();
    await ahead;
    expect((await pages.next()).value.cursor).toBe('c1');
    const second = pages.next();
    slow.resolve({ done: false, value: page(2) });
    expect((await second).value.cursor).toBe('c2');
  });

  it('keeps a source error for the page that failed', async () => {
    async function* failing() {
      yield page(1);
      throw new Error('source down');
    }
    const pages = new Lookahead(failing()[Symbol.asyncIterator]());
    await pages.readAhead(new Promise(() => undefined), () => true);
    expect((await pages.next()).value.cursor).toBe('c1');
    await expect(pages.next()).rejects.toThrow('source down');
  });
});
