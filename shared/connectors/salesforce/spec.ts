import * as z from 'zod';
import { secret, sendsSecrets } from '../secret';
import type { ConnectorSpec } from '../types';
import { isSoqlName } from './soql';

/**
 * Salesforce: SOQL through the REST query resource, OAuth2 bearer token refreshed with a refresh token.
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_query.htm
 */

const sobjectName = () =>
  z.string().refine((s) => isSoqlName(s, 'sobject'), {
    message: 'must be an SObject API name (letters, digits and underscores, starting with a letter), e.g. Lead or Invoice__c',
  });
const fieldName = () =>
  z.string().refine((s) => isSoqlName(s, 'field'), {
    message: 'must be a field API name or relationship path (letters, digits, underscores, dots), e.g. Email or Owner.Name',
  });

export const SalesforceObjectSchema = z.lazy(() =>
  z.object({
    /** The data type (stream) name, e.g. `invoices`. */
    name: z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, 'must be lower case letters, digits and underscores, starting with a letter'),
    sobject: sobjectName(),
    // A GET query string tops out around 16 KB; 200 field names stay well below it.
    fields: z.array(fieldName()).min(1).max(200),
  }),
);
export type SalesforceObject = z.infer<typeof SalesforceObjectSchema>;

const httpUrl = () => z.url({ protocol: /^https?$/ });
export const DEFAULT_API_VERSION = 'v58.0';
export const DEFAULT_TOKEN_URL = 'https://login.salesforce.com/services/oauth2/token';

export const SalesforceConfigSchema = z.lazy(() =>
  z
    .object({
      /** The org's instance, e.g. https://yourorg.my.salesforce.com (the base URL of every API call). */
      instanceUrl: sendsSecrets(httpUrl()),
      apiVersion: z.string().regex(/^v\d{2,3}\.\d$/, 'must look like v58.0').default(DEFAULT_API_VERSION),
      accessToken: secret(z.string().min(1)),
      refreshToken: secret(z.string().min(1)).optional(),
      clientId: z.string().min(1).optional(),
      clientSecret: secret(z.string().min(1)).optional(),
      tokenUrl: sendsSecrets(httpUrl().default(DEFAULT_TOKEN_URL)),
      /** Extra SObjects (or other field lists for the default ones), each a data type. */
      objects: z.array(SalesforceObjectSchema).max(50).optional(),
    })
    .superRefine((c, ctx) => {
      if (c.refreshToken && !c.clientId) ctx.addIssue({ code: 'custom', path: ['clientId'], message: 'is required to refresh the access token' });
      const names = (c.objects ?? []).map((o) => o.name);
      const dup = names.find((n, i) => names.indexOf(n) !== i);
      if (dup) ctx.addIssue({ code: 'custom', path: ['objects'], message: `data type "${dup}" is named twice` });
    }),
);
export type SalesforceConfig = z.infer<typeof SalesforceConfigSchema>;

/** Standard objects synced by default, with standard fields every org has. */
export const DEFAULT_OBJECTS: SalesforceObject[] = [
  {
    name: 'leads',
    sobject: 'Lead',
    fields: ['Id', 'FirstName', 'LastName', 'Name', 'Company', 'Email', 'Phone', 'Status', 'LeadSource', 'OwnerId', 'IsConverted', 'CreatedDate', 'LastModifiedDate', 'SystemModstamp'],
  },
  {
    name: 'contacts',
    sobject: 'Contact',
    fields: ['Id', 'FirstName', 'LastName', 'Name', 'Email', 'Phone', 'MobilePhone', 'Title', 'AccountId', 'OwnerId', 'CreatedDate', 'LastModifiedDate', 'SystemModstamp'],
  },
  {
    name: 'accounts',
    sobject: 'Account',
    fields: ['Id', 'Name', 'Type', 'Industry', 'Website', 'Phone', 'BillingCity', 'BillingState', 'BillingCountry', 'OwnerId', 'CreatedDate', 'LastModifiedDate', 'SystemModstamp'],
  },
  {
    name: 'opportunities',
    sobject: 'Opportunity',
    fields: ['Id', 'Name', 'AccountId', 'StageName', 'Amount', 'CloseDate', 'Probability', 'IsClosed', 'IsWon', 'OwnerId', 'CreatedDate', 'LastModifiedDate', 'SystemModstamp'],
  },
];

/** Default objects, with a configured object of the same name replacing the default's field list. */
export function salesforceObjects(config: Pick<SalesforceConfig, 'objects'>): SalesforceObject[] {
  const configured = config.objects ?? [];
  const byName = new Map(configured.map((o) => [o.name, o]));
  const defaults = DEFAULT_OBJECTS.map((d) => byName.get(d.name) ?? d);
  return [...defaults, ...configured.filter((o) => !DEFAULT_OBJECTS.some((d) => d.name === o.name))];
}

export const salesforceSpec: ConnectorSpec<typeof SalesforceConfigSchema> = {
  type: 'salesforce',
  title: 'Salesforce',
  description: 'Leads, contacts, accounts, opportunities and any configured SObject through SOQL, incremental on SystemModstamp.',
  configSchema: SalesforceConfigSchema,
  dataTypes: (config) => salesforceObjects(config).map((o) => o.name),
  defaultDataTypes: DEFAULT_OBJECTS.map((o) => o.name),
  // Salesforce has no per-second REST limit: the budget is a rolling 24-hour request allowance per org
  // (reported on every response in Sforce-Limit-Info and surfaced in page info) plus 25 concurrent
  // long-running (>20 s) requests. One stream reads sequentially at up to 2,000 records per request, so
  // 100 requests per 10 s never slows a healthy sync; it caps a runaway loop at 36k requests an hour
  // instead of letting one integration drain the org's daily allowance that other apps share.
  // https://developer.salesforce.com/docs/atlas.en-us.salesforce_app_limits_cheatsheet.meta/salesforce_app_limits_cheatsheet/salesforce_app_limits_platform_api.htm
  rateLimit: { requests: 100, windowMs: 10_000 },
};
