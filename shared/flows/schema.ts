import * as z from 'zod';
import { ActionsSchema, RunMetricsSchema } from '../actions/schema';
import { TimeZoneSchema } from '../validate';
import { CallsRunOptions, CallsSettingsSchema } from './calls/settings';
import { EmailConfigSchema } from '../reports/email-config';

/** Request bodies of the flows API. Strict: an unknown field is a 400, not ignored. */

const fieldName = z.string().trim().min(1).max(200);
const isoDate = z.iso.date().or(z.iso.datetime({ offset: true }));


export const FlowSourceSchema = z.strictObject({
  integrationId: z.string().min(1).max(64),
  dataType: z.string().min(1).max(128),
  filter: z.string().trim().min(1).max(4000).optional(),
});

/** `object` for CRM targets (Zoho `Leads`, HubSpot `contacts`, Salesforce `Lead`); `path` + `method` for a REST endpoint. */
export const FlowTargetSchema = z.strictObject({
  integrationId: z.string().min(1).max(64),
  object: z.string().trim().min(1).max(128).regex(/^[A-Za-z0-9_]+$/, 'letters, digits and _ only').optional(),
  path: z.string().min(1).max(2000).optional(),
  method: z.enum(['POST', 'PUT', 'PATCH']).optional(),
});

const flowFields = {
  name: z.string().trim().min(1).max(200),
  status: z.enum(['active', 'inactive']),
  source: FlowSourceSchema,
  target: FlowTargetSchema,
  mapping: z.record(fieldName, z.string().max(4000)).refine((m) => Object.keys(m).length > 0, 'map at least one target field'),
  match: z.array(fieldName).max(10),
  required: z.array(fieldName).max(100),
  trigger: z.enum(['realtime', 'schedule', 'manual']),
  /** Minutes between runs of a `schedule` flow. */
  schedule: z.number().int().min(1).max(10_080),
  onExisting: z.enum(['update', 'skip']),
  /** Zone of the filter's date literals and the `date` transform. */
  timeZone: TimeZoneSchema,
  /** Default country of `phone` for numbers without a country code. */
  country: z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166 alpha-2 code, e.g. US'),
  /** A note added to the target record after each delivery that changed it (Zoho, HubSpot); templates like the mapping's. */
  note: z.strictObject({ title: z.string().max(255).optional(), body: z.string().min(1).max(10_000) }),
  /** Per-record actions after the target write, or instead of one (shared/actions). */
  actions: ActionsSchema,
  /** Sends each run's figures to a Datadog integration as metrics. */
  runMetrics: RunMetricsSchema,
  /** A ready-made flow whose work is its own (seed 004's calls → leads); its `mapping` and `match` come from `settings`. */
  template: z.enum(['calls_to_leads']),
  settings: CallsSettingsSchema,
  /** seed 004's email_config.json for a flow without a template: who is mailed its reports (a calls_to_leads flow keeps it in settings.email). */
  email: EmailConfigSchema,
};

export const CreateFlowSchema = z
  .strictObject({
    ...flowFields,
    status: flowFields.status.default('active'),
    match: flowFields.match.default([]),
    required: flowFields.required.default([]),
    trigger: flowFields.trigger.default('manual'),
    schedule: flowFields.schedule.optional(),
    onExisting: flowFields.onExisting.default('update'),
    timeZone: flowFields.timeZone.default('UTC'),
    country: flowFields.country.default('US'),
    note: flowFields.note.optional(),
    // A flow of actions only has no target, and then needs no mapping.
    target: flowFields.target.optional(),
    mapping: flowFields.mapping.optional(),
    actions: flowFields.actions.optional(),
    runMetrics: flowFields.runMetrics.optional(),
    template: flowFields.template.optional(),
    settings: flowFields.settings.optional(),
    email: flowFields.email.optional(),
  })
  .refine((f) => f.trigger !== 'schedule' || f.schedule !== undefined, { message: 'a schedule flow needs schedule (minutes)', path: ['schedule'] })
  .refine((f) => f.target !== undefined || (f.actions?.length ?? 0) > 0, { message: 'a flow needs a target, actions, or both', path: ['target'] })
  .refine((f) => f.target === undefined || f.mapping !== undefined, { message: 'a flow with a target needs a mapping', path: ['mapping'] })
  .refine((f) => (f.template === 'calls_to_leads') === (f.settings !== undefined), { message: 'settings go with template calls_to_leads (and it needs them)', path: ['settings'] })
  .refine((f) => !(f.template && f.email), { message: 'a calls_to_leads flow takes email_config.json as settings.email', path: ['email'] });
export type CreateFlow = z.infer<typeof CreateFlowSchema>;

export const PatchFlowSchema = z.strictObject(Object.fromEntries(Object.entries(flowFields).map(([k, v]) => [k, v.optional()])) as {
  [K in keyof typeof flowFields]: z.ZodOptional<(typeof flowFields)[K]>;
});

export const RunFlowSchema = z
  .strictObject({
    dryRun: z.boolean().default(false),
    since: isoDate.optional(),
    maxRecords: z.number().int().positive().max(1_000_000).optional(),
    ...CallsRunOptions,
  })
  .default({ dryRun: false });
export type RunFlowRequest = z.infer<typeof RunFlowSchema>;

export const DeliveriesQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(1000).default(50),
  cursor: z.string().max(2048).optional(),
  sourceId: z.string().max(512).optional(),
  status: z.enum(['delivered', 'failed', 'skipped', 'filtered', 'pending']).optional(),
});

/** seed 003's template JSON, accepted as is. */
export const Seed003TemplateSchema = z.looseObject({
  source: z.string().optional(),
  target: z.string().optional(),
  sync_frequency: z.string().optional(),
  data_mapping: z.record(fieldName, fieldName).refine((m) => Object.keys(m).length > 0, 'map at least one field'),
  sync_conditions: z.string().optional(),
});

export const ImportFlowSchema = z.strictObject({
  template: Seed003TemplateSchema,
  sourceIntegrationId: z.string().min(1).max(64),
  targetIntegrationId: z.string().min(1).max(64),
  dataType: z.string().min(1).max(128).optional(),
  object: z.string().min(1).max(128).optional(),
  name: flowFields.name.optional(),
  match: flowFields.match.optional(),
});
