import { ListQuerySchema } from '../services/schemas';
import { integrationView } from '../services/views';
import { intOption } from './args';
import { JSON_OPTION, TENANT_OPTION, json, type Command } from './command';
import { table } from './format';
import { tenantOf } from './store';

/** `integrations list`: one tenant's integrations, secrets shown as "***" (the API's view). */
export const integrationsList: Command = {
  words: ['integrations', 'list'],
  positionals: [],
  options: {
    ...TENANT_OPTION,
    limit: { type: 'string', arg: 'N', help: 'at most N integrations (1-1000, default 50)' },
    ...JSON_OPTION,
  },
  summary: "List a tenant's integrations.",
  description: [
    'Without --tenant, lists the demo tenant of `npm start` (from <data-dir>/demo.json); when there is no',
    'demo tenant, --tenant is required. With --json, prints {"integrations": [...], "nextCursor": ...} as the',
    'API does (secrets as "***").',
  ].join('\n'),
  async run(ctx, values) {
    const limit = intOption(values, 'limit', 1000) ?? ListQuerySchema.parse({}).limit;
    const tenantId = tenantOf(ctx.dataDir, values.tenant as string | undefined);
    const { app } = await ctx.stack();
    const page = await app.integrations.list(tenantId, limit);
    const views = page.items.map((i) => integrationView(i, app.specs.get(i.type), app.publicBaseUrl));
    if (values.json) {
      ctx.io.out(json({ integrations: views, nextCursor: page.nextCursor }));
      return 0;
    }
    if (!views.length) {
      ctx.io.out(`Tenant ${tenantId} has no integrations.`);
      return 0;
    }
    ctx.io.out(
      table(
        ['ID', 'NAME', 'TYPE', 'STATUS', 'LAST SYNC', 'EVERY'],
        views.map((v) => [v.id, v.name, v.type, v.status + (v.errorMessage ? ` (${v.errorMessage.slice(0, 60)})` : ''), v.lastSync ?? 'never', `${v.syncInterval} min`]),
      ),
    );
    if (page.nextCursor) ctx.io.out(`(more: raise --limit)`);
    return 0;
  },
};
