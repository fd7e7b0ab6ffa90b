import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Server } from 'node:http';
import * as z from 'zod';
import { createApiHandler } from '../api/handler';
import * as replies from '../api/replies';
import { flowRoutes } from '../api/flows';
import { dispatchChanges } from '../flows/dispatch';
import { flowWorkerHandler } from '../flows/worker';
import { startLocalStream, type LocalStream } from './stream';
import { FLOWS_QUEUE, NOTIFY_QUEUE } from '../queue/types';
import { integrationRoutes } from '../api/routes';
import { apiKeyRoutes } from '../api/keys';
import { signInRoutes } from '../api/sign-in';
import { userRoutes } from '../api/users';
import { DevSigner } from '../auth/dev';
import { devSignInRoutes } from './dev-signin';
import { bulkRoutes } from '../api/bulk';
import { openApiRoutes } from '../api/openapi';
import { AppError } from '../errors';
import type { Route } from '../api/router';
import { connectionTestRoutes } from '../api/test-route';
import { syncsFromSource, type Connector } from '../connectors/types';
import type { EngineOptions } from '../engine/engine';
import { LocalKeyRing } from '../crypto/local-keyring';
import { Sealer } from '../crypto/sealer';
import { workerHandler } from '../handlers/worker';
import { withConnectionTests } from '../handlers/connection-tests';
import { LocalInvoker, type LocalFunction } from '../invoke/local';
import { workerFunction, type Invoker } from '../invoke/types';
import type { WebhookApplier } from '../webhooks/apply';
import { LocalQueues } from '../queue/local';
import { App } from '../services/app';
import { scheduleDue } from '../handlers/scheduler';
import { msToNextHour, sendDueSummaries } from '../notify/summary';
import { queueDueDailyReports } from '../handlers/daily-reports';
import { notifyWorkerHandler } from '../notify/worker';
import { createDb, ensureTable } from '../store/db';
import { specs } from '../connectors/specs';
import { startDynalite, storeInUse } from './dynamo';
import { serveHandler } from './http-server';
import { privateDataDir } from './data-dir';
import { releaseDeadLeases } from './recover';
import { applyLocalDefaults } from './settings';

export interface LocalStackOptions {
  /** Where the store and the key file live; omit for an in-memory store (tests). */
  dataDir?: string;
  /** HTTP port; 0 picks a free one; omit to run without HTTP. */
  port?: number;
  /** A built dashboard (scripts/build-dashboard.ts) to serve on the HTTP port beside the API. */
  dashboardDir?: string;
  connectors: Connector[];
  extraRoutes?: (app: App) => Route[];
  applyWebhook?: WebhookApplier;
  /** Engine overrides for the workers (tests shorten backoff waits with `sleep`). */
  engine?: Partial<EngineOptions>;
  schedulerMs?: number;
  queue?: ConstructorParameters<typeof LocalQueues>[0];
  /** A DynamoDB endpoint to use instead of starting dynalite (DynamoDB Local, or a running stack's). */
  dynamoEndpoint?: string;
  table?: string;
}

export interface LocalStack {
  app: App;
  queues: LocalQueues;
  /** The store's change capture feeding realtime flows. */
  stream: LocalStream;
  /** The workers by their deployed function keys, called in process (the connection test's invocations). */
  invoker: Invoker;
  url?: string;
  dynamoEndpoint: string;
  /** Whether this process talks to the store of a stack running elsewhere (whose workers consume the queues). */
  attached: boolean;
  tick(): Promise<{ claimed: number; enqueued: number }>;
  close(): Promise<void>;
}

/** Where a running stack advertises its store, so the CLI can share it (LevelDB allows one opener). */
export const stackFile = (dataDir: string) => join(dataDir, 'stack.json');

const StackFileSchema = z.object({ pid: z.number(), dynamoEndpoint: z.string() });

/**
 * The stack serving this folder, if one is alive: its stack.json names it and the store's lock (which the OS
 * drops when a process dies) is held. A pid alone proves nothing after a kill -9 (another process may have it
 * by now), so a stack.json whose store is free is a dead stack's, and is removed.
 */
async function runningStack(dataDir: string): Promise<z.infer<typeof StackFileSchema> | undefined> {
  const f = stackFile(dataDir);
  if (!existsSync(f)) return undefined;
  if (!(await storeInUse(join(dataDir, 'db')))) {
    rmSync(f, { force: true });
    return undefined;
  }
  const parsed = StackFileSchema.safeParse(JSON.parse(readFileSync(f, 'utf8')));
  return parsed.success ? parsed.data : undefined;
}

/**
 * The whole of Switchboard in one process: a DynamoDB-compatible store, per-connector queues with SQS
 * semantics feeding the same worker handlers Lambda runs, the scheduler, the HTTP API and a local key ring.
 */
