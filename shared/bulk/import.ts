import { FileConfigSchema, type FileFormat } from '../connectors/file/spec';
import { readFileRows, type FileRow } from '../connectors/file/parse';
import type { SourceRecord } from '../connectors/types';
import { closeRun, recordMetrics, updateHealth } from '../engine/finish';
import { MAX_ERRORS, totals } from '../engine/stats';
import { AppError } from '../errors';
import { scrub } from '../log';
import type { App } from '../services/app';
import type { IntegrationItem } from '../store/integrations';
import { emptyStats, newRun, type Run } from '../store/runs';
import { parse } from '../validate';
import type { ImportResult, RowError } from './schemas';

/** Rows written per call to the records layer (one BatchGet of their hashes, then only what changed). */
export const IMPORT_PAGE_ROWS = 500;
/** Row errors listed in the answer (all are counted). */
export const MAX_ROW_ERRORS = 100;
/** Rows shown by a dry run. */
export const PREVIEW_ROWS = 10;

/**
 * Imports an uploaded file into a file integration through the records layer, as a sync writes a page: rows
 * are hashed and compared with what is stored, and only new or changed ones are written (re-importing an
 * unchanged file writes nothing), so realtime flows see exactly what changed. The import is recorded as a
 * run (`trigger: import`); a dry run writes nothing, records no run, and previews the first rows.
 */
export async function importFile(app: App, integration: IntegrationItem, body: Buffer, opts: { format?: FileFormat; dryRun: boolean }): Promise<ImportResult> {
  const spec = app.specs.get(integration.type);
  if (!spec?.imported) throw new AppError('not_importable', `A ${integration.type} integration syncs from its source; only file integrations take imports.`, 400);
  if (!body.length) throw new AppError('empty_body', 'Send the file as the request body.', 400);
  const config = parse(FileConfigSchema, integration.config, 'config');
  const { dataType } = config;
  const rows = readFileRows(body, config, opts.format ?? config.format)[Symbol.asyncIterator]();
  // The first row is read before a run exists: a file whose header cannot be read is a 400 that leaves no run.
  let next = await rows.next();
  const started = Date.now();
  const run = opts.dryRun ? undefined : await startRun(app, integration, dataType);
  const result: ImportResult = { runId: run?.id ?? null, status: 'succeeded', dryRun: opts.dryRun, dataType, stats: { processed: 0, created: 0, updated: 0, unchanged: 0, deleted: 0, failed: 0 }, errors: [], ...(opts.dryRun ? { preview: [] } : {}) };
  const fail = (e: RowError) => {
    result.stats.failed++;
    if (result.errors.length < MAX_ROW_ERRORS) result.errors.push(e);
  };
  let page: { row: number; record: SourceRecord }[] = [];
  let pages = 0;
  const flush = async () => {
    if (!page.length) return;
    const rowOf = new Map(page.map((r) => [r.record.id, r.row]));
    const out = await app.records.upsert(integration.id, dataType, page.map((r) => r.record), { dryRun: opts.dryRun });
    for (const k of ['created', 'updated', 'unchanged', 'deleted'] as const) result.stats[k] += out[k];
    for (const r of out.rejected) fail({ row: rowOf.get(r.id!)!, id: r.id, reason: r.reason });
    pages++;
    page = [];
  };
  try {
    for (; !next.done; next = await rows.next()) {
      const r: FileRow = next.value;
      result.stats.processed++;
      if ('error' in r) {
        fail({ row: r.row, ...(r.id !== undefined ? { id: r.id } : {}), reason: r.error });
        continue;
      }
      if (result.preview && result.preview.length < PREVIEW_ROWS) result.preview.push({ row: r.row, id: r.record.id, data: r.record.data });
      page.push(r);
      if (page.length >= IMPORT_PAGE_ROWS) await flush();
    }
    await flush();
  } catch (err) {
    if (run) await endRun(app, integration, run, result, pages, Date.now() - started, scrub((err as Error).message));
    throw err;
  }
  if (result.stats.failed) result.status = 'partial';
  if (run) await endRun(app, integration, run, result, pages, Date.now() - started);
  return result;
}

async function startRun(app: App, integration: IntegrationItem, dataType: string): Promise<Run> {
  const run = newRun(integration, { mode: 'incremental', dryRun: false, dataTypes: [dataType] }, 'import');
  run.status = 'running';
  run.startedAt = run.createdAt;
  await app.runs.create(run);
  return run;
}

/** Closes the import's run like a sync's: status, stats, first errors, the integration's health, daily metrics. */
async function endRun(app: App, integration: IntegrationItem, run: Run, result: ImportResult, pages: number, durationMs: number, error?: string): Promise<void> {
  const { processed, created, updated, unchanged, deleted, failed } = result.stats;
  run.streams[result.dataType] = { ...emptyStats(), processed, created, updated, unchanged, deleted, failed, pages, durationMs, status: error ? 'failed' : 'done' };
  run.stats = totals(run);
  run.errors = result.errors.slice(0, MAX_ERRORS).map((e) => ({ dataType: result.dataType, ...(e.id !== undefined ? { id: e.id } : {}), reason: `row ${e.row}: ${e.reason}` }));
  const status = error ? 'failed' : result.status;
  await closeRun(app, run, status, error ?? (failed ? `${failed} rows not imported` : null), integration.name);
  await updateHealth(app, integration, run);
  await recordMetrics(app, run);
}
