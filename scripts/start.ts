/**
 * `npm start`: the whole stack on this machine. PORT (default 3000) and SWITCHBOARD_DATA_DIR (default .data)
 * choose the port and the data folder. First start creates a demo tenant and prints its API key; every start
 * runs a HubSpot sandbox and points the demo integration at it, so a newcomer sees a sync happen.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectors } from '../shared/connectors/all';
import { startLocalStack } from '../shared/local/stack';
import { localWebhooks } from '../shared/local/webhooks';
import { startHubspotSandbox } from '../tests/sandboxes/hubspot';
import { buildDashboard } from './build-dashboard';

async function main() {
  const port = Number(process.env.PORT ?? 3000);
  const dataDir = process.env.SWITCHBOARD_DATA_DIR ?? '.data';
  process.env.PUBLIC_BASE_URL ??= `http://127.0.0.1:${port}`;
  const dashboardDir = await buildDashboard();
  const stack = await startLocalStack({ dataDir, port, connectors, schedulerMs: 60_000, dashboardDir, ...localWebhooks() });
  console.log(`Switchboard listening on ${stack.url}`);
  console.log(`Dashboard: ${stack.url}/ (sign in with the API key)`);

  const demoFile = join(dataDir, 'demo.json');
  let demo: { tenantId: string; integrationId?: string } | undefined = existsSync(demoFile) ? JSON.parse(readFileSync(demoFile, 'utf8')) : undefined;
  if (!demo) {
    const { tenantId, apiKey } = await stack.app.tenants.createTenant('demo');
    demo = { tenantId };
    console.log(`API key: ${apiKey}`);
    console.log('(shown once: keep it; create more with `npx switchboard tenants create <name> --json`)');
  }

  const sandbox = await startHubspotSandbox({ contacts: 500, companies: 50, deals: 80, rateLimit: { requests: 100, windowMs: 10_000 } });
  const { IntegrationService } = await import('../shared/services/integrations');
  const svc = new IntegrationService(stack.app);
  const existing = demo.integrationId && (await stack.app.integrations.get(demo.tenantId, demo.integrationId));
  // The sandbox moves to a new port each start; moving baseUrl means supplying the token sent there again.
  if (existing) await svc.patch(demo.tenantId, existing.id, { config: { baseUrl: sandbox.url, accessToken: sandbox.token } });
  else {
    const i = await svc.create(demo.tenantId, { name: 'Demo HubSpot (sandbox)', type: 'hubspot', config: { baseUrl: sandbox.url, accessToken: sandbox.token } });
    demo.integrationId = i.id;
    console.log(`Demo integration ${i.id}: HubSpot sandbox at ${sandbox.url}; its first sync starts within a minute.`);
  }
  writeFileSync(demoFile, JSON.stringify(demo), { mode: 0o600 });
  console.log(`Demo tenant: ${demo.tenantId} (the dashboard's developer sign-in takes it)`);
  void stack.tick();

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('Stopping…');
    await stack.close();
    await sandbox.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
