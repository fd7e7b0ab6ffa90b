import * as z from 'zod';
import { ActionsSchema, RunMetricsSchema } from '../actions/schema';
import { isoDate } from '../services/schemas';
import { TimeZoneSchema } from '../validate';
import { callsRunOptions, CallsSettingsSchema } from './calls/settings';
import { EmailConfigSchema } from '../reports/email-config';

/**
 * Request bodies of the flows API. Strict: an unknown field is a 400, not ignored. Each is z.lazy, built at its
 * first use (a flows function's init builds none of them).
 */

const fieldName = () => z.string().trim().min(1).max(200);

export const FlowSourceSchema = z.lazy(() =>
  z.strictObject({
    integrationId: z.string().min(1).max(64),
    dataType: z.string().min(1).max(128),
    filter: z.string().trim().min(1).max(4000).optional(),
  }),
);

/** `object` for CRM targets (Zoho `Leads`, HubSpot `contacts`, Salesforce `Lead`); `path` + `method` for a REST endpoint. */
export const FlowTargetSchema = z.lazy(() =>
  z.strictObject({
    integrationId: z.string().min(1).max(64),
    object: z.string().trim().min(1).max(128).regex(/^[A-Za-z0-9_]+$/, 'letters, digits and _ only').optional(),
    path: z.string().min(1).max(2000).optional(),
    method: z.enum(['POST', 'PUT', 'PATCH']).optional(),
  }),
);

const flowFields = () => ({
  name: z.string().trim().min(1).max(200),
  status: z.enum(['active', 'inactive']),
  source: FlowSourceSchema,
  target: FlowTargetSchema,
  mapping: z.record(fieldName(), z.string().max(4000)).refine((m) => Object.keys(m).length > 0, 'map at least one target field'),
  match: z.array(fieldName()).max(10),
  required: z.array(fieldName()).max(100),
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
});
type FlowFields = ReturnType<typeof flowFields>;

export const CreateFlowSchema = z.lazy(() => {
  const f = flowFields();
  return z
    .strictObject({
      ...f,
      status: f.status.default('active'),
      match: f.match.default([]),
      required: f.required.default([]),
      trigger: f.trigger.default('manual'),
      schedule: f.schedule.optional(),
      onExisting: f.onExisting.default('update'),
      timeZone: f.timeZone.default('UTC'),
      country: f.country.default('US'),
      note: f.note.optional(),
      // A flow of actions only has no target, and then needs no mapping.
      target: f.target.optional(),
      mapping: f.mapping.optional(),
      actions: f.actions.optional(),
      runMetrics: f.runMetrics.optional(),
      template: f.template.optional(),
      settings: f.settings.optional(),
      email: f.email.optional(),
    })
    .refine((flow) => flow.trigger !== 'schedule' || flow.schedule !== undefined, { message: 'a schedule flow needs schedule (minutes)', path: ['schedule'] })
    .refine((flow) => flow.target !== undefined || (flow.actions?.length ?? 0) > 0, { message: 'a flow needs a target, actions, or both', path: ['target'] })
    .refine((flow) => flow.target === undefined || flow.mapping !== undefined, { message: 'a flow with a target needs a mapping', path: ['mapping'] })
    .refine((flow) => (flow.template === 'calls_to_leads') === (flow.settings !== undefined), { message: 'settings go with template calls_to_leads (and it needs them)', path: ['settings'] })
    .refine((flow) => !(flow.template && flow.email), { message: 'a calls_to_leads flow takes email_config.json as settings.email', path: ['email'] });
});
export type CreateFlow = z.infer<typeof CreateFlowSchema>;

export const PatchFlowSchema = z.lazy(() =>
  z.strictObject(Object.fromEntries(Object.entries(flowFields()).map(([k, v]) => [k, v.optional()])) as {
    [K in keyof FlowFields]: z.ZodOptional<FlowFields[K]>;
  }),
);

export const RunFlowSchema = z.lazy(() =>
  z
    .strictObject({
      dryRun: z.boolean().default(false),
      since: isoDate.optional(),
      maxRecords: z.number().int().positive().max(1_000_000).optional(),
      ...callsRunOptions(),
    })
    .default({ dryRun: false }),
);
export type RunFlowRequest = z.infer<typeof RunFlowSchema>;

export const DeliveriesQuerySchema = z.lazy(() =>
  z.strictObject({
    limit: z.coerce.number().int().min(1).max(1000).default(50),
    cursor: z.string().max(2048).optional(),
    sourceId: z.string().max(512).optional(),
    status: z.enum(['delivered', 'failed', 'skipped', 'filtered', 'pending']).optional(),
  }),
);

/** seed 003's template JSON, accepted as is. */
export const Seed003TemplateSchema = z.lazy(() =>
  z.looseObject({
    source: z.string().optional(),
    target: z.string().optional(),
    sync_frequency: z.string().optional(),
    data_mapping: z.record(fieldName(), fieldName()).refine((m) => Object.keys(m).length > 0, 'map at least one field'),
    sync_conditions: z.string().optional(),
  }),
);

export const ImportFlowSchema = z.lazy(() => {
  const { name, match } = flowFields();
  return z.strictObject({
    template: Seed003TemplateSchema,
    sourceIntegrationId: z.string().min(1).max(64),
    targetIntegrationId: z.string().min(1).max(64),
    dataType: z.string().min(1).max(128).optional(),
    object: z.string().min(1).max(128).optional(),
    name: name.optional(),
    match: match.optional(),
  });
});
