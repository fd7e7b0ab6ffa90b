import { createApiHandler } from '../shared/api/handler';
import { lazyApp } from '../shared/handlers/lazy';
import type { HttpEvent } from '../shared/lambda-types';
import { summaryRoutes } from '../shared/notify/routes';
import { sendDailySummaries } from '../shared/notify/summary';

const app = lazyApp();
const api = createApiHandler(app, summaryRoutes);

/**
 * EventBridge cron(0 7 * * ? *): yesterday's runs, records changed and failures, per tenant, queued to subscribed
 * channels. `POST /api/notifications/summary`: one tenant's, now.
 */
export const handler = async (event?: Partial<HttpEvent>) => (event?.requestContext?.http ? api(event as HttpEvent) : sendDailySummaries(app()));
