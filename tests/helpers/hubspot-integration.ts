import { startHubspotSandbox, type HubspotSandbox, type HubspotSandboxOptions } from '../sandboxes/hubspot';
import type { TestStack } from './stack';
import type { IntegrationItem } from '../../shared/store/integrations';

/** A HubSpot sandbox and an integration pointing at it (contacts only, no associations, unless asked). */
export async function hubspotIntegration(
  stack: TestStack,
  sandboxOpts: HubspotSandboxOptions = {},
  config: Record<string, unknown> = {},
): Promise<{ sandbox: HubspotSandbox; integration: IntegrationItem }> {
  const sandbox = await startHubspotSandbox({ contacts: 250, companies: 0, deals: 0, rateLimit: false, ...sandboxOpts });
  const integration = await stack.svc.create(stack.tenantId, {
    name: 'hubspot test',
    type: 'hubspot',
    config: { baseUrl: sandbox.url, accessToken: sandbox.token, associations: [], ...config },
  });
  return { sandbox, integration };
}

/** What the sandbox holds for a type, as id → updatedAt (the source of truth a synced store must equal). */
export function sourceIds(sandbox: HubspotSandbox, type = 'contacts'): string[] {
  const store = sandbox.store[type] as unknown as { ids?: () => string[]; all?: () => Array<{ id: string }> };
  if (typeof store.all === 'function') return store.all().map((r) => r.id).sort();
  throw new Error('sandbox store has no all()');
}
