import * as z from 'zod';
import { CreateFlowSchema, FlowSourceSchema, FlowTargetSchema } from '../flows/schema';
import { DailySummarySchema, NotificationEventSchema } from '../notify/events';
import { METRIC_NAMES } from '../store/metrics';
import { WEBHOOK_PROVIDERS } from '../store/webhooks';

/**
 * What the API answers, as zod schemas: the routes declare them (Route.responses), the OpenAPI document is
 * generated from them, and under `npm start` and the tests every reply is checked against them. Strict
 * objects: a field the handler sends and the contract does not name (an internal key, a secret) is a drift.
 * The ones with a `meta({ id })` are named in the document (`components.schemas`) and referenced where used.
 */

const time = z.string().describe('ISO 8601 time');
const count = z.number().int().nonnegative();
const nextCursor = z.string().nullable().describe('Pass as `cursor` for the next page; null on the last one.');

export const IntegrationSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  type: z.string(),
  status: z.enum(['active', 'inactive', 'error']),
  config: z.record(z.string(), z.unknown()).describe('The connector config; secret fields shown as "***".'),
  lastSync: time.nullable(),
  nextSyncAt: time.nullable(),
  syncInterval: z.number().int().describe('Minutes between scheduled syncs.'),
  errorMessage: z.string().nullable(),
  createdAt: time,
  updatedAt: time,
  version: z.number().int().describe('Send as `If-Match` to guard a change.'),
  webhook: z.strictObject({ url: z.string(), setup: z.string() }).optional().describe('Webhook connectors: where the vendor posts.'),
}).meta({ id: 'Integration' });

const windowSchema = z.strictObject({ requests: z.number(), windowMs: z.number() });

export const CatalogSchema = z.strictObject({
  templates: z.array(
    z.strictObject({
      type: z.string(),
      title: z.string(),
      description: z.string(),
      dataTypes: z.array(z.string()),
      rateLimit: z.union([windowSchema, z.array(windowSchema)]).nullable(),
      webhooks: z.boolean(),
      destinationOnly: z.boolean().describe('Only written to (by flow actions): nothing to sync.'),
      imported: z.boolean().describe('Records arrive by upload (POST …/import): nothing to sync.'),
      secretFields: z.array(z.string()),
      configSchema: z.record(z.string(), z.unknown()).describe('JSON Schema of the config: a setup form renders from it.'),
    }),
  ),
});

const streamStats = {
  processed: count,
  created: count,
  updated: count,
  unchanged: count,
  failed: count,
  deleted: count,
  pages: count,
  requests: count,
  retries: count,
  http429: count,
  rateLimitWaitMs: count,
  durationMs: count,
};

export const RunSchema = z.strictObject({
  id: z.string(),
  integrationId: z.string(),
  trigger: z.enum(['manual', 'schedule', 'webhook', 'cli', 'import']),
  status: z.enum(['queued', 'running', 'succeeded', 'partial', 'failed', 'skipped']),
  mode: z.enum(['full', 'incremental']),
  dataTypes: z.array(z.string()).optional(),
  dryRun: z.boolean(),
  maxRecords: z.number().int().optional(),
  since: z.string().optional(),
  createdAt: time,
  startedAt: time.nullable(),
  finishedAt: time.nullable(),
  streams: z.record(
    z.string(),
    z.strictObject({ ...streamStats, status: z.enum(['running', 'done', 'failed', 'skipped']).optional(), info: z.record(z.string(), z.unknown()).optional() }),
  ),
  stats: z.strictObject(streamStats),
  errors: z.array(z.strictObject({ dataType: z.string().optional(), id: z.string().optional(), reason: z.string() })).describe('The first 20 record errors.'),
  error: z.string().nullable(),
  continuations: count,
  handoff: z.boolean().optional(),
  deletionsSkipped: z.string().optional(),
}).meta({ id: 'Run' });

export const RecordSchema = z.strictObject({
  id: z.string().describe('`<dataType>:<externalId>`'),
  integrationId: z.string(),
  dataType: z.string(),
  externalId: z.string(),
  data: z.record(z.string(), z.unknown()),
  syncStatus: z.enum(['synced', 'pending', 'failed']),
  deleted: z.boolean(),
  sourceUpdatedAt: time.nullable(),
  lastSync: time,
  createdAt: time,
  updatedAt: time,
}).meta({ id: 'Record' });

const metricCounters = Object.fromEntries(METRIC_NAMES.map((m) => [m, count])) as Record<(typeof METRIC_NAMES)[number], typeof count>;

export const MetricsSchema = z.strictObject({
  integrationId: z.string(),
  startDate: z.iso.date(),
  endDate: z.iso.date(),
  series: z.array(z.strictObject({ date: z.iso.date(), ...metricCounters })),
  totals: z.strictObject(metricCounters).partial(),
}).meta({ id: 'Metrics' });

export const RunQueuedSchema = z.strictObject({ runId: z.string(), status: z.string() }).meta({ id: 'RunQueued' });