export async function startLocalStack(opts: LocalStackOptions): Promise<LocalStack> {
  applyLocalDefaults();
  const dataDir = opts.dataDir && resolve(opts.dataDir);
  if (dataDir) privateDataDir(dataDir);
  const running = dataDir && !opts.dynamoEndpoint ? await runningStack(dataDir) : undefined;
  if (running && opts.port !== undefined) throw new AppError('stack_running', `a Switchboard stack (pid ${running.pid}) is already running on ${dataDir}`, 409);
  const dynamo = opts.dynamoEndpoint || running ? undefined : await startDynalite({ path: dataDir ? join(dataDir, 'db') : undefined });
  const dynamoEndpoint = opts.dynamoEndpoint ?? running?.dynamoEndpoint ?? dynamo!.endpoint;
  const db = createDb({ endpoint: dynamoEndpoint, table: opts.table ?? 'switchboard' });
  await ensureTable(db.client, db.table);
  const keyDir = dataDir ?? join(require('node:os').tmpdir(), `switchboard-${process.pid}-${Date.now()}`);
  const queues = new LocalQueues({ visibilityTimeoutMs: 900_000, retryDelayMs: 2_000, file: dataDir && join(dataDir, 'queues.db'), ...opts.queue });
  const app = new App(db, new Sealer(new LocalKeyRing(join(keyDir, 'keyring.key'))), queues, specs, opts.connectors);
  // The workers, by the function keys they are deployed under, for the connection test's in-process invocations.
  const workers = new Map<string, LocalFunction>();
  for (const c of opts.connectors) {
    const worker = workerHandler(() => app, { applyWebhook: opts.applyWebhook, engine: opts.engine });
    queues.consume(c.type, worker);
    if (syncsFromSource(c)) workers.set(workerFunction(c.type), worker);
  }
  const flows = withConnectionTests(() => app, flowWorkerHandler(() => app, { sleep: opts.engine?.sleep }));
  queues.consume(FLOWS_QUEUE, flows);
  workers.set(workerFunction(FLOWS_QUEUE), flows);
  const invoker = new LocalInvoker(workers);
  queues.consume(NOTIFY_QUEUE, notifyWorkerHandler(() => app, { sleep: opts.engine?.sleep }));
  // Record changes reach realtime flows through the store's change capture, as DynamoDB Streams does in AWS.
  const stream = startLocalStream(db, queues, (changed) => dispatchChanges(app, changed), { filter: (k) => k.PK.startsWith('REC#') });

  let server: Server | undefined;
  let url: string | undefined;
  if (opts.port !== undefined) {
    const dev = await DevSigner.load(keyDir);
    const routes = (a: App) => [...integrationRoutes(a), ...bulkRoutes(a), ...flowRoutes(a), ...connectionTestRoutes(a, invoker), ...apiKeyRoutes(a), ...userRoutes(a), ...signInRoutes(a, { devSignIn: true }), ...openApiRoutes(a), ...devSignInRoutes(a, dev), ...(opts.extraRoutes?.(a) ?? [])];
    ({ server, url } = await serveHandler(createApiHandler(() => app, routes, { issuers: [dev.issuer], replies }), opts.port, undefined, opts.dashboardDir));
    if (dataDir) writeFileSync(stackFile(dataDir), JSON.stringify({ pid: process.pid, dynamoEndpoint, url }), { mode: 0o600 });
    if (dataDir) await releaseDeadLeases(app, queues.recoverInFlight());
    queues.start();
  }
  const tick = () => scheduleDue(app);
  const timer = opts.schedulerMs ? setInterval(() => void tick().catch(() => undefined), opts.schedulerMs) : undefined;
  timer?.unref();
  const daily = opts.schedulerMs ? everyHour(() => void Promise.all([sendDueSummaries(app), queueDueDailyReports(app)]).catch(() => undefined)) : undefined;

  return {
    app,
    queues,
    stream,
    invoker,
    url,
    dynamoEndpoint,
    attached: Boolean(running),
    tick,
    async close() {
      if (timer) clearInterval(timer);
      daily?.stop();
      if (server) {
        server.closeAllConnections();
        await new Promise<void>((r) => server!.close(() => r()));
      }
      await stream.stop();
      await queues.stop();
      db.client.destroy();
      if (dynamo) await dynamo.close();
      if (dataDir && server) rmSync(stackFile(dataDir), { force: true });
      if (!dataDir) rmSync(keyDir, { recursive: true, force: true });
    },
  };
}

/** Calls `send` at the top of every hour, as the deployed cron does: each channel's summary goes out at its own hour. */
function everyHour(send: () => void): { stop(): void } {
  let timer: NodeJS.Timeout;
  const arm = () => {
    timer = setTimeout(() => {
      send();
      arm();
    }, msToNextHour());
    timer.unref();
  };
  arm();
  return { stop: () => clearTimeout(timer) };
}
