import { MalformedPageError } from '../../errors';
import type { ReadContext } from '../types';
import { PropertiesSchema } from './wire';

/**
 * What we ask HubSpot for and how we store it.
 *
 * HubSpot's list and search endpoints return only a few default properties unless `properties` names
 * them (https://developers.hubspot.com/docs/api/crm/contacts). These are the useful standard ones per
 * object; `config.properties[type]` replaces a list. A custom object with no list in the config gets the
 * names its schema declares (`GET /crm/v3/properties/{type}`, one call per run), as many as fit the search
 * body limit (3,000 characters).
 *
 * Stored shape (`data`): the record flattened — every requested property as HubSpot sends it (a string,
 * or null when empty; HubSpot sends numbers and dates as strings too), then `id`, `createdAt`, `updatedAt`,
 * `archived` from the envelope (these win over a property of the same name), and for contacts
 * `associations: { deals: string[], companies: string[] }`.
 */
export const DEFAULT_PROPERTIES: Record<string, string[]> = {
  contacts: [
    'email', 'firstname', 'lastname', 'phone', 'mobilephone', 'company', 'jobtitle', 'address', 'city', 'state',
    'zip', 'country', 'lifecyclestage', 'hs_lead_status', 'hubspot_owner_id', 'createdate', 'lastmodifieddate',
  ],
  companies: [
    'name', 'domain', 'phone', 'address', 'city', 'state', 'zip', 'country', 'industry', 'numberofemployees',
    'annualrevenue', 'lifecyclestage', 'hubspot_owner_id', 'createdate', 'hs_lastmodifieddate',
  ],
  deals: [
    'dealname', 'amount', 'dealstage', 'pipeline', 'closedate', 'dealtype', 'hubspot_owner_id', 'createdate',
    'hs_lastmodifieddate',
  ],
  appointments: [
    'hs_appointment_name', 'hs_appointment_start', 'hs_appointment_end', 'hs_appointment_status', 'hubspot_owner_id',
    'hs_createdate', 'hs_lastmodifieddate',
  ],
};
/** Room for property names in a search body: HubSpot rejects bodies over 3,000 characters. */
const NAMES_BUDGET = 2_000;

/** The last-modified property that search filters and sorts on: contacts differ from every other object. */
export function lastModifiedProperty(type: string): string {
  return type === 'contacts' ? 'lastmodifieddate' : 'hs_lastmodifieddate';
}

function withLastModified(type: string, list: string[]): string[] {
  const lm = lastModifiedProperty(type);
  return list.includes(lm) ? list : [...list, lm];
}

/** The configured or built-in list, or undefined when it has to be discovered (custom objects). */
export function staticProperties(type: string, override?: Record<string, string[]>): string[] | undefined {
  const list = override?.[type] ?? DEFAULT_PROPERTIES[type];
  return list ? withLastModified(type, list) : undefined;
}

/** Reads a custom object's property names from its schema, keeping the list within the search body budget. */
export async function discoverProperties(ctx: ReadContext<unknown>, type: string): Promise<string[]> {
  const url = `/crm/v3/properties/${type}`;
  const res = await ctx.http.request({ url, query: { archived: false }, stream: ctx.stream });
  const parsed = PropertiesSchema.safeParse(res.body);
  if (!parsed.success) throw new MalformedPageError(`hubspot/${type} GET ${url}: answer does not parse (${parsed.error.issues[0]?.message})`);
  const names: string[] = [];
  let used = 0;
  for (const p of parsed.data.results) {
    if (p.hidden) continue;
    used += p.name.length + 3;
    if (used > NAMES_BUDGET) {
      ctx.log.warn('hubspot: too many properties to request them all; set config.properties for this type', { stream: ctx.stream, kept: names.length });
      break;
    }
    names.push(p.name);
  }
  return withLastModified(type, names);
}
