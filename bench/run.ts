import { cpus, totalmem } from 'node:os';
import { setLogSink } from '../shared/log';
import { benchBundles } from './bundles';
import { benchFlows } from './flows';
import { benchPipeline } from './pipeline';
import { benchOurs, benchPeer } from './rate-limit';
import { progress } from './util';

/**
 * `npm run bench`: rate-limit efficiency against HubSpot's official client, pipeline throughput against bare
 * BatchWriteItem, unchanged re-sync, flows delivering to HubSpot, and Lambda bundle sizes and init times.
 * Progress on stderr; the last stdout line is one JSON object. Parts run one after another (never
 * concurrently: the machine has 2 cores).
 *
 * Dev knobs (defaults are the benchmark): BENCH_PARTS=rate,pipeline,flows,bundles, BENCH_RECORDS=100000,
 * BENCH_FLOW_RECORDS=10000, BENCH_WINDOWS=6 (10 s rate-limit windows measured per client).
 */
const PARTS = (process.env.BENCH_PARTS ?? 'rate,pipeline,flows,bundles').split(',');
const RECORDS = Number(process.env.BENCH_RECORDS ?? 100_000);
const WINDOWS = Number(process.env.BENCH_WINDOWS ?? 6);

async function main(): Promise<void> {
  const started = Date.now();
  // The engine's info/warn lines would drown the progress; count them instead.
  const logged: Record<string, number> = {};
  setLogSink((line) => {
    const { level, msg } = JSON.parse(line) as { level: string; msg: string };
    const k = `${level}: ${msg}`;
    logged[k] = (logged[k] ?? 0) + 1;
  });
  const result: Record<string, unknown> = {};

  if (PARTS.includes('rate')) {
    progress(`rate limit: our engine, HubSpot contacts, ${WINDOWS} × 10 s windows`);
    const ours = await benchOurs(WINDOWS);
    progress(`rate limit: ours ${ours.efficiency} (${ours.served} served in ${ours.seconds} s, ${ours.http429} × 429)`);
    progress(`rate limit: @hubspot/api-client getAll, retries 6, no limiter`);
    const peer = await benchPeer(WINDOWS, { limiter: false });
    progress(`rate limit: peer ${peer.efficiency} (${peer.served} served in ${peer.seconds} s, ${peer.http429} × 429)`);
    progress(`rate limit: @hubspot/api-client getAll with its README's DEFAULT_LIMITER_OPTIONS, 2 windows`);
    const peerLimited = await benchPeer(2, { limiter: true });
    progress(`rate limit: peer with limiter ${peerLimited.efficiency}`);
    result.rateLimit = {
      limit: '100 requests / 10 s rolling',
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
  }

  if (PARTS.includes('flows')) result.flows = await benchFlows(Number(process.env.BENCH_FLOW_RECORDS ?? 10_000));

  if (PARTS.includes('bundles')) {
    progress('bundles: esbuild each Lambda entry, then median of 5 cold requires');
    result.bundles = await benchBundles();
  }

  result.logLines = logged;
  result.machine = { node: process.version, platform: `${process.platform}-${process.arch}`, cpus: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30) };
  result.totalSeconds = Math.round((Date.now() - started) / 1000);
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
