import { connectors } from '../shared/connectors/all';
import { staticProperties } from '../shared/connectors/hubspot/properties';
import { recordHash } from '../shared/store/hash';
import { startLocalStack, type LocalStack } from '../shared/local/stack';
import { IntegrationService } from '../shared/services/integrations';
import { createDb, ensureTable, type Item } from '../shared/store/db';
import { keys } from '../shared/store/keys';
import type { Run } from '../shared/store/runs';
import { startHubspotSandbox, type HubspotSandbox } from '../tests/sandboxes/hubspot';
import { childServer, median, progress, round } from './util';

/**
 * The sync pipeline without a rate limit: 100,000 HubSpot-shaped contacts from an unthrottled HubSpot sandbox,
 * through the engine (read, hash-compare against the store, BatchWriteItem, checkpoint per page) into
 * dynalite; then the same sync again with nothing changed (three times, the median); then, as the ceiling, the same 100,000 stored items
 * written with bare BatchWriteItem to a fresh dynalite in this process.
 *
 * The hubspot connector declares HubSpot's own 100 requests / 10 s, which holds whatever the sandbox does, so
 * it cannot show the pipeline's speed. The source is read with the Custom API connector instead: a real
 * product configuration (bearer token, cursor paging on `paging.next.after`, records at `results`) with no
 * declared limit, pointed at the same HubSpot list endpoint with the hubspot connector's property list and
 * page size (100). The records stored are the API's objects as sent (Custom API keeps them whole), about the
 * size the hubspot connector stores. Nothing in the engine or the store is bypassed or tuned.
 */
const PATH = '/crm/v3/objects/contacts';
const PROPERTIES = staticProperties('contacts')!;

export interface PipelineFigures {
  records: number;
  itemBytes: number;
  seconds: number;
  recordsPerSecond: number;
  rawSeconds: number;
  rawRecordsPerSecond: number;
  ratio: number;
  /** Capacity units the store reported for the first sync (every request of the worker's process: records, cursors, runs). */
  units: { read: number; write: number };
  /** CPU seconds the store's process spent on the first sync and on the raw writes: the work, whatever the machine's load. */
  storeCpuSeconds: { pipeline: number; raw: number };
  /** CPU seconds this process (the worker's side: engine, SDK; the raw writes' SDK) spent, which competes with the store for the cores. */
  workerCpuSeconds: { pipeline: number; raw: number };
  run: Record<string, unknown>;
}

export interface ResyncFigures {
  /** Median of RESYNCS unchanged re-syncs. */
  seconds: number;
  runs: number[];
  itemsWritten: number;
  speedup: number;
  storeCpuSeconds: number;
  /** CPU seconds this process spent per re-sync (the mean). */
  workerCpuSeconds: number;
  /** Capacity units of one re-sync (the median's). */
  units: { read: number; write: number };
  run: Record<string, unknown>;
}

const RESYNCS = 3;

export function customApiConfig(sandbox: { url: string; token?: string }) {
  return {
    baseUrl: sandbox.url,
    auth: { kind: 'bearer' },
    token: sandbox.token,
    streams: [
      {
        name: 'contacts',
        path: PATH,
        query: { limit: 100, properties: PROPERTIES.join(','), archived: false },
        recordsPath: 'results',
        idPath: 'id',
        pagination: { kind: 'cursor', param: 'after', next: 'paging.next.after' },
      },
    ],
  };
}

interface Timed {
  run: Run;
  seconds: number;
  cpuSeconds: number;
  units: { read: number; write: number };
}

async function timedSync(stack: LocalStack, svc: IntegrationService, tenantId: string, integrationId: string): Promise<Timed> {
  const i = (await stack.app.integrations.get(tenantId, integrationId))!;
  const { consumed } = stack.app.db;
  const before = { ...consumed };
  const started = performance.now();
  const cpu = process.cpuUsage();
  const requested = await svc.requestSync(i, { mode: 'full' }, 'manual');
  await stack.queues.drain();
  const seconds = (performance.now() - started) / 1000;
  const cpuSeconds = cpuSecondsSince(cpu);
  const run = (await stack.app.runs.get(integrationId, requested.id))!;
  if (run.status !== 'succeeded') throw new Error(`the sync ${run.status}: ${run.error ?? JSON.stringify(run.errors.slice(0, 3))}`);
  return { run, seconds, cpuSeconds, units: { read: consumed.read - before.read, write: consumed.write - before.write } };
}

