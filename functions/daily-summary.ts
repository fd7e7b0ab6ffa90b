import { createApiHandler } from '../shared/api/handler';
import { lazyApp } from '../shared/handlers/lazy';
import { withInvocation, type InvocationContext } from '../shared/log';
import type { HttpEvent } from '../shared/lambda-types';
import { summaryRoutes } from '../shared/api/notifications';
import { sendDueSummaries } from '../shared/notify/summary';
import { queueDueDailyReports } from '../shared/handlers/daily-reports';

const app = lazyApp({});
export const routes = summaryRoutes;
const api = createApiHandler(app, routes);

/**
 * EventBridge cron(0 * * * ? *): yesterday's runs, records changed and failures, queued to the subscribed channels
 * whose hour it is in their zone, and flows' daily reports (shared/handlers/daily-reports.ts). `POST /api/notifications/summary`: one tenant's, now.
 */
export const handler = withInvocation(async (event?: Partial<HttpEvent>, context?: InvocationContext) =>
  event?.requestContext?.http ? api(event as HttpEvent, context) : Promise.all([sendDueSummaries(app()), queueDueDailyReports(app())]).then(([summaries, reports]) => ({ ...summaries, reports: reports.queued })),
);
