import { connectorHttp, parseConfig } from '../../connectors/context';
import { mediaOrigins } from '../../connectors/ringcentral/media';
import type { DeliveryContext } from '../../destinations/types';
import type { Logger } from '../../log';
import type { App } from '../../services/app';
import { IntegrationSecrets } from '../../services/secrets';
import type { StoredRecord } from '../../store/record-item';
import type { ActionRunner } from '../actions';
import { AssignmentStore } from '../assignment/store';
import type { FlowItem, FlowRun, LedgerStore } from '../store';
import { emptyCalls } from './figures';
import { DEFAULT_HOURS_BACK, isTemplate } from './settings';
import { CallsWork, type CallsTally } from './work';

/**
 * The `calls_to_leads` template (seed 004) on the flows machinery: what it adds to running a flow (which calls a
 * run covers, and the page work). What it adds to saving one is in ./save.ts, without the page work's code (the
 * flows API's bundle); to asking for a run, in ../request.ts, light enough for the scheduler's bundle.
 */

/**
 * The calls of the run's window (`hoursBack`, or since `since`) from the stored call log, in the offices'
 * `processing_order`, then by start time. A call is stored after it starts, so records stored since the
 * window began hold every call that started in it.
 */
export async function* callsPages(app: App, flow: FlowItem, run: FlowRun, now: number, pageSize = 100): AsyncIterable<StoredRecord[]> {
  const from = run.since ? Date.parse(run.since) : now - (run.hoursBack ?? DEFAULT_HOURS_BACK) * 3_600_000;
  const all: StoredRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await app.records.list(flow.source.integrationId, { dataType: flow.source.dataType, limit: 1000, cursor, modifiedAfter: new Date(from).toISOString() });
    all.push(...page.items.filter((r) => Date.parse(String(r.data.startTime)) >= from));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  const s = flow.settings!;
  const officeOf = new Map(s.extensions.map((e) => [e.id, e.office]));
  const order = (r: StoredRecord): number => {
    const office = officeOf.get(String(r.data.extensionId)) ?? s.extensions.find((e) => e.number === String(r.data.toExtensionNumber))?.office;
    return (office ? s.offices[office]?.processing_order : undefined) ?? Number.MAX_SAFE_INTEGER;
  };
  all.sort((a, b) => order(a) - order(b) || Date.parse(String(a.data.startTime)) - Date.parse(String(b.data.startTime)));
  for (let i = 0; i < all.length; i += pageSize) yield all.slice(i, i + pageSize);
}

/** The page work of a calls run, with the RingCentral client for media (never opened on a dry run). */
export async function callsWork(
  app: App,
  deps: { svc: { ledger: LedgerStore }; flow: FlowItem; run: FlowRun; zoho: DeliveryContext; tally: CallsTally; now: () => number; log: Logger; sleep?: (ms: number) => Promise<void>; actions?: ActionRunner },
): Promise<CallsWork> {
  const { flow, run } = deps;
  run.calls = emptyCalls();
  let rc: { http: ReturnType<typeof connectorHttp>; origins: string[] } | undefined;
  const source = await app.integrations.get(flow.tenantId, flow.source.integrationId);
  const connector = source && app.connector(source.type);
  if (!run.dryRun && source && connector) {
    const integrations = new IntegrationSecrets(app);
    const config = parseConfig(connector, await integrations.openConfig(source));
    const http = connectorHttp(connector, config, { integrationId: source.id, log: deps.log, save: (patch) => integrations.saveSecrets(source, patch), sleep: deps.sleep, limits: app.limits });
    rc = { http, origins: mediaOrigins(String(config.baseUrl)) };
  }
  return new CallsWork({ ...deps, run: run as FlowRun & { calls: NonNullable<FlowRun['calls']> }, rc, assignments: new AssignmentStore(app.db) });
}

export const isCallsFlow = isTemplate;
