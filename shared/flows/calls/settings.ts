import * as z from 'zod';
import { EmailConfigSchema } from '../../reports/email-config';
import { TimeZoneSchema as zone } from '../../validate';

/**
 * The `settings` of a `calls_to_leads` flow: each key takes the content of seed 004's file of that name as its
 * manual shows it, snake_case kept, so a seed-004 user pastes their files:
 * - `offices`: offices.json's `offices` object (id → name, timezone, processing_order);
 * - `extensions`: extensions.json's `extensions` array, plus an optional `office` (and `department`) per extension;
 * - `lead_owners`, `assignment_rules`: the two halves of lead_owners.json;
 * - `field_mappings`: zoho_field_mappings.json (`accepted_calls`, `missed_calls`, `lead_status`);
 * - `email`: email_config.json (its schema is the reports', shared/reports/email-config.ts).
 * Everything is bounded; cross-references (an extension's office, an owner id a rule names) are checked.
 */

const id = () => z.string().trim().min(1).max(64);
const label = () => z.string().trim().min(1).max(200);
const clock = () => z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time as HH:MM (24 h)');

export const OfficeSchema = z.lazy(() => z.strictObject({ name: label(), timezone: zone.optional(), processing_order: z.number().int().min(0).max(10_000).optional() }));

export const ExtensionSchema = z.lazy(() =>
  z.strictObject({
    id: id(),
    name: label(),
    type: z.enum(['User', 'Department']).default('User'),
    /** The extension number callers and the call log show (e.g. "1001"). */
    number: z.string().trim().min(1).max(32),
    process_calls: z.boolean().default(true),
    department: label().optional(),
    office: id().optional(),
  }),
);

export const LeadOwnerSchema = z.lazy(() =>
  z.strictObject({
    id: id(),
    name: label().optional(),
    email: z.string().max(320).optional(),
    active: z.boolean().default(true),
    assignment_weight: z.number().positive().max(1000).default(1),
  }),
);

export const AssignmentRulesSchema = z.lazy(() =>
  z.strictObject({
    round_robin: z.boolean().default(true),
    respect_weights: z.boolean().default(true),
    fallback_owner_id: id().optional(),
    department_specific: z
      .strictObject({ enabled: z.boolean().default(true), mappings: z.record(label(), z.array(id()).min(1).max(100)).refine((m) => Object.keys(m).length <= 100, 'at most 100 departments') })
      .optional(),
    office_hours_only: z.boolean().default(false),
    office_hours: z
      .strictObject({ start: clock(), end: clock(), timezone: zone.optional(), days: z.array(z.number().int().min(1).max(7)).min(1).max(7).default([1, 2, 3, 4, 5]) })
      .optional(),
    after_hours_owner_id: id().optional(),
  }),
);

const zohoField = () => z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,99}$/, 'a Zoho field API name (letters, digits, _)');
const fieldMap = () => z.record(zohoField(), z.string().trim().min(1).max(1000)).refine((m) => Object.keys(m).length <= 100, 'at most 100 fields');

/** The seed's example file, used for whatever part a flow leaves out. */
export const DEFAULT_FIELD_MAPPINGS = {
  accepted_calls: { Phone: 'Phone', Email: 'Email', First_Name: 'First_Name', Last_Name: 'Last_Name', Company: 'Company' },
  missed_calls: { Phone: 'Phone', First_Name: 'First_Name', Last_Name: 'Last_Name', Company: 'Company' },
  lead_status: { new: 'New', accepted_call: 'Accepted Call', missed_call: 'Missed Call', missed_call_with_voicemail: 'Missed Call with Voicemail' },
};

export const FieldMappingsSchema = z.lazy(() =>
  z.strictObject({
    accepted_calls: fieldMap().default(DEFAULT_FIELD_MAPPINGS.accepted_calls),
    missed_calls: fieldMap().default(DEFAULT_FIELD_MAPPINGS.missed_calls),
    lead_status: z
      .strictObject({ new: label(), accepted_call: label(), missed_call: label(), missed_call_with_voicemail: label() })
      .partial()
      .default({})
      .transform((s) => ({ ...DEFAULT_FIELD_MAPPINGS.lead_status, ...s })),
  }),
);

export const CallsSettingsSchema = z.lazy(() =>
  z
    .strictObject({
      offices: z.record(id(), OfficeSchema).refine((o) => Object.keys(o).length <= 100, 'at most 100 offices').default({}),
      extensions: z.array(ExtensionSchema).min(1).max(2000),
      lead_owners: z.array(LeadOwnerSchema).max(500).default([]),
      assignment_rules: AssignmentRulesSchema.default({ round_robin: true, respect_weights: true, office_hours_only: false }),
      field_mappings: FieldMappingsSchema.default({ accepted_calls: DEFAULT_FIELD_MAPPINGS.accepted_calls, missed_calls: DEFAULT_FIELD_MAPPINGS.missed_calls, lead_status: DEFAULT_FIELD_MAPPINGS.lead_status }),
      /** email_config.json (the reports' schema). */
      email: EmailConfigSchema.optional(),
    })
    .superRefine((s, ctx) => {
      const owners = new Set(s.lead_owners.map((o) => o.id));
      const offices = new Set(Object.keys(s.offices));
      const seen = new Set<string>();
      s.extensions.forEach((e, i) => {
        if (e.office !== undefined && !offices.has(e.office)) ctx.addIssue({ code: 'custom', path: ['extensions', i, 'office'], message: `no office "${e.office}" in offices` });
        if (seen.has(e.id)) ctx.addIssue({ code: 'custom', path: ['extensions', i, 'id'], message: `extension ${e.id} is listed twice` });
        seen.add(e.id);
      });
      const owner = (path: (string | number)[], v: string | undefined) => {
        if (v !== undefined && !owners.has(v)) ctx.addIssue({ code: 'custom', path, message: `no lead owner with id ${v} in lead_owners` });
      };
      const r = s.assignment_rules;
      owner(['assignment_rules', 'fallback_owner_id'], r.fallback_owner_id);
      owner(['assignment_rules', 'after_hours_owner_id'], r.after_hours_owner_id);
      for (const [dept, ids] of Object.entries(r.department_specific?.mappings ?? {})) ids.forEach((v, i) => owner(['assignment_rules', 'department_specific', 'mappings', dept, i], v));
      if (r.office_hours_only && !r.office_hours) ctx.addIssue({ code: 'custom', path: ['assignment_rules', 'office_hours'], message: 'office_hours_only needs office_hours {start, end, timezone, days}' });
    }),
);
export type CallsSettings = z.infer<typeof CallsSettingsSchema>;
export type CallType = 'accepted' | 'missed';

/** `POST /api/flows/{id}/run` options of a calls flow (the seed's --hours-back, --office, call types, --no-email). */
export const callsRunOptions = () => ({
  /** Hours of calls a run looks back over (seed: default 24, max 168). */
  hoursBack: z.number().int().min(1).max(168).optional(),
  office: id().optional(),
  callTypes: z.array(z.enum(['accepted', 'missed'])).min(1).max(2).optional(),
  /** No report mail after this run. */
  noEmail: z.boolean().optional(),
});
export const DEFAULT_HOURS_BACK = 24;

export const isTemplate = (f: { template?: string }) => f.template === 'calls_to_leads';
