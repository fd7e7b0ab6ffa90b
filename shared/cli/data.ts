import { recordView } from '../services/views';
import { intOption } from './args';
import { JSON_OPTION, TENANT_OPTION, json, type Command } from './command';
import { clip, table } from './format';
import { findIntegration } from './store';

/** `data <integrationId> --data-type T`: the stored copy of the source's records. */
export const data: Command = {
  words: ['data'],
  positionals: ['integrationId'],
  options: {
    ...TENANT_OPTION,
    'data-type': { type: 'string', arg: 'T', help: 'the data type to list (e.g. contacts); all types when omitted' },
    limit: { type: 'string', arg: 'N', help: 'at most N records (1-1000, default 50)' },
    'include-deleted': { type: 'boolean', help: 'also list records marked deleted' },
    ...JSON_OPTION,
  },
  summary: 'List the records synced from an integration.',
  description: 'With --json, prints {"data": [...], "nextCursor": ...} as GET /api/integrations/{id}/data answers.',
  async run(ctx, values, [integrationId]) {
    const limit = intOption(values, 'limit', 1000) ?? 50;
    const { app } = await ctx.stack();
    const i = await findIntegration(app, ctx.dataDir, integrationId, values.tenant as string | undefined);
    const page = await app.records.list(i.id, { dataType: values['data-type'] as string | undefined, limit, includeDeleted: Boolean(values['include-deleted']) });
    const views = page.items.map(recordView);
    if (values.json) {
      ctx.io.out(json({ data: views, nextCursor: page.nextCursor }));
      return 0;
    }
    if (!views.length) ctx.io.out('No records.');
    else {
      const width = Math.max(40, (process.stdout.columns ?? 160) - 80);
      ctx.io.out(
        table(
          ['DATA TYPE', 'ID', 'SOURCE UPDATED', 'LAST SYNC', 'DATA'],
          views.map((v) => [v.dataType, v.externalId + (v.deleted ? ' (deleted)' : ''), v.sourceUpdatedAt ?? '-', v.lastSync, clip(JSON.stringify(v.data), width)]),
        ),
      );
    }
    if (page.nextCursor) ctx.io.out(`(more: raise --limit)`);
    return 0;
  },
};
