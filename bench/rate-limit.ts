import { Client } from '@hubspot/api-client';
import { DEFAULT_LIMITER_OPTIONS } from '@hubspot/api-client/lib/src/configuration/constants';
import { connectors } from '../shared/connectors/all';
import { staticProperties } from '../shared/connectors/hubspot/properties';
import { startLocalStack } from '../shared/local/stack';
import { IntegrationService } from '../shared/services/integrations';
import { startHubspotSandbox } from '../tests/sandboxes/hubspot';
import { progress, round, sleep, rateMeter } from './util';

/**
 * How close to HubSpot's allowance (100 requests per rolling 10 s) a contacts drain runs, through our real
 * engine and through HubSpot's official Node client, each against a fresh sandbox that enforces the limit
 * with HubSpot's 429. Both are measured the same way (see rateMeter in util.ts): the time from the first
 * request to the one after `windows × 100` served requests, which the limit makes at least `windows × 10 s`;
 * efficiency = (served ÷ seconds) ÷ 10 per second, at most 1.
 */
export const LIMIT = { requests: 100, windowMs: 10_000 };
const PATH = '/crm/v3/objects/contacts';
const CONTACTS = 100_000;

export interface RateFigures {
  requests: number;
  http429: number;
  served: number;
  seconds: number;
  efficiency: number;
}

function figures(r: { requests: number; http429: number; served: number; seconds: number }): RateFigures {
  const allowedPerSecond = (LIMIT.requests * 1000) / LIMIT.windowMs;
  return { requests: r.requests, http429: r.http429, served: r.served, seconds: round(r.seconds, 2), efficiency: round(r.served / r.seconds / allowedPerSecond, 4) };
}

/**
 * Ours: the hubspot integration created through IntegrationService (associations off, so one request per page)
 * and a full sync run by the local stack's queue and worker handler, with production waits (no shortened
 * sleep). `maxRecords` stops the run one limit's worth of pages past the measured requests; it is not a
 * multiple of the page size on purpose: the engine prefetches the next page unless the current one is cut,
 * and a run that ends on a whole page leaves that prefetch unawaited (see the report).
 */
export async function benchOurs(windows: number): Promise<RateFigures & { run: Record<string, unknown> }> {
  const sandbox = await startHubspotSandbox({ contacts: CONTACTS, companies: 0, deals: 0, rateLimit: LIMIT });
  let lastLog = 0;
  const stack = await startLocalStack({
    connectors,
    engine: {
      onProgress: (run) => {
        if (Date.now() - lastLog < 10_000) return;
        lastLog = Date.now();
        progress(`  ours: ${run.stats.processed} records, ${run.stats.requests} requests, ${run.stats.http429} × 429`);
      },
    },
  });
  try {
    const { tenantId } = await stack.app.tenants.createTenant('bench');
    const svc = new IntegrationService(stack.app);
    const integration = await svc.create(tenantId, {
      name: 'bench hubspot',
      type: 'hubspot',
      config: { baseUrl: sandbox.url, accessToken: sandbox.token, associations: [] },
    });
    const meter = rateMeter(sandbox, PATH, windows * LIMIT.requests);
    const maxRecords = (windows + 1) * LIMIT.requests * 100 + 50;
    const requested = await svc.requestSync(integration, { mode: 'full', dataTypes: ['contacts'], maxRecords }, 'manual');
    lastLog = Date.now();
    await stack.queues.drain();
    const run = (await stack.app.runs.get(integration.id, requested.id))!;
    const r = meter.result();
    if (!r.closed) throw new Error(`our run ended before ${windows * LIMIT.requests} requests were served (status ${run.status}: ${run.error ?? ''})`);
    return {
      ...figures(r),
      run: { status: run.status, processed: run.stats.processed, requests: run.stats.requests, http429: run.stats.http429, retries: run.stats.retries, durationMs: run.stats.durationMs },
    };
  } finally {
    await stack.close();
    await sandbox.close();
  }
}

/**
 * The peer: `@hubspot/api-client`'s `crm.contacts.getAll` (pages of 100 by `after`), configured as its README
 * recommends for rate limits — its Bottleneck limiter `DEFAULT_LIMITER_OPTIONS` (minTime 1000/9 ms, 6
 * concurrent) and `numberOfApiCallRetries: 6` (the maximum; a TEN_SECONDLY_ROLLING 429 waits 10 s × attempt).
 * When the measurement closes the sandbox's token is revoked, so that request answers 401 and getAll stops.
 */
export async function benchPeer(windows: number, opts: { limiter: boolean } = { limiter: true }): Promise<RateFigures & { options: Record<string, unknown> }> {
  const sandbox = await startHubspotSandbox({ contacts: CONTACTS, companies: 0, deals: 0, rateLimit: LIMIT });
  try {
    const options = { numberOfApiCallRetries: 6, ...(opts.limiter ? { limiterOptions: DEFAULT_LIMITER_OPTIONS } : {}) };
    const client = new Client({ accessToken: sandbox.token, basePath: sandbox.url, ...options });
    let closed!: () => void;
    const closedP = new Promise<void>((r) => (closed = r));
    const meter = rateMeter(sandbox, PATH, windows * LIMIT.requests, () => {
      sandbox.revokeToken();
      closed();
    });
    const ticker = setInterval(() => progress(`  peer: ${meter.arrivals.length} requests, ${sandbox.http429} × 429`), 10_000);
    let outcome = 'stopped at the window';
    const drained = client.crm.contacts.getAll(100, undefined, staticProperties('contacts')).then(
      (all) => void (outcome = `drained ${all.length} contacts`),
      (err: Error & { code?: number }) => {
        if (!meter.result().closed) outcome = `failed: ${err.code ?? err.message}`;
      },
    );
    // The client may be inside a 10 s × n retry wait when the window closes: don't wait for it to notice.
    await Promise.race([closedP, drained, sleep(windows * LIMIT.windowMs + 70_000)]);
    clearInterval(ticker);
    const r = meter.result();
    if (!r.closed) outcome = 'the window did not close';
    return { ...figures(r), options: { ...options, outcome } };
  } finally {
    await sandbox.close();
  }
}
