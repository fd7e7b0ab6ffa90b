import { connectorHttp, parseConfig } from '../connectors/context';
import { syncsFromSource } from '../connectors/types';
import { NotFoundError } from '../errors';
import { createLogger, scrub } from '../log';
import type { App } from './app';
import { IntegrationSecrets } from './secrets';

const log = createLogger({ service: 'connection-test' });
const TEST_BUDGET_MS = 20_000;

/**
 * Runs the connector's connection test with the opened secrets. A failure puts the integration in `error`
 * with the connector's message; a success takes it out of `error` and reschedules it. Runs in the worker that
 * carries the connector (shared/handlers/connection-tests.ts), asked by the testConnection function
 * (shared/services/test-in-worker.ts): no HTTP function carries connector code or may open secrets for it.
 */
export async function testConnection(app: App, tenantId: string, id: string): Promise<{ ok: boolean; message: string; latencyMs: number }> {
  const svc = new IntegrationSecrets(app);
  const i = await app.integrations.require(tenantId, id);
  const connector = app.connector(i.type);
  if (!connector) throw new NotFoundError('connector implementation');
  const started = Date.now();
  let result: { ok: boolean; message: string };
  try {
    const config = parseConfig(connector, await svc.openConfig(i));
    const save = (patch: Record<string, unknown>) => svc.saveSecrets(i, patch);
    // The API answers within API Gateway's 30 s: a vendor asking us to wait longer fails the test, retryable.
    const http = connectorHttp(connector, config, { integrationId: i.id, log, save, limits: app.limits, remainingMs: () => started + TEST_BUDGET_MS - Date.now() });
    result = await connector.test({ config, http, log, saveSecrets: save });
  } catch (err) {
    result = { ok: false, message: scrub((err as Error).message) };
  }
  const latencyMs = Date.now() - started;
  await app.integrations.update(tenantId, id, (cur) => {
    if (!result.ok) return { ...cur, status: 'error', errorMessage: result.message };
    const recovered = cur.status === 'error';
    return {
      ...cur,
      status: recovered ? 'active' : cur.status,
      errorMessage: null,
      consecutiveFailures: recovered ? 0 : cur.consecutiveFailures,
      nextSyncAt: recovered && syncsFromSource(connector) ? new Date().toISOString() : cur.nextSyncAt,
    };
  });
  return { ...result, latencyMs };
}
