import { createLogger, withInvocation, type InvocationContext } from '../log';
import type { App } from '../services/app';
import { requestRun } from './request';
import { FlowStore, subscriptionKey } from './store';

const log = createLogger({ component: 'flow-dispatch' });

/**
 * Realtime flows. Every change to a record item (a sync page, a webhook, a deletion) is captured from the store
 * itself — DynamoDB Streams on the table (KEYS_ONLY) in AWS, the local store's emulation of it under `npm start`
 * — never by a second write the writer might not reach, so no change can be written without being seen. The
 * dispatcher finds the realtime flows of the changed (integration, data type) with one Query of their
 * subscriptions and queues one realtime run per flow with the changed source ids; the run re-reads the records,
 * so a stale or repeated change costs a ledger comparison, not a second delivery.
 */
export interface ChangedKey {
  PK: string;
  SK: string;
}

/** Turns changed record keys (`REC#<integrationId>` / `<dataType>#<externalId>`) into realtime flow runs. */
export async function dispatchChanges(app: App, changed: ChangedKey[]): Promise<number> {
  const groups = new Map<string, { integrationId: string; dataType: string; ids: Set<string> }>();
  for (const k of changed) {
    if (!k.PK.startsWith('REC#')) continue;
    const integrationId = k.PK.slice(4);
    const cut = k.SK.indexOf('#');
    if (cut < 0) continue;
    const dataType = k.SK.slice(0, cut);
    const g = groups.get(`${integrationId}#${dataType}`) ?? { integrationId, dataType, ids: new Set<string>() };
    g.ids.add(k.SK.slice(cut + 1));
    groups.set(`${integrationId}#${dataType}`, g);
  }
  const flows = new FlowStore(app.db);
  let runs = 0;
  for (const g of groups.values()) {
    for await (const page of app.db.query({ KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': `SUB#${g.integrationId}#${g.dataType}` } })) {
      for (const sub of page.Items ?? []) {
        const flow = await flows.get(String(sub.tenantId), String(sub.SK));
        if (flow?.status !== 'active' || flow.trigger !== 'realtime' || flow.source.integrationId !== g.integrationId || flow.source.dataType !== g.dataType) continue;
        await requestRun(app, flow, 'realtime', { dryRun: false, sourceIds: [...g.ids] });
        runs++;
      }
    }
  }
  if (runs) log.info('realtime runs queued', { runs, changes: changed.length });
  return runs;
}

/** A DynamoDB Streams record (KEYS_ONLY view), as Lambda hands it over. */
interface StreamRecord {
  eventName?: string;
  dynamodb?: { Keys?: { PK?: { S?: string }; SK?: { S?: string } }; SequenceNumber?: string };
}

/**
 * The `flowDispatch` Lambda on the table's stream (filtered to record items). A failure reports the batch's
 * first sequence number, so Lambda retries the whole batch (then bisects, then sends it to the DLQ): a change is
 * never dropped silently, and a retried one costs a ledger comparison.
 */
export function streamHandler(getApp: () => App) {
  return withInvocation(async (event: { Records: StreamRecord[] }, _context?: InvocationContext): Promise<{ batchItemFailures: { itemIdentifier: string }[] }> => {
    const keys = event.Records.flatMap((r) => {
      const PK = r.dynamodb?.Keys?.PK?.S;
      const SK = r.dynamodb?.Keys?.SK?.S;
      return PK && SK ? [{ PK, SK }] : [];
    });
    try {
      await dispatchChanges(getApp(), keys);
      return { batchItemFailures: [] };
    } catch (err) {
      log.error('dispatch failed', { changes: keys.length, error: err as Error });
      const first = event.Records[0]?.dynamodb?.SequenceNumber;
      return { batchItemFailures: first ? [{ itemIdentifier: first }] : [] };
    }
  });
}