function cpuSecondsSince(start: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(start);
  return (u.user + u.system) / 1e6;
}

const runView = (run: Run, seconds: number) => ({
  status: run.status,
  processed: run.stats.processed,
  created: run.stats.created,
  updated: run.stats.updated,
  unchanged: run.stats.unchanged,
  requests: run.stats.requests,
  pages: run.stats.pages,
  streamMs: run.stats.durationMs,
  wallMs: Math.round(seconds * 1000),
});

/** The items the writer stores for these records (writer.ts: keys + StoredRecord), built outside any timing. */
function storedItems(sandbox: HubspotSandbox, integrationId: string, n: number): Item[] {
  const store = sandbox.store.contacts;
  const now = new Date().toISOString();
  const items: Item[] = [];
  for (let p = store.page(undefined, 10_000, false); ; p = store.page(p.next, 10_000, false)) {
    for (const rec of p.records) {
      // What the API sends, as the client parses it (the view leaves no undefined values, but be exact).
      const data = JSON.parse(JSON.stringify(store.view(rec, PROPERTIES))) as Record<string, unknown>;
      const externalId = String(data.id);
      items.push({
        ...keys.record(integrationId, 'contacts', externalId),
        integrationId,
        dataType: 'contacts',
        externalId,
        data,
        hash: recordHash(data, false),
        syncStatus: 'synced',
        createdAt: now,
        updatedAt: now,
        deleted: false,
      });
    }
    if (!p.next || items.length >= n) break;
  }
  return items.slice(0, n);
}

/** Bare BatchWriteItem of `items` to a fresh dynalite: Db.batchWrite, 25 items a request, 4 requests at once. */
async function rawWrite(items: Item[]): Promise<{ seconds: number; cpuSeconds: number; workerCpuSeconds: number }> {
  const dynamo = await childServer(['dynalite']);
  const db = createDb({ endpoint: dynamo.url, table: 'bench-raw' });
  try {
    await ensureTable(db.client, db.table);
    const cpu = await dynamo.cpuSeconds();
    const started = performance.now();
    const ours = process.cpuUsage();
    await db.batchWrite(items, [], 4);
    const seconds = (performance.now() - started) / 1000;
    const workerCpuSeconds = cpuSecondsSince(ours);
    if (db.writes !== items.length) throw new Error(`raw write stored ${db.writes} of ${items.length} items`);
    return { seconds, workerCpuSeconds, cpuSeconds: (await dynamo.cpuSeconds()) - cpu };
  } finally {
    db.client.destroy();
    await dynamo.close();
  }
}

