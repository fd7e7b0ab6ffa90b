import type { ErrorDetail } from '../../errors';
import type { IntegrationItem } from '../../store/integrations';
import { parse } from '../../validate';
import { compileFieldMaps, templatesOf } from './fields';
import { CallsSettingsSchema, isTemplate } from './settings';

/** What the `calls_to_leads` template (seed 004) adds to saving a flow; running one is ./flow.ts. */

/** Fills what the template decides (mapping from the accepted-calls field mapping, match on Phone); settings 400s name their field. */
export function expandCallsFlow<T>(body: T): T {
  const b = body as Record<string, unknown> | null;
  if (!b || typeof b !== 'object' || !isTemplate(b as { template?: string })) return body;
  const settings = parse(CallsSettingsSchema, b.settings, 'settings');
  compileFieldMaps(settings.field_mappings);
  return { ...b, settings, mapping: templatesOf(settings.field_mappings).accepted_calls, match: ['Phone'], required: [] } as T;
}

/** The template's source and target: a RingCentral call log into Zoho leads. */
export function checkCallsFlow(f: { template?: string; source: { dataType: string } }, source: IntegrationItem, target: IntegrationItem | undefined): ErrorDetail[] {
  if (!isTemplate(f)) return [];
  const problems: ErrorDetail[] = [];
  if (!target) return [{ path: 'target', message: 'calls_to_leads writes to a zoho integration: { integrationId, object: "Leads" }' }];
  if (source.type !== 'ringcentral' || f.source.dataType !== 'call_log') problems.push({ path: 'source', message: 'calls_to_leads reads a ringcentral integration\'s call_log' });
  if (target.type !== 'zoho') problems.push({ path: 'target.integrationId', message: 'calls_to_leads writes to a zoho integration' });
  return problems;
}
