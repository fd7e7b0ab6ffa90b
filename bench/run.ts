import { cpus, loadavg, totalmem } from 'node:os';
import { setLogSink } from '../shared/log';
import { benchBundles } from './bundles';
import { cost } from './cost';
import { benchHubspotRequests } from './requests';
import { benchScale } from './scale';
import { benchFlows } from './flows';
import { benchAttachMemory, benchCalls } from './calls';
import { benchPipeline } from './pipeline';
import { judge, type Goal } from './goals';
import { benchOurs, benchPeer } from './rate-limit';
import { progress, round } from './util';

/**
 * `npm run bench`: rate-limit efficiency against HubSpot's official client, pipeline throughput against bare
 * BatchWriteItem, unchanged re-sync, flows delivering to HubSpot, and Lambda bundle sizes and init times.
 * Progress on stderr; the last stdout line is one JSON object, whose `goals` judges each figure against its goal
 * (bench/goals.ts; also printed as progress). Parts run one after another (never concurrently: the machine has 2
 * cores).
 *
 * `npm run bench -- --quick` is the development mode (about a minute): every part, smaller. Dev knobs (defaults
 * are the benchmark): BENCH_PARTS=rate,pipeline,scale,flows,calls,bundles (calls-memory: only the
 * calls part's 20 MB attachment memory figure), BENCH_RECORDS=100000, BENCH_FLOW_RECORDS=10000,
 * BENCH_WINDOWS=4 (10 s rate-limit windows measured for our engine; the peer gets half). Four, not six: quiet
 * runs measured 0.9994–0.9996 with six, and the bench must stay under 6 minutes.
 * `--profile` writes a CPU profile of every process (this one, the store, the source) under bench-profiles/.
 */
const QUICK = process.argv.includes('--quick');
const PROFILE = process.argv.includes('--profile');
const PARTS = (process.env.BENCH_PARTS ?? 'rate,pipeline,scale,flows,calls,bundles').split(',');
const RECORDS = Number(process.env.BENCH_RECORDS ?? (QUICK ? 10_000 : 100_000));
const WINDOWS = Number(process.env.BENCH_WINDOWS ?? (QUICK ? 1 : 4));
const PEER_WINDOWS = Math.max(1, Math.round(WINDOWS / 2));
const FLOW_RECORDS = Number(process.env.BENCH_FLOW_RECORDS ?? (QUICK ? 1_000 : 10_000));

/** What the figures were measured on; the load average says how busy the machine was meanwhile. */
function machine() {
  return {
    cpu: cpus()[0]?.model.trim(),
    cpus: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    loadAverage: loadavg().map((l) => Number(l.toFixed(2))),
  };
}

let stopProfile: (() => Promise<void>) | undefined;