export async function benchPipeline(n: number): Promise<{ pipeline: PipelineFigures; resync: ResyncFigures }> {
  // The source and the store are servers in their own processes (as HubSpot and DynamoDB are); this process
  // runs what a worker Lambda runs. The raw baseline writes to a store in its own process too.
  const source = await childServer(['hubspot', String(n)]);
  const dynamo = await childServer(['dynalite']);
  let lastLog = 0;
  const stack = await startLocalStack({
    connectors,
    dynamoEndpoint: dynamo.url,
    engine: {
      onProgress: (run) => {
        if (Date.now() - lastLog < 10_000) return;
        lastLog = Date.now();
        progress(`  pipeline: ${run.stats.processed} records (${run.stats.created} created, ${run.stats.unchanged} unchanged)`);
      },
    },
  });
  // The local stand-in for DynamoDB Streams (captures every record write into the queue journal and dispatches
  // it to realtime flows) runs, in AWS, on the table's stream and the flowDispatch Lambda, not in the worker.
  await stack.stream.stop();
  let integrationId = '';
  let first: Timed;
  const again: Timed[] = [];
  let writes: number;
  const cpu: number[] = [];
  let itemBytes: number;
  try {
    const { tenantId } = await stack.app.tenants.createTenant('bench');
    const svc = new IntegrationService(stack.app);
    const integration = await svc.create(tenantId, { name: 'bench pipeline', type: 'custom_api', config: customApiConfig(source) });
    integrationId = integration.id;

    progress(`pipeline: first sync of ${n} records`);
    lastLog = Date.now();
    cpu.push(await dynamo.cpuSeconds());
    first = await timedSync(stack, svc, tenantId, integrationId);
    cpu.push(await dynamo.cpuSeconds());
    if (first.run.stats.created !== n) throw new Error(`the first sync created ${first.run.stats.created} records, not ${n}`);
    const sample = (await stack.app.records.list(integrationId, { dataType: 'contacts', limit: 1 })).items[0];
    itemBytes = Buffer.byteLength(JSON.stringify({ ...keys.record(integrationId, 'contacts', sample!.externalId), ...sample }));
    progress(`pipeline: first sync ${first.seconds.toFixed(1)} s; ${RESYNCS} re-syncs of the unchanged ${n}`);

    const before = stack.app.db.writes;
    for (let i = 0; i < RESYNCS; i++) {
      lastLog = Date.now();
      again.push(await timedSync(stack, svc, tenantId, integrationId));
      progress(`pipeline: re-sync ${again[i].seconds.toFixed(1)} s`);
    }
    cpu.push(await dynamo.cpuSeconds());
    writes = stack.app.db.writes - before;
    progress(`pipeline: ${writes} items written by the re-syncs`);
  } finally {
    await stack.close();
    await source.close();
    await dynamo.close();
  }

  // The same deterministic records, generated here (not served) to build the raw baseline's items.
  const sandbox = await startHubspotSandbox({ contacts: n, companies: 0, deals: 0, rateLimit: false });
  const items = storedItems(sandbox, integrationId, n);
  await sandbox.close();
  const rawBytes = Buffer.byteLength(JSON.stringify(items[0]));
  progress(`pipeline: raw BatchWriteItem of ${items.length} items (${rawBytes} B each vs ${itemBytes} B stored)`);
  const raw = await rawWrite(items);
  const rawSeconds = raw.seconds;
  progress(`pipeline: raw ${rawSeconds.toFixed(1)} s`);
  const resyncSeconds = median(again.map((a) => a.seconds));
  const typical = again.find((a) => a.seconds === resyncSeconds) ?? again[again.length - 1];

  const recordsPerSecond = n / first.seconds;
  const rawRecordsPerSecond = n / rawSeconds;
  return {
    pipeline: {
      records: n,
      itemBytes,
      seconds: round(first.seconds, 2),
      recordsPerSecond: Math.round(recordsPerSecond),
      rawSeconds: round(rawSeconds, 2),
      rawRecordsPerSecond: Math.round(rawRecordsPerSecond),
      ratio: round(recordsPerSecond / rawRecordsPerSecond, 3),
      units: first.units,
      storeCpuSeconds: { pipeline: round(cpu[1] - cpu[0], 1), raw: round(raw.cpuSeconds, 1) },
      workerCpuSeconds: { pipeline: round(first.cpuSeconds, 1), raw: round(raw.workerCpuSeconds, 1) },
      run: runView(first.run, first.seconds),
    },
    resync: {
      seconds: round(resyncSeconds, 2),
      runs: again.map((a) => round(a.seconds, 2)),
      itemsWritten: writes,
      speedup: round(first.seconds / resyncSeconds, 2),
      storeCpuSeconds: round((cpu[2] - cpu[1]) / RESYNCS, 1),
      workerCpuSeconds: round(again.reduce((n, a) => n + a.cpuSeconds, 0) / RESYNCS, 1),
      units: typical.units,
      run: runView(typical.run, typical.seconds),
    },
  };
}
