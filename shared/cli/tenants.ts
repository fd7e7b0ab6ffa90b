import { UsageError } from './errors';
import { JSON_OPTION, type Command } from './command';

/** `tenants create <name>`: a tenant and its first API key (shown once; only its hash is stored). */
export const tenantsCreate: Command = {
  words: ['tenants', 'create'],
  positionals: ['name'],
  options: { ...JSON_OPTION },
  summary: 'Create a tenant and its first API key.',
  description: [
    'The API key is shown once: only its SHA-256 hash is stored. Send it as `Authorization: Bearer <key>` to the',
    'API (`npm start`). With --json, prints exactly {"tenantId": "...", "apiKey": "..."} on one line.',
  ].join('\n'),
  async run(ctx, values, [name]) {
    const clean = name.trim();
    if (!clean || clean.length > 200) throw new UsageError('the tenant name must be 1 to 200 characters');
    const { app } = await ctx.stack();
    const { tenantId, apiKey } = await app.tenants.createTenant(clean);
    if (values.json) ctx.io.out(`{"tenantId": ${JSON.stringify(tenantId)}, "apiKey": ${JSON.stringify(apiKey)}}`);
    else {
      ctx.io.out(`Tenant ${JSON.stringify(clean)} created.`);
      ctx.io.out(`  tenant id: ${tenantId}`);
      ctx.io.out(`  API key:   ${apiKey}`);
      ctx.io.out('Keep the key now: it is not stored and cannot be shown again.');
    }
    return 0;
  },
};
