import { PassThrough } from 'node:stream';
import { heldLogs, runProgress } from '../../shared/cli/progress';
import { runSummary } from '../../shared/cli/summary';
import { emptyStats, type Run } from '../../shared/store/runs';

/** A stream that says it is a terminal, as cli-progress needs to draw. */
function fakeTty(): { stream: NodeJS.WriteStream; text: () => string } {
  const s = new PassThrough() as unknown as NodeJS.WriteStream & { isTTY: boolean; columns: number };
  let out = '';
  s.on('data', (c: Buffer) => (out += c.toString()));
  Object.assign(s, { isTTY: true, columns: 200, cursorTo: () => true, clearLine: () => true, moveCursor: () => true, clearScreenDown: () => true });
  return { stream: s, text: () => out };
}

const run = (over: Partial<Run> = {}): Run => ({
  id: '01HZZZZZZZZZZZZZZZZZZZZZZZ',
  integrationId: 'i1',
  tenantId: 't1',
  trigger: 'cli',
  mode: 'full',
  dryRun: false,
  status: 'running',
  createdAt: '2026-01-01T00:00:00.000Z',
  startedAt: '2026-01-01T00:00:00.000Z',
  finishedAt: null,
  streams: { contacts: { ...emptyStats(), processed: 120, pages: 2, requests: 3, http429: 1, status: 'running' } },
  stats: { ...emptyStats(), processed: 120, pages: 2, requests: 3, http429: 1, rateLimitWaitMs: 2500 },
  errors: [],
  error: null,
  continuations: 0,
  ...over,
});

describe('CLI: progress and summary', () => {
  it('draws records, pages, requests, 429s and rate-limit wait on a terminal', () => {
    const tty = fakeTty();
    const p = runProgress({ stream: tty.stream, total: 500 });
    expect(p.drawn).toBe(true);
    p.update(run());
    p.stop();
    expect(tty.text()).toMatch(/120\/500 records \| contacts \| 2 pages \| \d+ rec\/s \| 3 requests \(1 × 429\) \| rate-limit wait 2\.5s/);
  });

  it('draws nothing when stderr is not a terminal', () => {
    const s = new PassThrough() as unknown as NodeJS.WriteStream;
    let out = '';
    s.on('data', (c: Buffer) => (out += c.toString()));
    const p = runProgress({ stream: s });
    p.update(run());
    p.stop();
    expect(p.drawn).toBe(false);
    expect(out).toBe('');
  });

  it('holds log lines while the bar is drawn and tells each distinct one once with a count', () => {
    const h = heldLogs();
    for (let i = 0; i < 3; i++) h.sink(JSON.stringify({ level: 'warn', msg: 'source answered, retrying', status: 429, attempt: i }));
    h.sink(JSON.stringify({ level: 'warn', msg: 'stream failed', stream: 'deals', error: 'Authentication Failed' }));
    h.sink('plain text');
    expect(h.lines()).toEqual(['warn: source answered, retrying [429] (×3)', 'warn: stream failed (deals): Authentication Failed', 'plain text']);
  });

  it('summarises a run per data type with a total row, status, and the first rejected records', () => {
    const text = runSummary(
      run({
        status: 'partial',
        finishedAt: '2026-01-01T00:01:15.000Z',
        streams: {
          contacts: { ...emptyStats(), processed: 10, created: 7, updated: 1, unchanged: 1, failed: 1, pages: 1, requests: 2, status: 'done' },
          deals: { ...emptyStats(), processed: 5, created: 5, pages: 1, requests: 1, status: 'done', info: { stoppedAt: 'maxRecords' } },
        },
        stats: { ...emptyStats(), processed: 15, created: 12, updated: 1, unchanged: 1, failed: 1, pages: 2, requests: 3 },
        errors: [{ dataType: 'contacts', id: 'c9', reason: 'no email' }],
        maxRecords: 15,
      }),
    );
    expect(text).toMatch(/contacts\s+done\s+10\s+7\s+1\s+1\s+1\s+0\s+1\s+2/);
    expect(text).toMatch(/total\s+15\s+12\s+1\s+1\s+1\s+0\s+2\s+3/);
    expect(text).toMatch(/PARTIAL in 1m15s \(full, max 15 records\)/);
    expect(text).toMatch(/deals: stopped at --max-records/);
    expect(text).toMatch(/contacts c9: no email/);
  });
});
