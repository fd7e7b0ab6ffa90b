import { ValidationError } from '../../errors';
import { compileMapping, compileTemplate, TemplateError, type CompiledMapping } from '../../mapping/template';
import type { CallsSettings } from './settings';

/**
 * What a seed-004 field mapping may name: the manual's variables (`${caller_name}`, `${caller_number}`,
 * `${caller_company}`, `${call_time}`, `${call_duration}`, `${extension_name}`, `${lead_owner_id}`), a few more
 * about the call, and the lead fields its example maps bare (`"Phone": "Phone"`: the caller's number in E.164,
 * first and last name split from the caller's name).
 */
export const CALL_VARIABLES = [
  'caller_name',
  'caller_number',
  'caller_company',
  'call_time',
  'call_duration',
  'extension_name',
  'extension_number',
  'lead_owner_id',
  'call_type',
  'office',
  'office_name',
  'Phone',
  'Mobile',
  'Email',
  'First_Name',
  'Last_Name',
  'Full_Name',
  'Company',
] as const;
const KNOWN = new Set<string>(CALL_VARIABLES);
const BARE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A seed mapping value as a template: a bare variable name is that variable, anything else a template over them. */
function asTemplate(value: string, path: string): string {
  if (BARE.test(value)) {
    if (!KNOWN.has(value)) throw new ValidationError(`${path}: "${value}" is not a call variable`, [{ path, message: `"${value}" is not a call variable; known: ${CALL_VARIABLES.join(', ')}` }]);
    return `\${${value}}`;
  }
  try {
    const unknown = compileTemplate(value).paths.filter((p) => !KNOWN.has(p));
    if (unknown.length) throw new TemplateError(`unknown variable ${unknown.map((u) => `\${${u}}`).join(', ')}; known: ${CALL_VARIABLES.join(', ')}`);
  } catch (err) {
    if (err instanceof TemplateError) throw new ValidationError(`${path}: ${err.message}`, [{ path, message: err.message }]);
    throw err;
  }
  return value;
}

export type FieldMaps = Record<'accepted_calls' | 'missed_calls', Record<string, string>>;

/** The seed's `accepted_calls` / `missed_calls` maps as flow mapping templates; a bad one is a 400 naming it. */
export function templatesOf(fm: CallsSettings['field_mappings']): FieldMaps {
  const one = (kind: 'accepted_calls' | 'missed_calls') =>
    Object.fromEntries(Object.entries(fm[kind]).map(([field, v]) => [field, asTemplate(v, `settings.field_mappings.${kind}.${field}`)]));
  return { accepted_calls: one('accepted_calls'), missed_calls: one('missed_calls') };
}

export function compileFieldMaps(fm: CallsSettings['field_mappings']): Record<'accepted' | 'missed', CompiledMapping> {
  const t = templatesOf(fm);
  return { accepted: compileMapping(t.accepted_calls, 'settings.field_mappings.accepted_calls.'), missed: compileMapping(t.missed_calls, 'settings.field_mappings.missed_calls.') };
}
