import * as z from 'zod';
import { NotFoundError } from '../errors';
import { FlowStore } from '../flows/store';
import type { ApiRequest } from '../lambda-types';
import { ReportStore } from '../reports/store';
import type { App } from '../services/app';
import { ListQuerySchema } from '../services/schemas';
import { parse } from '../validate';
import type { Route } from './router';

const count = () => z.number().int().min(0);

/** A stored report as the list shows it (shared/reports/store.ts, without the HTML). */
export const ReportSchema = z.lazy(() =>
  z.strictObject({
    id: z.string(),
    flowId: z.string(),
    kind: z.enum(['run', 'daily']),
    subject: z.string().describe('The run id (run reports) or the day, yyyy-mm-dd (daily reports).'),
    title: z.string(),
    createdAt: z.string(),
    hasErrors: z.boolean(),
    empty: z.boolean(),
    totals: z.strictObject({ runs: count(), processed: count(), succeeded: count(), failed: count(), calls: count().optional(), leadsCreated: count().optional(), leadsUpdated: count().optional() }),
    mail: z.strictObject({
      status: z.enum(['pending', 'sent', 'not_sent', 'failed']),
      reason: z.string().optional().describe('no_email_settings, no_email, no_recipients, empty, or why sending failed (SMTP-001: …)'),
      recipients: count(),
      via: z.enum(['smtp', 'sendgrid']).optional(),
      messageId: z.string().optional(),
      charts: count().optional(),
    }),
  }),
);

/**
 * Stored flow reports: the list (newest first, without the HTML) and one report as the HTML page it is. The
 * page is served under a policy that runs no script and loads nothing: its charts are inline SVG.
 */
export function reportRoutes(app: App): Route[] {
  const flows = new FlowStore(app.db);
  const reports = new ReportStore(app.db);
  const flowOf = (req: ApiRequest) => flows.require(req.tenantId!, req.params.id);
  return [
    {
      method: 'GET',
      path: '/api/flows/{id}/reports',
      auth: true,
      query: ListQuerySchema,
      summary: "The flow's reports, newest first",
      responses: { 200: { description: 'A page of reports', body: (r) => r.listPage('reports', ReportSchema) } },
      errors: ['flow_not_found'],
      handle: async (req) => {
        const q = parse(ListQuerySchema, req.query, 'query');
        const f = await flowOf(req);
        const page = await app.cursors.page(`reports:${f.id}`, q.cursor, (c) => reports.list(f.id, q.limit, c));
        return { status: 200, body: { reports: page.items.map(({ tenantId, ...r }) => (void tenantId, r)), nextCursor: page.nextCursor } };
      },
    },
    {
      method: 'GET',
      path: '/api/flows/{id}/reports/{reportId}',
      auth: true,
      summary: 'One report as an HTML page (charts as inline SVG)',
      responses: { 200: { description: 'The report', raw: 'text/html', headers: { 'content-security-policy': 'No script runs and nothing is loaded' } } },
      errors: ['flow_not_found', 'report_not_found'],
      handle: async (req) => {
        const f = await flowOf(req);
        const r = await reports.get(f.id, req.params.reportId);
        if (!r) throw new NotFoundError('report', 'report_not_found');
        return {
          status: 200,
          raw: r.html,
          headers: { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:", 'x-content-type-options': 'nosniff' },
        };
      },
    },
  ];
}
