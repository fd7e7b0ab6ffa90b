import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ScanCommand } from '../store/dynamo';
import * as z from 'zod';
import type { Connector } from '../connectors/types';
import { startLocalStack, type LocalStack } from '../local/stack';
import type { App } from '../services/app';
import type { IntegrationItem } from '../store/integrations';
import { CliError, UsageError } from './errors';
import type { AppError } from '../errors';

/** The data folder: `--data-dir`, else `SWITCHBOARD_DATA_DIR`, else `.data` (what `npm start` uses). */
export function dataDirOf(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(flag ?? env.SWITCHBOARD_DATA_DIR ?? '.data');
}

/**
 * Opens the local store without HTTP. When `npm start` is running on the same folder, startLocalStack finds
 * its stack.json and talks to that stack's store (LevelDB has a single opener); otherwise it opens the folder
 * itself. Only `sync` needs the connectors' code, so the others skip loading drivers.
 */
export async function openStack(dataDir: string, withConnectors: boolean): Promise<LocalStack> {
  // require, not import(): tsx's CommonJS hook (bin/switchboard.cjs) does not serve ESM dynamic imports.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const connectors: Connector[] = withConnectors ? (require('../connectors/all') as typeof import('../connectors/all')).connectors : [];
  try {
    return await startLocalStack({ dataDir, connectors });
  } catch (err) {
    if ((err as AppError).code === 'data_dir_locked') throw new CliError((err as Error).message);
    throw err;
  }
}

const DemoSchema = z.object({ tenantId: z.string().min(1), integrationId: z.string().optional() });

/** The demo tenant `npm start` wrote on first start (`<dataDir>/demo.json`), if any. */
export function demoTenant(dataDir: string): string | undefined {
  const f = join(dataDir, 'demo.json');
  if (!existsSync(f)) return undefined;
  try {
    const r = DemoSchema.safeParse(JSON.parse(readFileSync(f, 'utf8')));
    return r.success ? r.data.tenantId : undefined;
  } catch {
    return undefined;
  }
}

/** `--tenant`, else the demo tenant; a usage error naming both when neither is there. */
export function tenantOf(dataDir: string, flag: string | undefined): string {
  const t = flag ?? demoTenant(dataDir);
  if (!t) throw new UsageError(`no tenant: pass --tenant ID (there is no demo tenant in ${join(dataDir, 'demo.json')})`);
  return t;
}

/**
 * The integration with this id. With `--tenant`, only that tenant's; else the demo tenant's; else a Scan of
 * the table for its item (`SK = INTEGRATION#<id>`): there is no index by integration id, and a Scan is fine
 * for a local data folder (the API never does this: every API read starts from the caller's tenant).
 */
export async function findIntegration(app: App, dataDir: string, id: string, tenant?: string): Promise<IntegrationItem> {
  if (tenant) {
    const i = await app.integrations.get(tenant, id);
    if (!i) throw new CliError(`Integration ${id} was not found for tenant ${tenant}.`);
    return i;
  }
  const demo = demoTenant(dataDir);
  const fromDemo = demo ? await app.integrations.get(demo, id) : undefined;
  if (fromDemo) return fromDemo;
  let start: Record<string, unknown> | undefined;
  do {
    const out = await app.db.doc.send(
      new ScanCommand({
        TableName: app.db.table,
        FilterExpression: 'SK = :sk AND begins_with(PK, :pk)',
        ExpressionAttributeValues: { ':sk': `INTEGRATION#${id}`, ':pk': 'TENANT#' },
        ProjectionExpression: 'tenantId',
        ExclusiveStartKey: start,
      }),
    );
    const hit = out.Items?.[0];
    if (hit) {
      const i = await app.integrations.get(hit.tenantId as string, id);
      if (i) return i;
    }
    start = out.LastEvaluatedKey;
  } while (start);
  throw new CliError(`Integration ${id} was not found in ${dataDir}.`);
}
