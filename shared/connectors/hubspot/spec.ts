import * as z from 'zod';
import { secret, sendsSecrets } from '../secret';
import type { ConnectorSpec } from '../types';

/**
 * HubSpot's standard CRM objects this connector reads; custom objects come from the config. Appointments
 * (object 0-421) exist only once activated in the account; until then that data type fails on its own.
 * https://developers.hubspot.com/docs/api-reference/latest/crm/objects/appointments/guide
 */
export const HUBSPOT_STANDARD_TYPES = ['contacts', 'companies', 'deals', 'appointments'] as const;

/** Objects a contact page can carry the associated ids of (v4 associations batch read). */
export const HUBSPOT_ASSOCIATION_TARGETS = ['deals', 'companies'] as const;

/** A custom object's type name as it appears in the API path (`/crm/v3/objects/{type}`), e.g. `genius_users`. */
const ObjectTypeName = z.lazy(() =>
  z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,100}$/, 'an object type name or id such as genius_users or 2-1234567'),
);

export const HubspotConfigSchema = z.lazy(() =>
  z
    .object({
      baseUrl: sendsSecrets(z.url().default('https://api.hubapi.com'), ['accessToken']),
      /** A private app access token (Settings → Integrations → Private Apps), sent as `Authorization: Bearer`. */
      accessToken: secret(z.string().min(1)),
      /** The app's client secret: verifies webhook signatures (X-HubSpot-Signature-v3); not used for reads. */
      clientSecret: secret(z.string().min(1)).optional(),
      /** Custom object types to sync, each one a data type of its own. */
      customObjects: z.array(ObjectTypeName).max(50).optional(),
      /**
       * Properties to request per object type (HubSpot returns only a default handful otherwise). Types not
       * listed here use the built-in lists in hubspot/properties.ts.
       */
      properties: z.record(z.string(), z.array(z.string().min(1)).max(500)).optional(),
      /** Associated objects whose ids are attached to each contact (`data.associations`); [] turns it off. */
      associations: z.array(z.enum(HUBSPOT_ASSOCIATION_TARGETS)).default([...HUBSPOT_ASSOCIATION_TARGETS]),
      /** Incremental runs re-read this much before the last high-water mark: search indexing lags a little. */
      lookbackMinutes: z.number().int().min(0).max(1440).default(5),
    })
    .refine((c) => !(c.customObjects ?? []).some((t) => (HUBSPOT_STANDARD_TYPES as readonly string[]).includes(t)), {
      message: 'a custom object may not be named contacts, companies, deals or appointments',
      path: ['customObjects'],
    }),
);
export type HubspotConfig = z.infer<typeof HubspotConfigSchema>;

export const hubspotSpec = {
  type: 'hubspot',
  title: 'HubSpot',
  description: 'Contacts, companies, deals, appointments and custom objects from HubSpot CRM (private app access token).',
  configSchema: HubspotConfigSchema,
  dataTypes: (config: HubspotConfig) => [...HUBSPOT_STANDARD_TYPES, ...(config.customObjects ?? [])],
  defaultDataTypes: [...HUBSPOT_STANDARD_TYPES],
  // Private apps: 100 requests per rolling 10 s ("TEN_SECONDLY_ROLLING"); the seeds say the same.
  // https://developers.hubspot.com/docs/api/usage-details
  rateLimit: { requests: 100, windowMs: 10_000 },
  webhooks: true,
} satisfies ConnectorSpec<typeof HubspotConfigSchema>;
