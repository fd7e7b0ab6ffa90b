import { Presets, SingleBar } from 'cli-progress';
import type { Run } from '../store/runs';
import { duration } from './format';

export interface RunProgress {
  update(run: Run): void;
  stop(): void;
}

/**
 * A progress line on stderr while a sync runs: records processed (against --max-records when given, the only
 * total known in advance), pages, records/s, requests and the time spent waiting for the rate limit.
 * cli-progress writes nothing when stderr is not a terminal, so piped output and tests stay clean.
 */
export function runProgress(opts: { total?: number; stream?: NodeJS.WriteStream } = {}): RunProgress {
  const started = Date.now();
  const stats = '{dataType} | {pages} pages | {rate} rec/s | {requests} requests | rate-limit wait {waited} | {elapsed}';
  const bar = new SingleBar(
    {
      stream: opts.stream ?? process.stderr,
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
      waited: duration(s?.rateLimitWaitMs ?? 0),
      elapsed: duration(Date.now() - started),
    };
  };
  bar.start(opts.total ?? 0, 0, payload());
  let stopped = false;
  return {
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
