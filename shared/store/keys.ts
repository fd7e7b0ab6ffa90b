/** Key layout of the one table (see README "Data model"). Every read starts from a tenant or integration. */
export const keys = {
  apiKey: (hash: string) => ({ PK: `APIKEY#${hash}`, SK: 'APIKEY' }),
  /** The tenant's listing entry of one of its API keys (id, name, prefix, last use; the hash, never the key). */
  tenantApiKey: (tenantId: string, keyId: string) => ({ PK: `TENANT#${tenantId}`, SK: `APIKEY#${keyId}` }),
  /** A signed-in person's tenant and role, by the IdP's issuer and the configured user claim. */
  ssoUser: (issuer: string, user: string) => ({ PK: `SSOUSER#${issuer}#${user}`, SK: 'SSOUSER' }),
  /** The tenant's listing entry of a person mapped to it. */
  tenantSsoUser: (tenantId: string, issuer: string, user: string) => ({ PK: `TENANT#${tenantId}`, SK: `SSOUSER#${issuer}#${user}` }),
  tenant: (tenantId: string) => ({ PK: `TENANT#${tenantId}`, SK: 'TENANT' }),
  integration: (tenantId: string, id: string) => ({ PK: `TENANT#${tenantId}`, SK: `INTEGRATION#${id}` }),
  integrationPrefix: (tenantId: string) => ({ PK: `TENANT#${tenantId}`, SKPrefix: 'INTEGRATION#' }),
  /** Everything that belongs to one integration but the integration item itself. */
  owned: (integrationId: string) => `INTEGRATION#${integrationId}`,
  state: (integrationId: string, stream: string) => ({ PK: `INTEGRATION#${integrationId}`, SK: `STATE#${stream}` }),
  run: (integrationId: string, runId: string) => ({ PK: `INTEGRATION#${integrationId}`, SK: `RUN#${runId}` }),
  metric: (integrationId: string, day: string) => ({ PK: `INTEGRATION#${integrationId}`, SK: `METRIC#${day}` }),
  seen: (integrationId: string, runId: string, stream: string, n: number) => ({
    PK: `INTEGRATION#${integrationId}`,
    SK: `SEEN#${runId}#${stream}#${String(n).padStart(5, '0')}`,
  }),
  recordsPk: (integrationId: string) => `REC#${integrationId}`,
  record: (integrationId: string, stream: string, externalId: string) => ({ PK: `REC#${integrationId}`, SK: `${stream}#${externalId}` }),
  event: (integrationId: string, eventKey: string) => ({ PK: `EVENT#${integrationId}`, SK: eventKey }),
  /** Due index: only active integrations carry it; sharded so the scheduler's reads spread. */
  due: (shard: number, nextSyncAt: string, integrationId: string) => ({ GSI1PK: `DUE#${shard}`, GSI1SK: `${nextSyncAt}#${integrationId}` }),
};

export const DUE_SHARDS = 4;

export function shardOf(id: string): number {
  let h = 0;
  for (const c of id) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return h % DUE_SHARDS;
}
