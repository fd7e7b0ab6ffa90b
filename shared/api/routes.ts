import { AppError } from '../errors';
import type { App } from '../services/app';
import { catalog } from '../services/catalog';
import { IntegrationService } from '../services/integrations';
import { CreateIntegrationSchema, DataQuerySchema, ListQuerySchema, MetricsQuerySchema, PatchIntegrationSchema, SyncRequestSchema } from '../services/schemas';
import { integrationView, recordView, runView } from '../services/views';
import { NotFoundError } from '../errors';
import { parse } from '../validate';
import { ifMatchVersion } from './if-match';
import type { ApiRequest } from '../lambda-types';
import type { Route } from './router';

/** The seed 000 integrations API. Every read starts from (tenant, integration): another tenant's id is a 404. */
export function integrationRoutes(app: App): Route[] {
  const svc = new IntegrationService(app);
  const specs = [...app.specs.values()];
  const view = (i: Parameters<typeof integrationView>[0]) => integrationView(i, app.specs.get(i.type), app.publicBaseUrl);
  const tenant = (req: ApiRequest) => req.tenantId!;
  const ifMatch = (req: ApiRequest) => ifMatchVersion(req, 'integration');
  const noBody = (req: ApiRequest) => {
    if (req.body !== undefined) throw new AppError('unexpected_body', 'This request takes no body.', 400);
  };

  const etag = { etag: 'The version, quoted: send it back as If-Match.' };

  return [
    {
      method: 'GET',
      path: '/api/integrations/templates',
      auth: true,
      summary: 'The connector catalog, with a JSON Schema of each config',
      responses: { 200: { description: 'The catalog', body: (r) => r.CatalogSchema } },
      handle: async () => ({ status: 200, body: catalog(specs) }),
    },
    {
      method: 'POST',
      path: '/api/integrations',
      auth: true,
      body: CreateIntegrationSchema,
      summary: 'Create an integration (secrets sealed)',
      responses: { 201: { description: 'The integration', body: (r) => r.IntegrationSchema } },
      errors: ['unknown_integration_type', 'target_not_allowed'],
      handle: async (req) => ({ status: 201, body: view(await svc.create(tenant(req), req.body)) }),
    },
    {
      method: 'GET',
      path: '/api/integrations',
      auth: true,
      query: ListQuerySchema,
      summary: "The tenant's integrations, a page at a time",
      responses: { 200: { description: 'A page of integrations', body: (r) => r.listPage('integrations', r.IntegrationSchema) } },
      handle: async (req) => {
        const q = parse(ListQuerySchema, req.query, 'query');
        const page = await app.cursors.page(`integrations:${tenant(req)}`, q.cursor, (c) => app.integrations.list(tenant(req), q.limit, c));
        return { status: 200, body: { integrations: page.items.map(view), nextCursor: page.nextCursor } };
      },
    },
    {
      method: 'GET',
      path: '/api/integrations/{id}',
      auth: true,
      summary: 'One integration',
      responses: { 200: { description: 'The integration', body: (r) => r.IntegrationSchema, headers: etag } },
      errors: ['integration_not_found'],
      handle: async (req) => {
        const i = await app.integrations.require(tenant(req), req.params.id);
        return { status: 200, body: view(i), headers: { etag: `"${i.version}"` } };
      },
    },
    {
      method: 'PATCH',
      path: '/api/integrations/{id}',
      auth: true,
      body: PatchIntegrationSchema,
      summary: 'Change an integration; omitted or "***" secrets are kept',
      responses: { 200: { description: 'The integration as changed', body: (r) => r.IntegrationSchema, headers: etag } },
      errors: ['integration_not_found', 'invalid_if_match', 'version_conflict', 'target_not_allowed'],
      handle: async (req) => {
        const i = await svc.patch(tenant(req), req.params.id, req.body ?? {}, ifMatch(req));
        return { status: 200, body: view(i), headers: { etag: `"${i.version}"` } };
      },
    },
    {
      method: 'DELETE',
      path: '/api/integrations/{id}',
      auth: true,
      summary: 'Delete an integration with its secrets, state, runs and records',
      responses: { 204: { description: 'Deleted' } },
      errors: ['integration_not_found', 'unexpected_body'],
      handle: async (req) => {
        noBody(req);
        await svc.remove(tenant(req), req.params.id);
        return { status: 204 };
      },
    },
    {
      method: 'POST',
      path: '/api/integrations/{id}/sync',
      auth: true,
      body: SyncRequestSchema,
      summary: "Queue a sync on the connector's queue",
      responses: { 202: { description: 'The run, queued', body: (r) => r.RunQueuedSchema } },
      errors: ['integration_not_found', 'nothing_to_sync'],
      handle: async (req) => {
        const i = await app.integrations.require(tenant(req), req.params.id);
        const run = await svc.requestSync(i, req.body ?? {}, 'manual');
        return { status: 202, body: { runId: run.id, status: run.status } };
      },
    },
    {
      method: 'GET',
      path: '/api/activity',
      auth: true,
      query: ListQuerySchema,
      summary: "The tenant's finished runs (syncs, imports, flows), newest first, 30 days",
      responses: { 200: { description: 'A page of the activity feed', body: (r) => r.listPage('activity', r.ActivitySchema) } },
      handle: async (req) => {
        const q = parse(ListQuerySchema, req.query, 'query');
        const page = await app.cursors.page(`activity:${tenant(req)}`, q.cursor, (c) => app.activity.list(tenant(req), q.limit, c));
        return { status: 200, body: { activity: page.items, nextCursor: page.nextCursor } };
      },
    },
    {
      method: 'GET',
      path: '/api/integrations/{id}/runs',
      auth: true,
      query: ListQuerySchema,
      summary: 'Sync runs, newest first',
      responses: { 200: { description: 'A page of runs', body: (r) => r.listPage('runs', r.RunSchema) } },
      errors: ['integration_not_found'],
      handle: async (req) => {
        const q = parse(ListQuerySchema, req.query, 'query');
        await app.integrations.require(tenant(req), req.params.id);
        const page = await app.cursors.page(`runs:${req.params.id}`, q.cursor, (c) => app.runs.list(req.params.id, q.limit, c));
        return { status: 200, body: { runs: page.items.map(runView), nextCursor: page.nextCursor } };
      },
    },
    {
      method: 'GET',
      path: '/api/integrations/{id}/runs/{runId}',
      auth: true,
      summary: 'One run with its figures per data type',
      responses: { 200: { description: 'The run', body: (r) => r.RunSchema } },
      errors: ['integration_not_found', 'run_not_found'],
      handle: async (req) => {
        await app.integrations.require(tenant(req), req.params.id);
        const run = await app.runs.get(req.params.id, req.params.runId);
        if (!run) throw new NotFoundError('run', 'run_not_found');
        return { status: 200, body: runView(run) };
      },
    },
    {
      method: 'GET',
      path: '/api/integrations/{id}/data',
      auth: true,
      query: DataQuerySchema,
      summary: 'Stored records, a page at a time',
      responses: { 200: { description: 'A page of records', body: (r) => r.listPage('data', r.RecordSchema) } },
      errors: ['integration_not_found'],
      handle: async (req) => {
        const q = parse(DataQuerySchema, req.query, 'query');
        await app.integrations.require(tenant(req), req.params.id);
        const page = await app.cursors.page(`data:${req.params.id}:${q.dataType ?? ''}`, q.cursor, (cursor) =>
          app.records.list(req.params.id, {
            dataType: q.dataType,
            limit: q.limit,
            cursor,
            modifiedAfter: q.modifiedAfter && new Date(q.modifiedAfter).toISOString(),
            includeDeleted: q.includeDeleted === 'true',
          }),
        );
        return { status: 200, body: { data: page.items.map(recordView), nextCursor: page.nextCursor } };
      },
    },
    {
      method: 'GET',
      path: '/api/integrations/{id}/metrics',
      auth: true,
      query: MetricsQuerySchema,
      summary: 'Daily counters for a date range, with totals',
      responses: { 200: { description: 'The series', body: (r) => r.MetricsSchema } },
      errors: ['integration_not_found'],
      handle: async (req) => {
        const q = parse(MetricsQuerySchema, req.query, 'query');
        await app.integrations.require(tenant(req), req.params.id);
        const series = await app.metrics.range(req.params.id, q.startDate, q.endDate);
        const totals: Record<string, number> = {};
        for (const row of series) for (const [k, v] of Object.entries(row)) if (typeof v === 'number') totals[k] = (totals[k] ?? 0) + v;
        return { status: 200, body: { integrationId: req.params.id, startDate: q.startDate, endDate: q.endDate, series, totals } };
      },
    },
  ];
}
