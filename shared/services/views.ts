import type { ConnectorSpec } from '../connectors/types';
import { secretFields } from '../connectors/secret';
import type { IntegrationItem } from '../store/integrations';
import type { StoredRecord } from '../store/record-item';
import type { Run } from '../store/runs';

export const MASK = '***';

/** The seed 000 Integration Object: secrets shown as "***", internal fields left out. */
export function integrationView(i: IntegrationItem, spec: ConnectorSpec | undefined, publicBaseUrl: string) {
  const secrets = new Set(spec ? secretFields(spec.configSchema) : []);
  const config: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(i.config)) config[k] = secrets.has(k) && v !== undefined && v !== null ? MASK : v;
  return {
    id: i.id,
    name: i.name,
    type: i.type,
    status: i.status,
    config,
    lastSync: i.lastSync,
    nextSyncAt: i.status === 'active' ? i.nextSyncAt : null,
    syncInterval: i.syncInterval,
    errorMessage: i.errorMessage,
    createdAt: i.createdAt,
    updatedAt: i.updatedAt,
    version: i.version,
    ...(spec?.webhooks ? { webhook: { url: webhookUrl(i, publicBaseUrl), setup: `/api/integrations/${i.id}/webhook` } } : {}),
  };
}

/** Where the vendor must post; the secret to configure there is set up through PUT …/webhook. */
export function webhookUrl(i: IntegrationItem, publicBaseUrl: string): string {
  const base = `${publicBaseUrl.replace(/\/+$/, '')}/webhooks/${i.type === 'custom_api' ? 'generic' : i.type}/${i.id}`;
  return i.type === 'cdk' ? `${base}/v1/webhook/event/{channel}` : base;
}

/** The seed 000 Integration Data Object. */
export function recordView(r: StoredRecord) {
  return {
    id: `${r.dataType}:${r.externalId}`,
    integrationId: r.integrationId,
    dataType: r.dataType,
    externalId: r.externalId,
    data: r.data,
    syncStatus: r.syncStatus,
    deleted: r.deleted ?? false,
    sourceUpdatedAt: r.sourceUpdatedAt ?? null,
    lastSync: r.updatedAt,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

export function runView(r: Run) {
  const { expiresAt, tenantId, ...rest } = r;
  void expiresAt, tenantId;
  return rest;
}
