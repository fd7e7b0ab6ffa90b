/**
 * What we ask HubSpot for and how we store it.
 *
 * HubSpot's list and search endpoints return only a few default properties unless `properties` names
 * them (https://developers.hubspot.com/docs/api/crm/contacts). These are the useful standard ones per
 * object; `config.properties[type]` replaces a list. Custom objects get their name/id/timestamps unless
 * the config lists more.
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
};
const CUSTOM_DEFAULT = ['hs_object_id', 'hs_createdate', 'hs_lastmodifieddate'];

/** The last-modified property that search filters and sorts on: contacts differ from every other object. */
export function lastModifiedProperty(type: string): string {
  return type === 'contacts' ? 'lastmodifieddate' : 'hs_lastmodifieddate';
}

export function propertiesFor(type: string, override?: Record<string, string[]>): string[] {
  const list = override?.[type] ?? DEFAULT_PROPERTIES[type] ?? CUSTOM_DEFAULT;
  const lm = lastModifiedProperty(type);
  return list.includes(lm) ? list : [...list, lm];
}
