import { scrub } from '../log';
import { addStats, emptyStats, type Run, type StreamStats } from '../store/runs';

/** A run keeps the first reasons records were rejected, and its data types' errors, up to this many. */
export const MAX_ERRORS = 20;

export function totals(run: Run): StreamStats {
  let t = emptyStats();
  for (const s of Object.values(run.streams)) t = addStats(t, s);
  return t;
}

/**
 * Copies the HTTP client's counters into the stream's stats. The client counts this invocation only, so
 * `base` holds what earlier invocations of the run had counted when this one started on the stream.
 */
export function syncHttp(st: StreamStats, base: StreamStats, h: { requests: number; retries: number; http429: number; rateLimitWaitMs: number }, durationMs: number): void {
  st.requests = base.requests + h.requests;
  st.retries = base.retries + h.retries;
  st.http429 = base.http429 + h.http429;
  st.rateLimitWaitMs = base.rateLimitWaitMs + h.rateLimitWaitMs;
  st.durationMs = base.durationMs + durationMs;
}

/** Records a rejected record's reason (the first MAX_ERRORS are kept). */
export function recordRejected(run: Run, dataType: string, rejected: { id?: string; reason: string }[]): void {
  for (const r of rejected) if (run.errors.length < MAX_ERRORS) run.errors.push({ dataType, id: r.id, reason: scrub(r.reason) });
}

/** Records why a data type stopped, ahead of any record errors. */
export function recordStreamError(run: Run, dataType: string, reason: string): void {
  run.errors.unshift({ dataType, reason });
  run.errors = run.errors.slice(0, MAX_ERRORS);
}
