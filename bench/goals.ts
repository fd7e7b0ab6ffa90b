/**
 * The goals issue 14 (and issue 11 for calls) set, judged on one bench result: each figure, its goal and whether it
 * is met, so the last line of `npm run bench` says itself what is met and what is not (the README's table is
 * written from it). A part that did not run (BENCH_PARTS, --quick's smaller sizes aside) has no rows.
 */
export interface Goal {
  figure: string;
  value: unknown;
  goal: string;
  met: boolean;
}

const BUNDLE_KB = 300;
const INIT_MS = 50;

/** The bench result as printed: untyped JSON, read only here. */
type Json = Record<string, any>;

export function judge(r: Json): Goal[] {
  const out: Goal[] = [];
  const add = (figure: string, value: unknown, goal: string, met: boolean) => out.push({ figure, value, goal, met });
  if (r.rateLimit?.efficiency !== undefined) add('rateLimit.efficiency', r.rateLimit.efficiency, '≥ 0.97', r.rateLimit.efficiency >= 0.97);
  const assoc = r.rateLimit?.recordsPerRequest?.hubspotWithAssociations;
  if (assoc !== undefined) add('rateLimit.recordsPerRequest.hubspotWithAssociations', assoc, '≥ 95', assoc >= 95);
  if (r.pipeline) add('pipeline.ratio', r.pipeline.ratio, '≥ 0.8', r.pipeline.ratio >= 0.8);
  if (r.resync) {
    add('resync.itemsWritten', r.resync.itemsWritten, '0', r.resync.itemsWritten === 0);
    add('resync.speedup', r.resync.speedup, '≥ 5', r.resync.speedup >= 5);
  }
  if (r.cost) {
    add('cost.firstSyncPerMillion', r.cost.firstSyncPerMillion, '≤ $0.80', r.cost.firstSyncPerMillion <= 0.8);
    add('cost.resyncPerMillion', r.cost.resyncPerMillion, '≤ $0.07', r.cost.resyncPerMillion <= 0.07);
  }
  const tick = r.scale?.tick;
  if (tick) {
    const all = tick.due === tick.expectedDue && tick.enqueued === tick.due && tick.enqueuedTwice === 0 && tick.missed === 0;
    add('scale.tick', `${tick.due} due, ${tick.enqueued} enqueued, ${tick.enqueuedTwice} twice, ${tick.missed} missed, ${tick.seconds} s`, 'all due enqueued once, < 60 s', all && tick.seconds < 60);
  }
  const workers = r.scale?.workers as Json[] | undefined;
  if (workers?.length) {
    const rates = workers.map((w) => w.recordsPerSecond as number);
    // Throughput grows with workers until the store binds: more workers never serve much less than one did.
    const grows = rates.every((x) => x >= rates[0] * 0.9) && Math.max(...rates) > rates[0];
    add('scale.workers', `${rates.join(' / ')} records/s at ${workers.map((w) => w.workers).join('/')} workers`, 'grows until the store binds; every record once', grows && workers.every((w) => w.allStoredOnce));
  }
  if (r.flows?.efficiency !== undefined) add('flows.efficiency', r.flows.efficiency, '≥ 0.95', r.flows.efficiency >= 0.95);
  if (r.calls?.efficiency !== undefined) add('calls.efficiency', r.calls.efficiency, '≥ 0.9', r.calls.efficiency >= 0.9);
  const mem = r.calls?.memory;
  if (mem) {
    const worst = Math.max(mem.peakGrowthPerFileSize, mem.firstInProcess.peakGrowthPerFileSize);
    add('calls.memory.peakGrowthPerFileSize', `${mem.peakGrowthPerFileSize} × warmed up, ${mem.firstInProcess.peakGrowthPerFileSize} × fresh`, '≤ 2 ×', worst <= 2);
  }
  const entries = r.bundles?.entries as Record<string, { bytes: number; initMs: number }> | undefined;
  if (entries) {
    const list = Object.entries(entries);
    const big = list.filter(([, b]) => b.bytes / 1024 > BUNDLE_KB).map(([n, b]) => `${n} ${Math.round(b.bytes / 1024)} KB`);
    const slow = list.filter(([, b]) => b.initMs > INIT_MS).map(([n, b]) => `${n} ${b.initMs} ms`);
    add('bundles.bytes', `${list.length - big.length} of ${list.length} ≤ ${BUNDLE_KB} KB${big.length ? `; over: ${big.join(', ')}` : ''}`, `≤ ${BUNDLE_KB} KB each`, big.length === 0);
    add('bundles.initMs', `${list.length - slow.length} of ${list.length} ≤ ${INIT_MS} ms${slow.length ? `; over: ${slow.join(', ')}` : ''}`, `≤ ${INIT_MS} ms each (median of 5)`, slow.length === 0);
  }
  // The duration is the whole bench's: a quick run or one of some parts (BENCH_PARTS) says nothing about it.
  const whole = !r.quick && ['pipeline', 'scale', 'flows', 'calls', 'bundles'].every((k) => r[k] !== undefined) && r.rateLimit?.efficiency !== undefined;
  if (r.totalSeconds !== undefined && whole) add('totalSeconds', r.totalSeconds, '< 360 s', r.totalSeconds < 360);
  return out;
}
