import { lazyApp } from '../shared/handlers/lazy';
import { sendDailySummaries } from '../shared/notify/summary';

const app = lazyApp();

/** EventBridge cron(0 7 * * ? *): yesterday's runs, records changed and failures, per tenant, queued to subscribed channels. */
export const handler = async () => sendDailySummaries(app());
