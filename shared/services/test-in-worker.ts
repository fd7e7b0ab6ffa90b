import { syncsFromSource, type ConnectorSpec } from '../connectors/types';
import { AppError, NotFoundError } from '../errors';
import { TestConnectionAnswerSchema, workerFunction, workerUnavailable, type Invoker } from '../invoke/types';
import { FLOWS_QUEUE } from '../queue/types';
import type { App } from './app';

/**
 * The function that runs a type's connection test: the one carrying its connector's code (and drivers, and
 * kms:Decrypt). A syncing type's own worker; for a type without one, the flow worker: destination-only types are
 * the flow targets it writes to, and an imported type's test opens nothing.
 */
export const testerOf = (spec: ConnectorSpec): string => workerFunction(syncsFromSource(spec) ? spec.type : FLOWS_QUEUE);

/**
 * `POST /api/integrations/{id}/test` from the HTTP side: loads the integration in the caller's tenant (another
 * tenant's id is a 404 before anything is invoked), has its worker run the test (shared/services/connection-test.ts)
 * and relays the outcome, or the worker's exposed error as the route's own.
 */
export async function testInWorker(app: App, invoker: Invoker, tenantId: string, id: string): Promise<{ ok: boolean; message: string; latencyMs: number }> {
  const i = await app.integrations.require(tenantId, id);
  const spec = app.specs.get(i.type);
  if (!spec) throw new NotFoundError('connector implementation');
  const fn = testerOf(spec);
  const answer = TestConnectionAnswerSchema.safeParse(await invoker.invoke(fn, { kind: 'testConnection', tenantId, integrationId: i.id }));
  if (!answer.success) throw workerUnavailable(fn, 'answer not in TestConnectionAnswerSchema');
  if ('error' in answer.data) throw new AppError(answer.data.error.code, answer.data.error.message, answer.data.error.status);
  return answer.data.result;
}
