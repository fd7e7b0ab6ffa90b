import { ifMatchVersion } from './if-match';
import type { ApiRequest } from '../lambda-types';
import type { Route, RouteReply } from './router';
import type { App } from '../services/app';
import { ListQuerySchema } from '../services/schemas';
import { parse } from '../validate';
import { CreateFlowSchema, DeliveriesQuerySchema, ImportFlowSchema, PatchFlowSchema, RunFlowSchema } from '../flows/schema';
import { FlowService, requireRun } from '../flows/service';
import type { FlowItem, FlowRun } from '../flows/store';
import { flowTemplates } from '../flows/templates';
import { AssignmentStore } from '../flows/assignment/store';
import { reportRoutes } from './reports';

const flowView = ({ tenantId, ...f }: FlowItem) => (void tenantId, f);
/** A checkpoint holds a store cursor: where the run goes on is the runner's business, not the reader's. */
const runView = ({ tenantId, expiresAt, checkpoint, ...r }: FlowRun) => (void tenantId, void expiresAt, void checkpoint, r);

/** The flows API (issue 10). Every read starts from (tenant, flow): another tenant's id is a 404. */
export function flowRoutes(app: App): Route[] {
  const svc = new FlowService(app);
  const tenant = (req: ApiRequest) => req.tenantId!;
  const flow = (req: ApiRequest) => svc.flows.require(tenant(req), req.params.id);
  const ifMatch = (req: ApiRequest) => ifMatchVersion(req, 'flow');
  const withEtag = (f: FlowItem) => ({ status: 200, body: flowView(f), headers: { etag: `"${f.version}"` } });
  const route = (method: string, path: string, doc: Omit<Route, 'method' | 'path' | 'auth' | 'handle'>, handle: Route['handle']): Route => ({ method, path, auth: true, ...doc, handle });
  const flowReply: RouteReply = { description: 'The flow', body: (r) => r.FlowSchema, headers: { etag: 'The version, quoted: send it back as If-Match.' } };
  const created: Route['responses'] = { 201: { description: 'The flow', body: (r) => r.FlowSchema } };
  const queued: Route['responses'] = { 202: { description: 'The run, queued', body: (r) => r.RunQueuedSchema } };
  const notFound = ['flow_not_found'] as const;

  return [
    route('GET', '/api/flows/templates', { summary: 'Flow templates (seed 003)', responses: { 200: { description: 'The templates', body: (r) => r.FlowTemplatesSchema } } }, async () => ({ status: 200, body: { templates: flowTemplates } })),
    route('POST', '/api/flows/import', { body: ImportFlowSchema, summary: "A flow from seed 003's template JSON", responses: created, errors: ['integration_not_found', 'invalid_template'] }, async (req) => ({
      status: 201,
      body: flowView(await svc.import(tenant(req), req.body)),
    })),
    route('POST', '/api/flows', { body: CreateFlowSchema, summary: 'Create a flow', responses: created, errors: ['integration_not_found', 'invalid_template'] }, async (req) => ({
      status: 201,
      body: flowView(await svc.create(tenant(req), req.body)),
    })),
    route('GET', '/api/flows', { query: ListQuerySchema, summary: "The tenant's flows", responses: { 200: { description: 'A page of flows', body: (r) => r.listPage('flows', r.FlowSchema) } } }, async (req) => {
      const q = parse(ListQuerySchema, req.query, 'query');
      const page = await app.cursors.page(`flows:${tenant(req)}`, q.cursor, (c) => svc.flows.list(tenant(req), q.limit, c));
      return { status: 200, body: { flows: page.items.map(flowView), nextCursor: page.nextCursor } };
    }),
    route('GET', '/api/flows/{id}', { summary: 'One flow', responses: { 200: flowReply }, errors: [...notFound] }, async (req) => withEtag(await flow(req))),
    route('PATCH', '/api/flows/{id}', { body: PatchFlowSchema, summary: 'Change a flow', responses: { 200: flowReply }, errors: [...notFound, 'integration_not_found', 'invalid_template', 'invalid_if_match', 'version_conflict'] }, async (req) =>
      withEtag(await svc.patch(tenant(req), req.params.id, req.body ?? {}, ifMatch(req))),
    ),
    route('DELETE', '/api/flows/{id}', { summary: 'Delete a flow with its runs and ledger', responses: { 204: { description: 'Deleted' } }, errors: [...notFound] }, async (req) => {
      await svc.remove(tenant(req), req.params.id);
      return { status: 204 };
    }),
    route('POST', '/api/flows/{id}/run', { body: RunFlowSchema, summary: 'Queue a run (or a dry run)', responses: queued, errors: [...notFound] }, async (req) => {
      const run = await svc.requestRun(await flow(req), req.body, 'manual');
      return { status: 202, body: { runId: run.id, status: run.status } };
    }),
    route('POST', '/api/flows/{id}/retry', { body: RunFlowSchema, summary: 'Queue a run of the failed deliveries', responses: queued, errors: [...notFound] }, async (req) => {
      const run = await svc.requestRun(await flow(req), req.body, 'retry');
      return { status: 202, body: { runId: run.id, status: run.status } };
    }),
    route('GET', '/api/flows/{id}/runs', { query: ListQuerySchema, summary: 'Flow runs, newest first', responses: { 200: { description: 'A page of runs', body: (r) => r.listPage('runs', r.FlowRunSchema) } }, errors: [...notFound] }, async (req) => {
      const q = parse(ListQuerySchema, req.query, 'query');
      const f = await flow(req);
      const page = await app.cursors.page(`flowruns:${f.id}`, q.cursor, (c) => svc.runs.list(f.id, q.limit, c));
      return { status: 200, body: { runs: page.items.map(runView), nextCursor: page.nextCursor } };
    }),
    route('GET', '/api/flows/{id}/runs/{runId}', { summary: 'One flow run with its summary and data quality', responses: { 200: { description: 'The run', body: (r) => r.FlowRunSchema } }, errors: [...notFound, 'run_not_found'] }, async (req) => {
      const f = await flow(req);
      return { status: 200, body: runView(requireRun(await svc.runs.get(f.id, req.params.runId))) };
    }),
    route('GET', '/api/flows/{id}/deliveries', { query: DeliveriesQuerySchema, summary: 'The delivery ledger', responses: { 200: { description: 'A page of deliveries', body: (r) => r.listPage('deliveries', r.DeliverySchema) } }, errors: [...notFound] }, async (req) => {
      const q = parse(DeliveriesQuerySchema, req.query, 'query');
      const f = await flow(req);
      const page = await app.cursors.page(`deliveries:${f.id}:${q.sourceId ?? ''}:${q.status ?? ''}`, q.cursor, (cursor) => svc.ledger.list(f.id, { ...q, cursor }));
      return { status: 200, body: { deliveries: page.items, nextCursor: page.nextCursor } };
    }),
    route('GET', '/api/flows/{id}/assignments', { query: ListQuerySchema, summary: 'Lead assignments (calls_to_leads), newest first, with totals per owner', responses: { 200: { description: 'A page of assignments', body: (r) => r.AssignmentsPageSchema } }, errors: [...notFound] }, async (req) => {
      const q = parse(ListQuerySchema, req.query, 'query');
      const f = await flow(req);
      const store = new AssignmentStore(app.db);
      const page = await app.cursors.page(`assignments:${f.id}`, q.cursor, (c) => store.list(f.id, q.limit, c));
      return { status: 200, body: { assignments: page.items, totals: await store.totals(f.id), nextCursor: page.nextCursor } };
    }),
    ...reportRoutes(app),
  ];
}
