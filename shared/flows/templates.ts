import type * as z from 'zod';
import { ValidationError } from '../errors';
import type { ImportFlowSchema } from './schema';

/**
 * Ready flow templates, and seed 003's template JSON turned into a flow. Seed 003 names source fields bare
 * (`"FirstName": "firstname"`, source → target); a flow maps target field → template (`firstname: "${FirstName}"`).
 */

/** What a source type's records are called in our store, and a target type's object, when not given. */
const DEFAULT_DATA_TYPE: Record<string, string> = { salesforce: 'leads', hubspot: 'contacts', zoho: 'leads', ringcentral: 'call_log' };
const DEFAULT_OBJECT: Record<string, string> = { hubspot: 'contacts', zoho: 'Leads', salesforce: 'Lead' };
/** The field a target type dedupes on by default (HubSpot contacts: email is the unique key). */
const DEFAULT_MATCH: Record<string, string[]> = { hubspot: ['email'], zoho: ['Email'], salesforce: [] };

export const seed003Example = {
  source: 'Salesforce CRM',
  target: 'HubSpot CRM',
  sync_frequency: 'real-time',
  data_mapping: { FirstName: 'firstname', LastName: 'lastname', Email: 'email', Company: 'company', Status: 'lifecyclestage' },
  sync_conditions: 'LastModifiedDate > YESTERDAY',
};

export const flowTemplates = [
  {
    id: 'salesforce_leads_to_hubspot_contacts',
    name: 'Salesforce leads → HubSpot contacts',
    description: "seed 003's worked example: Salesforce leads changed since yesterday become HubSpot contacts, matched on email.",
    sourceType: 'salesforce',
    targetType: 'hubspot',
    flow: {
      source: { dataType: 'leads', filter: seed003Example.sync_conditions },
      target: { object: 'contacts' },
      mapping: { firstname: '${FirstName}', lastname: '${LastName}', email: '${Email:lowercase}', company: '${Company}', lifecyclestage: '${Status}' },
      match: ['email'],
      required: ['email'],
      trigger: 'realtime',
    },
    seedTemplate: seed003Example,
  },
];

const TRIGGERS: Record<string, 'realtime' | 'schedule' | 'manual'> = { 'real-time': 'realtime', realtime: 'realtime', manual: 'manual' };

/** `sync_frequency`: "real-time", "manual", "hourly", "daily", "every 15 minutes". */
function trigger(freq: string | undefined): { trigger: 'realtime' | 'schedule' | 'manual'; schedule?: number } {
  const f = (freq ?? 'manual').trim().toLowerCase();
  if (TRIGGERS[f]) return { trigger: TRIGGERS[f] };
  if (f === 'hourly') return { trigger: 'schedule', schedule: 60 };
  if (f === 'daily') return { trigger: 'schedule', schedule: 1440 };
  const m = /^every\s+(\d+)\s+(minute|hour)s?$/.exec(f);
  if (m) return { trigger: 'schedule', schedule: Number(m[1]) * (m[2] === 'hour' ? 60 : 1) };
  throw new ValidationError(`template.sync_frequency "${freq}" is not one of: real-time, manual, hourly, daily, every N minutes`, [
    { path: 'template.sync_frequency', message: 'use real-time, manual, hourly, daily or "every N minutes"' },
  ]);
}

export function fromSeed003(input: z.infer<typeof ImportFlowSchema>, sourceType: string, targetType: string): Record<string, unknown> {
  const t = input.template;
  const mapping = Object.fromEntries(Object.entries(t.data_mapping).map(([from, to]) => [to, `\${${from}}`]));
  const match = input.match ?? (DEFAULT_MATCH[targetType] ?? []).filter((m) => m in mapping);
  return {
    name: input.name ?? `${t.source ?? sourceType} → ${t.target ?? targetType}`,
    source: { integrationId: input.sourceIntegrationId, dataType: input.dataType ?? DEFAULT_DATA_TYPE[sourceType] ?? '', ...(t.sync_conditions ? { filter: t.sync_conditions } : {}) },
    target: { integrationId: input.targetIntegrationId, object: input.object ?? DEFAULT_OBJECT[targetType] },
    mapping,
    match,
    ...trigger(t.sync_frequency),
  };
}
