import * as z from 'zod';
import { secretFields } from '../connectors/secret';
import type { ConnectorSpec } from '../connectors/types';

/**
 * The templates catalog, generated from the connector declarations: a dashboard renders a setup form from
 * `configSchema` (JSON Schema of the zod schema; secret fields carry `writeOnly` and `x-secret`; fields that
 * decide where secrets are sent carry `x-sends-secrets`, the secrets a change to them must supply again).
 */
export function catalogEntry(spec: ConnectorSpec) {
  return {
    type: spec.type,
    title: spec.title,
    description: spec.description,
    dataTypes: spec.defaultDataTypes,
    rateLimit: spec.rateLimit ?? null,
    webhooks: spec.webhooks ?? false,
    destinationOnly: spec.destinationOnly ?? false,
    /** Records arrive by upload (`POST …/import`), not by syncing. */
    imported: spec.imported ?? false,
    secretFields: secretFields(spec.configSchema),
    configSchema: z.toJSONSchema(spec.configSchema, { io: 'input', unrepresentable: 'any' }),
  };
}

const cache = new WeakMap<ConnectorSpec[], unknown>();
export function catalog(specs: ConnectorSpec[]) {
  let c = cache.get(specs);
  if (!c) cache.set(specs, (c = { templates: specs.map(catalogEntry) }));
  return c;
}
