import { runView } from '../services/views';
import { intOption } from './args';
import { JSON_OPTION, TENANT_OPTION, json, type Command } from './command';
import { table } from './format';
import { findIntegration } from './store';
import { RUN_HEADER, runRow } from './summary';

/** `runs <integrationId>`: the latest runs, newest first. */
export const runs: Command = {
  words: ['runs'],
  positionals: ['integrationId'],
  options: { ...TENANT_OPTION, limit: { type: 'string', arg: 'N', help: 'at most N runs, newest first (1-1000, default 20)' }, ...JSON_OPTION },
  summary: "List an integration's sync runs, newest first.",
  description: 'With --json, prints {"runs": [...], "nextCursor": ...} as GET /api/integrations/{id}/runs answers.',
  async run(ctx, values, [integrationId]) {
    const limit = intOption(values, 'limit', 1000) ?? 20;
    const { app } = await ctx.stack();
    const i = await findIntegration(app, ctx.dataDir, integrationId, values.tenant as string | undefined);
    const page = await app.runs.list(i.id, limit);
    if (values.json) ctx.io.out(json({ runs: page.items.map(runView), nextCursor: page.nextCursor }));
    else if (!page.items.length) ctx.io.out(`Integration ${i.id} has no runs yet.`);
    else ctx.io.out(table(RUN_HEADER, page.items.map(runRow), [5, 6, 7, 8, 9, 10]));
    return 0;
  },
};
