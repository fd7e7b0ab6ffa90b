import { SummaryRequestSchema } from '../api/notifications';
import { previousDay, sendDailySummaries, sendTenantSummary } from '../notify/summary';
import { NOTIFY_QUEUE } from '../queue/types';
import { JSON_OPTION, json, type Command } from './command';
import { UsageError } from './errors';

/** `notify summary`: the daily summary sent now, as the 07:00 UTC schedule sends it, to see it before deploying. */
export const notifySummary: Command = {
  words: ['notify', 'summary'],
  positionals: [],
  options: {
    date: { type: 'string', arg: 'DATE', help: 'the UTC day to summarise, 2026-11-30 (default: yesterday)' },
    tenant: { type: 'string', arg: 'ID', help: "only this tenant's summary (default: every tenant with a channel subscribed to daily.summary)" },
    ...JSON_OPTION,
  },
  summary: 'Send the daily summary now to the channels subscribed to daily.summary.',
  description: [
    'Queues what the scheduled daily summary sends (runs, failures and records changed per integration on DATE),',
    'one delivery per subscribed channel. A running `npm start` delivers them; without one, this command does',
    'before it exits (see GET /api/notifications/deliveries for the outcomes). With --json, prints',
    '{"date", "tenants", "queued"} on stdout.',
  ].join('\n'),
  async run(ctx, values) {
    const parsed = SummaryRequestSchema.safeParse({ date: values.date });
    if (!parsed.success) throw new UsageError(`--date must be a day like 2026-11-30, not '${values.date}'`);
    const date = parsed.data.date ?? previousDay();
    const stack = await ctx.stack();
    const tenant = values.tenant as string | undefined;
    const { tenants, queued } = tenant ? { tenants: 1, queued: (await sendTenantSummary(stack.app, tenant, date)).queued } : await sendDailySummaries(stack.app, date);
    if (!stack.attached) await stack.queues.drainQueue(NOTIFY_QUEUE);
    if (values.json) ctx.io.out(json({ date, tenants, queued }));
    else if (!queued) ctx.io.out(`No channel is subscribed to daily.summary${tenant ? ` for tenant ${tenant}` : ''}: nothing sent.`);
    else ctx.io.out(`Summary of ${date}: ${queued} deliver${queued > 1 ? 'ies' : 'y'} ${stack.attached ? 'queued for the running stack' : 'sent'} (outcomes: GET /api/notifications/deliveries).`);
    return 0;
  },
};