export const ConnectionTestSchema = z.strictObject({ ok: z.boolean(), message: z.string(), latencyMs: count }).meta({ id: 'ConnectionTest' });

export const FlowSchema = z.strictObject({
  ...CreateFlowSchema.unwrap().shape,
  source: FlowSourceSchema,
  target: FlowTargetSchema.optional().describe('Absent on a flow of actions only.'),
  status: z.enum(['active', 'inactive', 'error']),
  id: z.string(),
  lastRunAt: time.nullable(),
  nextRunAt: time.nullable(),
  errorMessage: z.string().nullable(),
  createdAt: time,
  updatedAt: time,
  version: z.number().int(),
}).meta({ id: 'Flow' });

const CallsFiguresSchema = z.strictObject({
  processed: count,
  leadsCreated: count,
  leadsUpdated: count,
  notesAdded: count,
  attachmentsAdded: count,
  skipped: z.record(z.string(), count),
  failed: count,
  byType: z.strictObject({ accepted: count, missed: count, missed_with_voicemail: count }),
  byOffice: z.record(z.string(), count),
  byHour: z.array(count).length(24),
});

export const ActivitySchema = z
  .strictObject({
    kind: z.enum(['sync', 'flow']),
    runId: z.string(),
    integrationId: z.string().optional(),
    flowId: z.string().optional(),
    name: z.string().optional().describe("The integration's or flow's name when the run closed."),
    trigger: z.string(),
    status: z.string(),
    dryRun: z.boolean(),
    startedAt: time.nullable(),
    finishedAt: time,
    processed: count,
    created: count,
    updated: count,
    failed: count,
    error: z.string().nullable(),
  })
  .meta({ id: 'Activity' });

export const FlowRunSchema = z.strictObject({
  id: z.string(),
  flowId: z.string(),
  trigger: z.enum(['manual', 'schedule', 'realtime', 'retry', 'cli', 'deferred']),
  status: z.enum(['queued', 'running', 'succeeded', 'partial', 'failed']),
  dryRun: z.boolean(),
  since: z.string().optional(),
  maxRecords: z.number().int().optional(),
  sourceIds: z.array(z.string()).optional(),
  hoursBack: z.number().int().optional(),
  office: z.string().optional(),
  callTypes: z.array(z.enum(['accepted', 'missed'])).optional(),
  noEmail: z.boolean().optional(),
  calls: CallsFiguresSchema.optional().describe('calls_to_leads runs: the calls figures beside seed 003 summary'),
  createdAt: time,
  startedAt: time.nullable(),
  finishedAt: time.nullable(),
  sync_summary: z.strictObject({ records_processed: count, successful_transfers: count, failed_transfers: count, duplicates_skipped: count, sync_duration: z.string() }),
  data_quality: z.strictObject({ completeness_score: z.number(), validation_errors: count, missing_required_fields: z.array(z.string()) }),
  stats: z.strictObject({
    created: count,
    updated: count,
    unchanged: count,
    filtered: count,
    skipped: count,
    notes: count.optional(),
    requests: count,
    retries: count,
    http429: count,
    durationMs: count,
  }),
  next_sync: time.nullable(),
  continuations: count.optional().describe('How often a long run handed itself on to a fresh invocation before the time limit.'),
  actions: z
    .record(z.string(), z.strictObject({ sent: count, failed: count, skipped: count, deferred: count, filtered: count, done: count }))
    .optional()
    .describe('Per action step: records sent, failed, skipped (opt-out, quiet hours…), deferred, filtered by `when`, done by an earlier run.'),
  errors: z.array(z.strictObject({ sourceId: z.string(), target: z.string(), reason: z.string(), code: z.string().optional().describe("calls_to_leads: seed 004's error code (RC-401, ZOHO-422…)") })),
  preview: z
    .array(
      z.strictObject({
        sourceId: z.string(),
        action: z.string(),
        targetId: z.string().optional(),
        payload: z.record(z.string(), z.unknown()),
        actions: z.record(z.string(), z.record(z.string(), z.unknown())).optional().describe('Each action step that would run: its rendered fields.'),
      }),
    )
    .optional()
    .describe('Dry runs: what would be sent for the first records.'),
  error: z.string().nullable(),
}).meta({ id: 'FlowRun' });

export const DeliverySchema = z.strictObject({
  sourceId: z.string(),
  targetId: z.string().nullable(),
  status: z.enum(['delivered', 'failed', 'skipped', 'filtered', 'pending']),
  payloadHash: z.string().nullable(),
  attempts: count,
  lastError: z.string().nullable(),
  updatedAt: time,
  steps: z.record(z.string(), z.unknown()).optional().describe('calls_to_leads: the steps done for the call (status, note, attachment)'),
  actions: z
    .record(
      z.string(),
      z.strictObject({
        status: z.enum(['sending', 'sent', 'failed', 'skipped', 'deferred']),
        at: time,
        attempts: count,
        id: z.string().optional(),
        reason: z.string().optional(),
        retryable: z.boolean().optional(),
        until: time.optional(),
      }),
    )
    .optional()
    .describe("Each action's step for this record, by step name."),
  actionRetry: z.literal(true).optional().describe('An action step failed in a way worth trying again: POST /retry picks the record up.'),
}).meta({ id: 'FlowDelivery' });

