import type { SfRecord } from './salesforce';

/**
 * sObject Collections writes (shared/api-facts/salesforce-destination.md), for the Salesforce sandbox:
 * `POST /composite/sobjects` (create), `PATCH /composite/sobjects` (update, each record with `Id`), `PATCH
 * /composite/sobjects/{SObject}/{ExternalIdField}` (upsert), `{allOrNone, records: [{attributes:{type}, …}]}` of
 * at most 200. 200 with results in request order: `{id, success: true, errors: [], created?}` or `{success: false,
 * errors: [{statusCode: "REQUIRED_FIELD_MISSING", message, fields}]}`. Lead needs LastName and Company.
 */
const REQUIRED: Record<string, string[]> = { Lead: ['LastName', 'Company'], Contact: ['LastName'], Account: ['Name'] };
const PREFIX: Record<string, string> = { Lead: '00Q', Contact: '003', Account: '001' };

export function compositeWrite(
  data: Map<string, SfRecord[]>,
  method: string,
  upsert: { sobject: string; field: string } | undefined,
  body: { allOrNone?: boolean; records?: Array<Record<string, unknown>> },
  newId: (prefix: string) => string,
): { status: number; body: unknown } {
  const records = body.records ?? [];
  if (!records.length || records.length > 200) return { status: 400, body: [{ message: 'records must hold 1 to 200 records', errorCode: 'INVALID_FIELD' }] };
  const now = new Date().toISOString();
  const results = records.map((rec) => {
    const { attributes, ...fields } = rec as { attributes?: { type?: string } } & Record<string, unknown>;
    const type = upsert?.sobject ?? attributes?.type;
    if (!type) return { success: false, errors: [{ statusCode: 'INVALID_TYPE', message: 'attributes.type is required', fields: [] }] };
    const rows = data.get(type) ?? [];
    data.set(type, rows);
    let existing: SfRecord | undefined;
    if (method === 'PATCH' && !upsert) {
      existing = rows.find((r) => r.Id === fields.Id);
      if (!existing) return { success: false, errors: [{ statusCode: 'ENTITY_IS_DELETED', message: 'entity is deleted', fields: [] }] };
    } else if (upsert) {
      if (fields[upsert.field] === undefined) return { success: false, errors: [{ statusCode: 'MISSING_ARGUMENT', message: `${upsert.field} not specified`, fields: [] }] };
      existing = rows.find((r) => r[upsert.field] === fields[upsert.field]);
    }
    if (existing) {
      Object.assign(existing, fields, { Id: existing.Id, SystemModstamp: now, LastModifiedDate: now });
      return { id: existing.Id, success: true, errors: [], ...(upsert ? { created: false } : {}) };
    }
    const missing = (REQUIRED[type] ?? []).filter((f) => fields[f] === undefined || fields[f] === null || fields[f] === '');
    if (missing.length) return { success: false, errors: [{ statusCode: 'REQUIRED_FIELD_MISSING', message: `Required fields are missing: [${missing.join(', ')}]`, fields: missing }] };
    const created = { ...fields, Id: newId(PREFIX[type] ?? 'a00'), CreatedDate: now, LastModifiedDate: now, SystemModstamp: now } as SfRecord;
    rows.push(created);
    return { id: created.Id, success: true, errors: [], ...(upsert ? { created: true } : {}) };
  });
  return { status: 200, body: results };
}
