import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { connectors } from '../shared/connectors/all';
import { toCallRecord } from '../shared/connectors/ringcentral';
import { executeFlowRun } from '../shared/flows/runner';
import { FlowService, newFlowRun } from '../shared/flows/service';
import { HttpLimits } from '../shared/http/limits';
import { startLocalStack } from '../shared/local/stack';
import { IntegrationService } from '../shared/services/integrations';
import { recordHash } from '../shared/store/hash';
import { startRingCentralSandbox } from '../tests/sandboxes/ringcentral';
import { makeZohoRecords, startZohoSandbox } from '../tests/sandboxes/zoho';
import { progress, round } from './util';

/**
 * `calls`: seed 004's calls → Zoho leads. `calls` stored call log records (20 % accepted with a recording, 30 %
 * missed, a tenth of the callers calling twice) through the calls_to_leads flow into the Zoho sandbox, which
 * enforces 100 requests a minute. The run keeps Zoho's minute on a clock `SCALE` times faster than the wall (the
 * sandbox's window and our limiter's clock alike), so the 21-odd Zoho minutes of 5,000 calls take seconds; the
 * RingCentral media downloads share that clock and the integration's declared Heavy limit (10 a minute).
 * Figures: calls per minute ÷ the ceiling: the lower of what Zoho's 100 requests a minute allow at the requests
 * per call the flow needs at best (1/5 search, 1/100 create or update, 1/100 note, 1 per attachment) and what
 * RingCentral's Heavy group (10 a minute, recording content included) allows for the recordings; the requests per call made,
 * and the peak resident memory of a worker process attaching one 20 MB recording (goal ≤ 2 × the file).
 */
export async function benchCalls(calls: number, scale: number) {
  const zohoCreds = { accessToken: '1000.access.bench', refreshToken: '1000.refresh.bench', clientId: '1000.BENCH', clientSecret: 'bench-secret' };
  const zoho = await startZohoSandbox({ ...zohoCreds, perMinute: 100, windowMs: 60_000 / scale, records: { Leads: makeZohoRecords('Leads', 1) } });
  const rc = await startRingCentralSandbox({ accessToken: 'rc-bench-token' });
  const stack = await startLocalStack({ connectors });
  const t0 = Date.now();
  const vnow = () => t0 + (Date.now() - t0) * scale;
  const vsleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms / scale));
  try {
    const { app } = stack;
    // Every client of the run waits on the scaled clock (the process's limiters live on App.limits).
    Object.defineProperty(app, 'limits', { value: new HttpLimits(vnow, vsleep) });
    const { tenantId } = await app.tenants.createTenant('bench-calls');
    const svc = new IntegrationService(app);
    const source = await svc.create(tenantId, { name: 'rc', type: 'ringcentral', config: { baseUrl: rc.url, accessToken: 'rc-bench-token' }, status: 'inactive' });
    const target = await svc.create(tenantId, { name: 'zoho', type: 'zoho', config: { baseUrl: zoho.url, accountsUrl: zoho.url, ...zohoCreds }, status: 'inactive' });
    const audio = randomBytes(32_000);
    const now = Date.now();
    let recordings = 0;
    const records = Array.from({ length: calls }, (_, i) => {
      const recorded = i % 5 === 0;
      const accepted = recorded || i % 10 < 7;
      const caller = i % 10 === 9 ? i - 5 : i;
      const contentUri = recorded ? rc.addMedia(`/restapi/v1.0/account/1/recording/${i}/content`, audio) : undefined;
      if (recorded) recordings++;
      return toCallRecord({
        id: `call${i}`,
        startTime: new Date(now - 20 * 3_600_000 + i * 1000).toISOString(),
        duration: accepted ? 120 : 0,
        direction: 'Inbound',
        result: accepted ? 'Accepted' : 'Missed',
        from: { phoneNumber: `+1215${String(5_000_000 + caller).padStart(7, '0')}`, name: `Caller ${caller}` },
        to: { phoneNumber: '+12155550001', extensionNumber: String(101 + (i % 4)) },
        extension: { id: String(101 + (i % 4)) },
        ...(contentUri ? { recording: { id: String(i), type: 'Automatic', contentUri } } : {}),
      });
    });
    const stamp = new Date().toISOString();
    for (let i = 0; i < records.length; i += 1000)
      await app.records.write(records.slice(i, i + 1000).map((data) => ({ integrationId: source.id, dataType: 'call_log', externalId: String(data.id), data, hash: recordHash(data), syncStatus: 'synced' as const, createdAt: stamp, updatedAt: stamp })));
    const flows = new FlowService(app);
    const flow = await flows.create(tenantId, {
      name: 'bench calls',
      template: 'calls_to_leads',
      source: { integrationId: source.id, dataType: 'call_log' },
      target: { integrationId: target.id, object: 'Leads' },
      settings: {
        offices: { philadelphia: { name: 'Philadelphia', processing_order: 1 }, pittsburgh: { name: 'Pittsburgh', processing_order: 2 } },
        extensions: [101, 102, 103, 104].map((n, k) => ({ id: String(n), name: `Ext ${n}`, type: 'User', number: String(n), process_calls: true, office: k < 2 ? 'philadelphia' : 'pittsburgh' })),
        lead_owners: [
          { id: '5678901234', active: true, assignment_weight: 2 },
          { id: '6789012345', active: true, assignment_weight: 1.5 },
        ],
      },
    });
    const run = newFlowRun(flow, 'manual', { dryRun: false, hoursBack: 24 });
    await flows.runs.create(run);
    progress(`calls: ${calls} calls (${recordings} recordings) → Zoho sandbox at 100 requests / min, clock ×${scale}`);
    const before = zoho.requests.length;
    const started = Date.now();
    const done = (await executeFlowRun(app, { tenantId, flowId: flow.id, runId: run.id }, { sleep: vsleep }))!;
    const zohoMinutes = ((Date.now() - started) * scale) / 60_000;
    const requests = zoho.requests.length - before;
    const perCallBest = 1 / 5 + 1 / 100 + 1 / 100 + recordings / calls;
    // RingCentral serves recording content in its Heavy group (10 requests a minute per user, as the call log):
    // with a fifth of the calls recorded that allows 50 calls a minute, below Zoho's ceiling.
    const rcCeiling = recordings ? 10 / (recordings / calls) : Infinity;
    const ceiling = Math.min(100 / perCallBest, rcCeiling);
    const perMinute = calls / zohoMinutes;
    progress(`calls: ${done.calls?.processed} processed in ${round(zohoMinutes, 1)} Zoho minutes, ${requests} Zoho requests, ${zoho.requests.filter((r) => r.status === 429).length} × 429`);

    const memory = await benchAttachMemory();
    return {
      calls,
      recordings,
      clockScale: scale,
      processed: done.calls?.processed,
      failed: done.calls?.failed,
      leadsCreated: done.calls?.leadsCreated,
      leadsUpdated: done.calls?.leadsUpdated,
      attachmentsAdded: done.calls?.attachmentsAdded,
      zohoMinutes: round(zohoMinutes, 2),
      callsPerMinute: round(perMinute, 1),
      ceilingCallsPerMinute: round(ceiling, 1),
      zohoCeilingCallsPerMinute: round(100 / perCallBest, 1),
      ringCentralCeilingCallsPerMinute: round(rcCeiling, 1),
      efficiency: round(perMinute / ceiling, 3),
      requestsPerCall: round(requests / calls, 3),
      bestRequestsPerCall: round(perCallBest, 3),
      http429: zoho.requests.filter((r) => r.status === 429).length,
      memory,
    };
  } finally {
    await stack.close();
    await rc.close();
    await zoho.close();
  }
}

