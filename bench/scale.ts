import { connectors } from '../shared/connectors/all';
import { executeRun } from '../shared/engine/engine';
import { scheduleDue } from '../shared/handlers/scheduler';
import { startLocalStack } from '../shared/local/stack';
import { IntegrationService } from '../shared/services/integrations';
import { newRun } from '../shared/store/runs';
import { dueAttributes, type IntegrationItem } from '../shared/store/integrations';
import { keys } from '../shared/store/keys';
import { customApiConfig } from './pipeline';
import { childServer, progress, round } from './util';

/**
 * `scale`: the store holds `integrations` integrations of 5 data types each with staggered intervals and next
 * sync times (about 1 in 15 due in a given minute). Two scheduler ticks run at once, as overlapping EventBridge
 * invocations would: every due integration must be claimed and enqueued exactly once. Then `workers` sync runs at once against the same store (each reading its own integration from
 * the unthrottled source), for 1, 2, 4 and 8 workers, plus a second delivery of one run that must find the
 * lease held: throughput by workers, and every record stored exactly once.
 */
const INTERVALS = [5, 15, 30, 60, 240];
const DATA_TYPES = ['contacts', 'companies', 'deals', 'tickets', 'calls'];

export async function benchScale(opts: { integrations: number; recordsPerWorker: number; workers: number[] }) {
  const dynamo = await childServer(['dynalite']);
  const source = await childServer(['hubspot', String(opts.recordsPerWorker)]);
  const stack = await startLocalStack({ connectors, dynamoEndpoint: dynamo.url });
  await stack.stream.stop();
  const { app } = stack;
  try {
    const { tenantId } = await app.tenants.createTenant('bench-scale');
    const now = Date.now();
    progress(`scale: ${opts.integrations} integrations × ${DATA_TYPES.length} data types, intervals ${INTERVALS.join('/')} min, staggered`);
    const items = Array.from({ length: opts.integrations }, (_, n): IntegrationItem => {
      const syncInterval = INTERVALS[n % INTERVALS.length];
      // Next sync times spread over each interval: the ones falling in the past minute are this tick's.
      const at = new Date(now - 60_000 + ((n * 7919) % (syncInterval * 60_000))).toISOString();
      return {
        id: `scale${String(n).padStart(6, '0')}`,
        tenantId,
        name: `scale ${n}`,
        // A type no local worker consumes: the tick's messages stay on their queue, where they are counted.
        type: 'bench_scale',
        config: { baseUrl: 'http://127.0.0.1:9', auth: { kind: 'none' }, streams: DATA_TYPES.map((name) => ({ name, path: `/${name}`, recordsPath: 'items', idPath: 'id', pagination: { kind: 'none' } })) },
        status: 'active',
        syncInterval,
        lastSync: null,
        nextSyncAt: at,
        errorMessage: null,
        consecutiveFailures: 0,
        createdAt: at,
        updatedAt: at,
        version: 1,
      };
    });
    await app.db.batchWrite(items.map((i) => ({ ...keys.integration(i.tenantId, i.id), ...dueAttributes(i), ...i })));

    const q0 = performance.now();
    const dueNow = await app.integrations.due(new Date(now).toISOString());
    const dueSeconds = (performance.now() - q0) / 1000;
    progress(`scale: the due query found ${dueNow.length} in ${dueSeconds.toFixed(2)} s`);
    const units = { ...app.db.consumed };
    const started = performance.now();
    const [t1, t2] = await Promise.all([scheduleDue(app, new Date(now)), scheduleDue(app, new Date(now))]);
    const tickSeconds = (performance.now() - started) / 1000;
    const ids = stack.queues.queue('bench_scale').messages.map((m) => (JSON.parse(m.body) as { integrationId: string }).integrationId);
    const unique = new Set(ids).size;
    const tick = {
      integrations: opts.integrations,
      due: dueNow.length,
      expectedDue: items.filter((i) => i.nextSyncAt! <= new Date(now).toISOString()).length,
      dueQuerySeconds: round(dueSeconds, 2),
      claimed: t1.claimed + t2.claimed,
      enqueued: ids.length,
      enqueuedTwice: ids.length - unique,
      missed: dueNow.length - unique,
      msPerClaim: round((tickSeconds * 1000) / Math.max(1, unique), 1),
      seconds: round(tickSeconds, 2),
      ticks: [t1, t2],
      units: { read: round(app.db.consumed.read - units.read, 1), write: round(app.db.consumed.write - units.write, 1) },
      steadyDuePerMinute: Math.round(INTERVALS.reduce((s, m) => s + opts.integrations / INTERVALS.length / m, 0)),
    };
    progress(`scale: two overlapping ticks claimed ${tick.claimed} and enqueued ${tick.enqueued} (${tick.enqueuedTwice} twice, ${tick.missed} missed) in ${tick.seconds} s`);

    // Workers: each its own integration on the same source, all against the one store.
    const svc = new IntegrationService(app);
    const workers: Record<string, unknown>[] = [];
    for (const k of opts.workers) {
      const own = await Promise.all(Array.from({ length: k }, (_, j) => svc.create(tenantId, { name: `w${k}-${j}`, type: 'custom_api', status: 'inactive', config: customApiConfig(source) })));
      const runs = await Promise.all(own.map(async (i) => {
        const run = newRun(i, { mode: 'full', dryRun: false }, 'manual');
        await app.runs.create(run);
        return run;
      }));
      const engine = { remainingMs: () => 900_000, safetyMarginMs: 60_000 };
      const before = { ...app.db.consumed };
      const t0 = performance.now();
      // A second delivery of the first run arrives at once: it must find the lease held and step back.
      const outcomes = await Promise.all([
        ...runs.map((run, j) => executeRun(app, { kind: 'sync', tenantId, integrationId: own[j].id, runId: run.id, continuation: 0 }, { ...engine, holder: `worker-${k}-${j}` })),
        new Promise((r) => setTimeout(r, 200)).then(() => executeRun(app, { kind: 'sync', tenantId, integrationId: own[0].id, runId: runs[0].id, continuation: 0 }, { ...engine, holder: `worker-${k}-dup` })),
      ]);
      const seconds = (performance.now() - t0) / 1000;
      const stored = await Promise.all(own.map((i) => app.records.count(i.id, 'contacts')));
      const records = k * opts.recordsPerWorker;
      const row = {
        workers: k,
        records,
        seconds: round(seconds, 2),
        recordsPerSecond: Math.round(records / seconds),
        writeUnitsPerSecond: Math.round((app.db.consumed.write - before.write) / seconds),
        outcomes: outcomes.map((o) => o.outcome),
        allStoredOnce: stored.every((n) => n === opts.recordsPerWorker),
      };
      workers.push(row);
      progress(`scale: ${k} workers: ${row.recordsPerSecond} records/s, duplicate delivery ${row.outcomes[k]}, all stored once: ${row.allStoredOnce}`);
    }
    return { tick, workers, storeCpuSeconds: round(await dynamo.cpuSeconds(), 1) };
  } finally {
    await stack.close();
    await source.close();
    await dynamo.close();
  }
}
