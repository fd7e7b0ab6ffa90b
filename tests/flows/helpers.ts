import { recordHash } from '../../shared/store/hash';
import type { api } from '../helpers/http';
import type { TestStack } from '../helpers/stack';

type Call = ReturnType<typeof api>;

/** A Salesforce integration whose records the test writes into the store itself (never synced). */
export const storeOnlySource = async (call: Call) =>
  (await call('POST', '/api/integrations', { name: 'SF', type: 'salesforce', config: { instanceUrl: 'http://127.0.0.1:9', accessToken: 'x-token' }, status: 'inactive' })).body.id as string;

/** A custom_api integration pointing at a REST target (e.g. the catch-hook sandbox). */
export const restTarget = async (call: Call, baseUrl: string) =>
  (
    await call('POST', '/api/integrations', {
      name: 'Hook',
      type: 'custom_api',
      status: 'inactive',
      config: { baseUrl, method: 'GET', auth: { kind: 'none' }, streams: [{ name: 'x', path: '/x', recordsPath: 'data', idPath: 'id', pagination: { kind: 'none' } }] },
    })
  ).body.id as string;

/** Stores source records as a sync would (`data.Id` is the external id). */
export async function writeRecords(stack: TestStack, integrationId: string, records: Record<string, unknown>[], dataType = 'leads'): Promise<void> {
  const now = new Date().toISOString();
  await stack.app.records.write(records.map((data) => ({ integrationId, dataType, externalId: String(data.Id), data, hash: recordHash(data), syncStatus: 'synced', createdAt: now, updatedAt: now })));
}

/** Queues a run through the API, lets the local flow worker finish it, and answers the run. */
export async function runFlow(stack: TestStack, call: Call, flowId: string, body?: unknown, route = 'run') {
  const r = await call('POST', `/api/flows/${flowId}/${route}`, body);
  if (r.status !== 202) throw new Error(`POST /${route} answered ${r.status}: ${r.text}`);
  await stack.queues.drain();
  return (await call('GET', `/api/flows/${flowId}/runs/${r.body.runId}`)).body;
}
