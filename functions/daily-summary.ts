import { lazyApp } from '../shared/handlers/lazy';
import { sendDailySummaries } from '../shared/notify/summary';

const app = lazyApp();

/** EventBridge cron(0 7 * * ? *): yesterday's runs, records changed and failures, per tenant, to subscribed channels. */
export const handler = async () => {
  const { tenants, deliveries } = await sendDailySummaries(app());
  return { tenants, delivered: deliveries.filter((d) => d.outcome === 'delivered').length, failed: deliveries.filter((d) => d.outcome === 'failed').length };
};
