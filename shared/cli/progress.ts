import { Presets, SingleBar } from 'cli-progress';
import type { Run } from '../store/runs';
import { duration } from './format';

export interface RunProgress {
  update(run: Run): void;
  stop(): void;
  /** Whether a bar is drawn (stderr is a terminal): log lines must then wait until it stops. */
  readonly drawn: boolean;
}

/**
 * A progress line on stderr while a sync runs: records processed (against --max-records when given, the only
 * total known in advance), pages, records/s, requests and the time spent waiting for the rate limit.
 * cli-progress writes nothing when stderr is not a terminal, so piped output and tests stay clean.
 */
export function runProgress(opts: { total?: number; stream?: NodeJS.WriteStream } = {}): RunProgress {
  const started = Date.now();
  const stream = opts.stream ?? process.stderr;
  const stats = '{dataType} | {pages} pages | {rate} rec/s | {requests} requests ({http429} × 429) | rate-limit wait {waited} | {elapsed}';
  const bar = new SingleBar(
    {
      stream,
      format: opts.total ? `{bar} {value}/{total} records | ${stats}` : `{value} records | ${stats}`,
      hideCursor: true,
      clearOnComplete: false,
      fps: 5,
    },
    Presets.shades_classic,
  );
  const payload = (run?: Run) => {
    const s = run?.stats;
    const secs = (Date.now() - started) / 1000;
    const current = run && Object.entries(run.streams).find(([, st]) => st.status === 'running')?.[0];
    return {
      dataType: current ?? '-',
      pages: s?.pages ?? 0,
      rate: s && secs > 0 ? Math.round(s.processed / secs) : 0,
      requests: s?.requests ?? 0,
      http429: s?.http429 ?? 0,
      waited: duration(s?.rateLimitWaitMs ?? 0),
      elapsed: duration(Date.now() - started),
    };
  };
  bar.start(opts.total ?? 0, 0, payload());
  let stopped = false;
  return {
    drawn: Boolean(stream.isTTY),
    update(run) {
      if (!stopped) bar.update(run.stats.processed, payload(run));
    },
    stop() {
      if (stopped) return;
      stopped = true;
      bar.stop();
    },
  };
}

/**
 * Holds log lines while the bar is drawn (a JSON line in the middle would break it) and tells them afterwards,
 * one line per distinct message with a count: 37 "source answered, retrying" become one line.
 */
export function heldLogs(): { sink: (line: string) => void; lines(): string[] } {
  const held = new Map<string, number>();
  return {
    sink(line) {
      let key = line;
      try {
        const l = JSON.parse(line) as { level?: string; msg?: string; stream?: string; error?: unknown; status?: unknown };
        const err = typeof l.error === 'string' ? l.error : (l.error as { message?: string } | undefined)?.message;
        key = `${l.level ?? 'log'}: ${l.msg ?? ''}${l.stream ? ` (${l.stream})` : ''}${l.status ? ` [${l.status}]` : ''}${err ? `: ${err}` : ''}`;
      } catch {
        /* not one of ours: keep the line as it is */
      }
      held.set(key, (held.get(key) ?? 0) + 1);
    },
    lines: () => [...held].map(([k, n]) => (n > 1 ? `${k} (×${n})` : k)),
  };
}