/**
 * The memory figure (BENCH_PARTS=calls-memory runs just this): a worker process of its own streams one 20 MB
 * recording from the RingCentral sandbox into a Zoho attachment, the sandboxes holding the file in this process;
 * the worst of 3 workers. RSS growth is what the goal is stated in; the ArrayBuffer growth (Buffer memory, live or
 * not yet collected) tells bytes of the file from heap and allocator noise. Measured twice: in a worker that has
 * already moved a few MB (the steady state: V8 has compiled undici's WebAssembly HTTP parser), and as the first
 * MBs a process ever parses (`firstInProcess`), which also holds that one-time compilation.
 */
export async function benchAttachMemory() {
  const zoho = await startZohoSandbox({ accessToken: '1000.access.bench', records: { Leads: makeZohoRecords('Leads', 1) } });
  const rc = await startRingCentralSandbox({ accessToken: 'rc-bench-token' });
  try {
    const big = randomBytes(20_000_000);
    const path = '/restapi/v1.0/account/1/recording/big/content';
    rc.addMedia(path, big);
    const warm = '/restapi/v1.0/account/1/recording/warm/content';
    rc.addMedia(warm, randomBytes(1_000_000));
    const lead = zoho.records('Leads')[0].id;
    type Sample = { baseRssBytes: number; peakRssBytes: number; baseArrayBufferBytes: number; peakArrayBufferBytes: number; seconds: number };
    const worker = (warmUps: number) =>
      new Promise<Sample>((resolve, reject) => {
        const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', join(__dirname, 'calls-worker.ts'), rc.url, 'rc-bench-token', path, warm, zoho.url, zoho.accessToken, lead, String(warmUps)], { stdio: ['ignore', 'pipe', 'inherit'] });
        let out = '';
        child.stdout.on('data', (d) => (out += d));
        child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!)) : reject(new Error(`calls worker exited with ${code}`))));
      });
    const mb = (b: number) => round(b / 1e6, 1);
    let equal = true;
    const figures = async (warmUps: number) => {
      const runs: Sample[] = [];
      for (let i = 0; i < 3; i++) {
        runs.push(await worker(warmUps));
        equal &&= zoho.attachments[zoho.attachments.length - 1]?.bytes.equals(big) ?? false;
      }
      // The worst of 3: a worker whose baseline already holds memory freed but not returned (from the warm-ups)
      // can show no growth at all, which says nothing about the file.
      const growth = (r: Sample) => r.peakRssBytes - r.baseRssBytes;
      const m = runs.sort((a, b) => growth(a) - growth(b))[2];
      return {
        workerBaseRssMB: mb(m.baseRssBytes),
        workerPeakRssMB: mb(m.peakRssBytes),
        peakGrowthMB: mb(growth(m)),
        peakGrowthPerFileSize: round(growth(m) / big.length, 3),
        peakGrowthRangeMB: [mb(growth(runs[0])), mb(growth(runs[2]))],
        arrayBufferGrowthMB: mb(m.peakArrayBufferBytes - m.baseArrayBufferBytes),
        seconds: round(m.seconds, 2),
      };
    };
    progress('calls: worker processes attach a 20 MB recording (3 warmed up, 3 cold)');
    const steady = await figures(12);
    const firstInProcess = await figures(1);
    return { fileMB: mb(big.length), attachedBytesEqual: equal, ...steady, firstInProcess };
  } finally {
    await rc.close();
    await zoho.close();
  }
}
