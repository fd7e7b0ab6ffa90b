import type * as z from 'zod';
import type { Route } from '../../shared/api/router';
import type { App } from '../../shared/services/app';

/** A z.lazy has built its schema once zod cached it on the definition (zod 4's `_cachedInner`); any other schema is built. */
const built = (s: z.ZodType): boolean => {
  const def = (s as unknown as { _zod: { def: { type: string } } })._zod.def;
  return def.type !== 'lazy' || '_cachedInner' in def;
};

type Entry = { routes: (app: App) => Route[] };

/**
 * An HTTP function's init (its module's require, then its route table at the first request) builds no request
 * schema: each is built at its route's first request, as are the schemas only some routes use (issue 14, cold starts).
 */
describe('HTTP functions build their request schemas at first use', () => {
  const shared = ['../../shared/actions/schema', '../../shared/flows/calls/settings', '../../shared/reports/email-config', '../../shared/connectors/paging', '../../shared/validate'];

  it.each(['api', 'api-flows', 'api-bulk'])('%s: no route body or query, nor a shared schema, is built by loading the function and its route table', (name) => {
    jest.isolateModules(() => {
      const { routes } = require(`../../functions/${name}`) as Entry;
      const { inertApp } = require('../../shared/api/route-keys') as typeof import('../../shared/api/route-keys');
      const table = routes(inertApp());
      const schemas = table.flatMap((r) => [r.body, r.query].filter((s): s is z.ZodType => s !== undefined).map((s) => [`${r.method} ${r.path}`, s] as const));
      expect(schemas.length).toBeGreaterThan(0);
      for (const [route, s] of schemas) expect({ route, built: built(s) }).toEqual({ route, built: false });
      for (const path of shared) {
        const exported = Object.entries(require(path) as Record<string, unknown>).filter(([k]) => k.endsWith('Schema'));
        for (const [k, s] of exported) expect({ schema: k, built: built(s as z.ZodType) }).toEqual({ schema: k, built: false });
      }
      // The first request's parse builds its route's schema, and validates as before.
      const [route, first] = schemas[0];
      expect(first.safeParse({ unexpected: 1 }).success).toBe(false);
      expect({ route, built: built(first) }).toEqual({ route, built: true });
    });
  });
});