export const AssignmentsPageSchema = z.strictObject({
  assignments: z.array(z.strictObject({ sourceId: z.string(), targetId: z.string().nullable(), ownerId: z.string().nullable(), rule: z.string(), at: time })),
  totals: z.record(z.string(), count),
  nextCursor: z.string().nullable(),
});

export const FlowTemplatesSchema = z.strictObject({
  templates: z.array(
    z.strictObject({
      id: z.string(),
      name: z.string(),
      description: z.string(),
      sourceType: z.string(),
      targetType: z.string(),
      flow: z.record(z.string(), z.unknown()).describe('A flow body to complete with the integration ids.'),
      seedTemplate: z.record(z.string(), z.unknown()).describe("The same flow as seed 003's template JSON."),
    }),
  ),
});

const webhookSettings = {
  provider: z.enum(WEBHOOK_PROVIDERS),
  url: z.string().describe('The URL to give the vendor.'),
  publicUrl: z.string(),
  secretConfigured: z.boolean(),
  allowLegacySignatures: z.boolean(),
  signatureHeader: z.string().optional(),
  timestampHeader: z.string().optional(),
  idHeader: z.string().nullable().optional(),
  dataType: z.string().nullable().optional(),
  idPath: z.string().nullable().optional(),
};
export const WebhookStatusSchema = z.strictObject(webhookSettings).meta({ id: 'WebhookSettings' });
export const WebhookConfiguredSchema = z.strictObject({
  ...webhookSettings,
  secret: z.string().optional().describe('Generic: the generated signing secret, shown this once.'),
  authorization: z.string().optional().describe('CDK: the generated Authorization value, shown this once.'),
});

export const EventLogSchema = z.strictObject({
  events: z.array(
    z.strictObject({
      eventKey: z.string(),
      provider: z.enum(WEBHOOK_PROVIDERS),
      providerEventId: z.string().optional(),
      outcome: z.enum(['pending', 'applied', 'duplicate', 'failed']),
      reason: z.string().optional(),
      attempts: count.optional(),
      receivedAt: time,
      updatedAt: time,
    }),
  ),
  nextCursor,
});

const channel = {
  id: z.string(),
  kind: z.enum(['slack', 'webhook']),
  url: z.string().describe('Slack URLs shown without their secret path.'),
  events: z.array(NotificationEventSchema),
  name: z.string().nullable(),
  summaryHour: z.number().int().min(0).max(23).nullable().describe('daily.summary: the hour it is sent, in timeZone.'),
  timeZone: z.string().nullable(),
  createdAt: time,
  broken: z.strictObject({ reason: z.string(), at: time }).nullable(),
};
export const ChannelSchema = z.strictObject(channel).meta({ id: 'NotificationChannel' });
export const ChannelCreatedSchema = z.strictObject({ ...channel, secret: z.string().optional().describe('Webhook channels: the signing secret, shown this once.') });

export const NotificationDeliverySchema = z.strictObject({
  deliveryId: z.string(),
  channelId: z.string(),
  kind: z.enum(['slack', 'webhook']),
  event: NotificationEventSchema,
  url: z.string(),
  outcome: z.enum(['delivered', 'failed']),
  attempts: z.array(z.strictObject({ status: z.number().int().optional(), error: z.string().optional(), at: time })),
  at: time,
  channelBroken: z.string().optional(),
}).meta({ id: 'NotificationDelivery' });

const apiKey = {
  id: z.string(),
  name: z.string(),
  prefix: z.string().describe("The key's first characters, to tell keys apart."),
  createdAt: time,
  lastUsedAt: time.optional(),
};
export const ApiKeySchema = z.strictObject(apiKey).meta({ id: 'ApiKey' });
export const ApiKeyCreatedSchema = z.strictObject({ ...apiKey, key: z.string().describe('The key itself, shown this once.') });

export const PrincipalSchema = z.strictObject({
  tenantId: z.string(),
  role: z.enum(['admin', 'viewer']),
  via: z.enum(['api_key', 'sso']),
  keyId: z.string().optional(),
  user: z.string().optional(),
}).meta({ id: 'Principal' });

export const SummaryQueuedSchema = z.strictObject({ summary: DailySummarySchema, queued: count });

/** A page of a list: `{ <items>: [...], nextCursor }`. */
export const listPage = <K extends string>(key: K, item: z.ZodType) => z.strictObject({ [key]: z.array(item), nextCursor } as Record<K, z.ZodArray<z.ZodType>> & { nextCursor: typeof nextCursor });
