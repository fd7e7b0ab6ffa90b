import { ifMatchVersion } from './if-match';
import type { ApiRequest } from '../lambda-types';
import type { Route } from './router';
import type { App } from '../services/app';
import { ListQuerySchema } from '../services/schemas';
import { parse } from '../validate';
import { CreateFlowSchema, DeliveriesQuerySchema, ImportFlowSchema, PatchFlowSchema, RunFlowSchema } from '../flows/schema';
import { FlowService, requireRun } from '../flows/service';
import type { FlowItem, FlowRun } from '../flows/store';
import { flowTemplates } from '../flows/templates';

const flowView = ({ tenantId, ...f }: FlowItem) => (void tenantId, f);
const runView = ({ tenantId, expiresAt, ...r }: FlowRun) => (void tenantId, void expiresAt, r);

/** The flows API (issue 10). Every read starts from (tenant, flow): another tenant's id is a 404. */
export function flowRoutes(app: App): Route[] {
  const svc = new FlowService(app);
  const tenant = (req: ApiRequest) => req.tenantId!;
  const flow = (req: ApiRequest) => svc.flows.require(tenant(req), req.params.id);
  const ifMatch = (req: ApiRequest) => ifMatchVersion(req, 'flow');
  const withEtag = (f: FlowItem) => ({ status: 200, body: flowView(f), headers: { etag: `"${f.version}"` } });
  const route = (method: string, path: string, handle: Route['handle'], doc?: Pick<Route, 'body' | 'query'>): Route => ({ method, path, auth: true, handle, ...doc });

  return [
    route('GET', '/api/flows/templates', async () => ({ status: 200, body: { templates: flowTemplates } })),
    route('POST', '/api/flows/import', async (req) => ({ status: 201, body: flowView(await svc.import(tenant(req), req.body)) }), { body: ImportFlowSchema }),
    route('POST', '/api/flows', async (req) => ({ status: 201, body: flowView(await svc.create(tenant(req), req.body)) }), { body: CreateFlowSchema }),
    route('GET', '/api/flows', async (req) => {
      const q = parse(ListQuerySchema, req.query, 'query');
      const page = await app.cursors.page(`flows:${tenant(req)}`, q.cursor, (c) => svc.flows.list(tenant(req), q.limit, c));
      return { status: 200, body: { flows: page.items.map(flowView), nextCursor: page.nextCursor } };
    }, { query: ListQuerySchema }),
    route('GET', '/api/flows/{id}', async (req) => withEtag(await flow(req))),
    route('PATCH', '/api/flows/{id}', async (req) => withEtag(await svc.patch(tenant(req), req.params.id, req.body ?? {}, ifMatch(req))), { body: PatchFlowSchema }),
    route('DELETE', '/api/flows/{id}', async (req) => {
      await svc.remove(tenant(req), req.params.id);
      return { status: 204 };
    }),
    route('POST', '/api/flows/{id}/run', async (req) => {
      const run = await svc.requestRun(await flow(req), req.body, 'manual');
      return { status: 202, body: { runId: run.id, status: run.status } };
    }, { body: RunFlowSchema }),
    route('POST', '/api/flows/{id}/retry', async (req) => {
      const run = await svc.requestRun(await flow(req), req.body, 'retry');
      return { status: 202, body: { runId: run.id, status: run.status } };
    }, { body: RunFlowSchema }),
    route('GET', '/api/flows/{id}/runs', async (req) => {
      const q = parse(ListQuerySchema, req.query, 'query');
      const f = await flow(req);
      const page = await app.cursors.page(`flowruns:${f.id}`, q.cursor, (c) => svc.runs.list(f.id, q.limit, c));
      return { status: 200, body: { runs: page.items.map(runView), nextCursor: page.nextCursor } };
    }, { query: ListQuerySchema }),
    route('GET', '/api/flows/{id}/runs/{runId}', async (req) => {
      const f = await flow(req);
      return { status: 200, body: runView(requireRun(await svc.runs.get(f.id, req.params.runId))) };
    }),
    route('GET', '/api/flows/{id}/deliveries', async (req) => {
      const q = parse(DeliveriesQuerySchema, req.query, 'query');
      const f = await flow(req);
      const page = await app.cursors.page(`deliveries:${f.id}:${q.sourceId ?? ''}:${q.status ?? ''}`, q.cursor, (cursor) => svc.ledger.list(f.id, { ...q, cursor }));
      return { status: 200, body: { deliveries: page.items, nextCursor: page.nextCursor } };
    }, { query: DeliveriesQuerySchema }),
  ];
}
