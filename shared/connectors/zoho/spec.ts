import * as z from 'zod';
import { secret, sendsSecrets } from '../secret';
import type { ConnectorSpec } from '../types';

/**
 * Zoho CRM v3: leads, contacts and deals, OAuth2 with the data centre's accounts server.
 * https://www.zoho.com/crm/developer/docs/api/v3/get-records.html
 */

const httpUrl = () => z.url({ protocol: /^https?$/ });
export const DEFAULT_BASE_URL = 'https://www.zohoapis.com';
export const DEFAULT_ACCOUNTS_URL = 'https://accounts.zoho.com';

export const ZohoConfigSchema = z.lazy(() =>
  z.object({
    /** The API domain of the account's data centre (.com, .eu, .in, .com.au, .jp, .com.cn). */
    baseUrl: sendsSecrets(httpUrl().default(DEFAULT_BASE_URL)),
    /** The accounts server of the same data centre: tokens are refreshed there. */
    accountsUrl: sendsSecrets(httpUrl().default(DEFAULT_ACCOUNTS_URL)),
    accessToken: secret(z.string().min(1)),
    refreshToken: secret(z.string().min(1)),
    clientId: z.string().min(1),
    clientSecret: secret(z.string().min(1)),
  }),
);
export type ZohoConfig = z.infer<typeof ZohoConfigSchema>;

/**
 * Modules and the fields asked for (`fields` is mandatory, at most 50). Modified_Time orders every read and
 * is the incremental mark; Owner is a lookup `{name, id, email}`.
 */
export const ZOHO_MODULES = {
  leads: {
    module: 'Leads',
    fields: ['First_Name', 'Last_Name', 'Full_Name', 'Email', 'Phone', 'Mobile', 'Company', 'Lead_Source', 'Lead_Status', 'Owner', 'Created_Time', 'Modified_Time'],
  },
  contacts: {
    module: 'Contacts',
    fields: ['First_Name', 'Last_Name', 'Full_Name', 'Email', 'Phone', 'Mobile', 'Account_Name', 'Title', 'Mailing_City', 'Owner', 'Created_Time', 'Modified_Time'],
  },
  deals: {
    module: 'Deals',
    fields: ['Deal_Name', 'Stage', 'Amount', 'Closing_Date', 'Account_Name', 'Contact_Name', 'Pipeline', 'Probability', 'Owner', 'Created_Time', 'Modified_Time'],
  },
} as const;
export type ZohoDataType = keyof typeof ZOHO_MODULES;

export const zohoSpec: ConnectorSpec<typeof ZohoConfigSchema> = {
  type: 'zoho',
  title: 'Zoho CRM',
  description: 'Leads, contacts and deals from Zoho CRM v3, incremental with If-Modified-Since.',
  configSchema: ZohoConfigSchema,
  dataTypes: () => Object.keys(ZOHO_MODULES),
  defaultDataTypes: Object.keys(ZOHO_MODULES),
  // Seed 004: about 100 requests per minute per organization.
  rateLimit: { requests: 100, windowMs: 60_000 },
};
