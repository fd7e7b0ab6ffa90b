import { ValidationError } from '../../errors';

/**
 * SOQL built from validated names only. A config can name any SObject and fields, but what reaches the
 * query is an allowlisted identifier (letters, digits, underscores; dotted relationship paths), never a raw
 * user string: no spaces, quotes, commas, parentheses or operators can get through, so a field list cannot
 * smuggle a WHERE, a sub-query or a function into the SOQL.
 * https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select.htm
 */

/** An API name: `Lead`, `Invoice__c`, `npsp__Allocation__c`. */
export const SOBJECT_RE = /^[A-Za-z][A-Za-z0-9_]{0,79}$/;

/** A field or a relationship path: `Email`, `Score__c`, `Owner.Name`, `Account__r.Owner.Email`. */
export const FIELD_RE = /^[A-Za-z][A-Za-z0-9_]{0,79}(\.[A-Za-z][A-Za-z0-9_]{0,79}){0,4}$/;

/** SOQL keywords are not valid names on their own; refusing them keeps every query well-formed. */
const RESERVED = new Set(
  'AND ASC BY DESC EXCLUDES FIRST FROM GROUP HAVING IN INCLUDES LAST LIKE LIMIT NOT NULL NULLS OFFSET OR ORDER SELECT TYPEOF USING WHERE WITH'.split(' '),
);

export function isSoqlName(name: string, kind: 'sobject' | 'field'): boolean {
  const re = kind === 'sobject' ? SOBJECT_RE : FIELD_RE;
  return re.test(name) && !name.split('.').some((part) => RESERVED.has(part.toUpperCase()));
}

/** Fields every stream needs: the id, and the modstamp that orders the query and marks the high-water mark. */
export const REQUIRED_FIELDS = ['Id', 'SystemModstamp'] as const;

/**
 * A SOQL dateTime literal, unquoted, second precision, UTC (`2024-05-01T00:00:00Z`). Truncating down is safe:
 * with `>` it can only re-read a record, never skip one.
 * https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_dateformats.htm
 */
export function soqlDateTime(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new ValidationError(`not a date: ${JSON.stringify(iso)}`);
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export interface SoqlQuery {
  sobject: string;
  fields: readonly string[];
  /** Only records with SystemModstamp after this (ISO). */
  since?: string;
  limit?: number;
}

/** The field list as sent: required fields first, duplicates (case-insensitive, as SOQL sees them) dropped. */
export function selectFields(fields: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const f of [...REQUIRED_FIELDS, ...fields]) {
    if (seen.has(f.toLowerCase())) continue;
    seen.add(f.toLowerCase());
    out.push(f);
  }
  return out;
}

/**
 * `SELECT Id, SystemModstamp, … FROM Lead [WHERE SystemModstamp > 2024-05-01T00:00:00Z] ORDER BY SystemModstamp [LIMIT n]`.
 * Full syncs are ordered by SystemModstamp too, so their high-water mark seeds the next incremental run.
 * Names are re-checked here (the config schema checks them first) so no caller can bypass the allowlist.
 */
export function buildSoql(q: SoqlQuery): string {
  if (!isSoqlName(q.sobject, 'sobject')) throw new ValidationError(`invalid SObject name ${JSON.stringify(q.sobject)}`);
  const fields = selectFields(q.fields);
  const bad = fields.filter((f) => !isSoqlName(f, 'field'));
  if (bad.length) throw new ValidationError(`invalid field name(s) for ${q.sobject}: ${bad.map((f) => JSON.stringify(f)).join(', ')}`);
  let soql = `SELECT ${fields.join(', ')} FROM ${q.sobject}`;
  if (q.since) soql += ` WHERE SystemModstamp > ${soqlDateTime(q.since)}`;
  soql += ' ORDER BY SystemModstamp';
  if (q.limit !== undefined) {
    if (!Number.isInteger(q.limit) || q.limit < 1) throw new ValidationError('LIMIT must be a positive integer');
    soql += ` LIMIT ${q.limit}`;
  }
  return soql;
}