async function main(): Promise<void> {
  const started = Date.now();
  const before = machine();
  progress(`${QUICK ? 'quick run' : 'full run'} on ${before.cpu} × ${before.cpus}, load ${before.loadAverage.join(' ')}`);
  if (PROFILE) {
    // The servers the parts start profile themselves into the same folder (bench/util.ts childServer).
    const { mkdirSync } = await import('node:fs');
    const dir = (process.env.BENCH_CPU_PROF = `${process.cwd()}/bench-profiles/${new Date().toISOString().replace(/[:.]/g, '-')}`);
    mkdirSync(dir, { recursive: true });
    const { Session } = await import('node:inspector/promises');
    const session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
    stopProfile = async () => {
      const { profile } = await session.post('Profiler.stop');
      const { writeFileSync } = await import('node:fs');
      writeFileSync(`${dir}/bench.cpuprofile`, JSON.stringify(profile));
      progress(`profiles in ${dir}`);
    };
  }
  // The engine's info/warn lines would drown the progress; count them instead.
  const logged: Record<string, number> = {};
  setLogSink((line) => {
    const { level, msg } = JSON.parse(line) as { level: string; msg: string };
    const k = `${level}: ${msg}`;
    logged[k] = (logged[k] ?? 0) + 1;
  });
  const result: Record<string, unknown> = {};
  // Per connector the bench runs: records stored per request sent to the source.
  const recordsPerRequest: Record<string, number> = {};

  if (PARTS.includes('rate')) {
    progress(`rate limit: our engine, HubSpot contacts, ${WINDOWS} × 10 s windows`);
    const ours = await benchOurs(WINDOWS);
    progress(`rate limit: ours ${ours.efficiency} (${ours.served} served in ${ours.seconds} s, ${ours.http429} × 429)`);
    progress(`rate limit: @hubspot/api-client getAll, retries 6, no limiter, ${PEER_WINDOWS} × 10 s windows`);
    const peer = await benchPeer(PEER_WINDOWS, { limiter: false });
    progress(`rate limit: peer ${peer.efficiency} (${peer.served} served in ${peer.seconds} s, ${peer.http429} × 429)`);
    progress(`rate limit: @hubspot/api-client getAll with its README's DEFAULT_LIMITER_OPTIONS, 2 windows`);
    const peerLimited = await benchPeer(QUICK ? 1 : 2, { limiter: true });
    progress(`rate limit: peer with limiter ${peerLimited.efficiency}`);
    const hubspotAssociations = await benchHubspotRequests(QUICK ? 1_200 : 6_000);
    result.rateLimit = {
      limit: '100 requests / 10 s rolling',
      recordsPerRequest: Object.assign(recordsPerRequest, {
        hubspot: round(Number(ours.run.processed) / Number(ours.run.requests), 1),
        hubspotWithAssociations: hubspotAssociations.recordsPerRequest,
      }),
      hubspotWithAssociations: hubspotAssociations,
      efficiency: ours.efficiency,
      http429: ours.http429,
      requests: ours.requests,
      seconds: ours.seconds,
      served: ours.served,
      run: ours.run,
      peerEfficiency: peer.efficiency,
      peer: { http429: peer.http429, requests: peer.requests, seconds: peer.seconds, served: peer.served, options: peer.options },
      peerWithLimiter: {
        efficiency: peerLimited.efficiency,
        http429: peerLimited.http429,
        requests: peerLimited.requests,
        seconds: peerLimited.seconds,
        options: peerLimited.options,
      },
    };
  }

  if (PARTS.includes('pipeline')) {
    progress(`pipeline: ${RECORDS} records, unthrottled`);
    const { pipeline, resync } = await benchPipeline(RECORDS);
    result.pipeline = pipeline;
    result.resync = resync;
    result.cost = cost(pipeline, resync);
    recordsPerRequest.customApi = round(Number(pipeline.run.processed) / Number(pipeline.run.requests), 1);
    progress(`cost: first sync $${(result.cost as ReturnType<typeof cost>).firstSyncPerMillion} per million records, re-sync $${(result.cost as ReturnType<typeof cost>).resyncPerMillion}`);
  }

  if (PARTS.includes('scale')) {
    const scale: Record<string, unknown> = await benchScale(QUICK ? { integrations: 1_000, recordsPerWorker: 1_000, workers: [1, 2, 4] } : { integrations: 10_000, recordsPerWorker: 5_000, workers: [1, 2, 4, 8] });
    // Every record of an integration shares one partition key (REC#<integrationId>); DynamoDB serves at most
    // 1,000 write units/s per partition key until adaptive capacity splits it.
    const pipeline = result.pipeline as { units: { write: number }; seconds: number } | undefined;
    if (pipeline) {
      const perKey = Math.round(pipeline.units.write / pipeline.seconds);
      scale.hotPartition = { key: 'REC#<integrationId>', firstSyncWriteUnitsPerSecond: perKey, partitionKeyLimit: 1000, hot: perKey > 1000 };
    }
    result.scale = scale;
  }

  if (PARTS.includes('flows')) result.flows = await benchFlows(FLOW_RECORDS);
  if (PARTS.includes('calls')) result.calls = await benchCalls(QUICK ? 500 : 5_000, QUICK ? 10 : 60);
  else if (PARTS.includes('calls-memory')) result.calls = { memory: await benchAttachMemory() };

  if (PARTS.includes('bundles')) {
    progress(QUICK ? 'bundles: api, scheduler, webhooks and the hubspot worker, one cold require each' : 'bundles: esbuild each Lambda entry, then median of 5 cold requires');
    result.bundles = QUICK ? await benchBundles(1, ['api', 'scheduler', 'webhooks', 'workers/hubspot']) : await benchBundles(5);
  }

  result.rateLimit ??= { recordsPerRequest };
  result.logLines = logged;
  result.machine = { ...before, loadAverageAtEnd: machine().loadAverage };
  result.quick = QUICK;
  await stopProfile?.();
  result.totalSeconds = Math.round((Date.now() - started) / 1000);
  result.goals = judge(result);
  for (const g of result.goals as Goal[]) progress(`${g.met ? 'met    ' : 'NOT MET'} ${g.figure}: ${typeof g.value === 'string' ? g.value : JSON.stringify(g.value)} (goal ${g.goal})`);
  progress(`done in ${result.totalSeconds} s`);
  process.stdout.write(JSON.stringify(result) + '\n');
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`bench failed: ${(err as Error).stack ?? err}\n`);
    process.exit(1);
  },
);
