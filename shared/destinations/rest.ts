import { compileTemplate, TemplateError } from '../mapping/template';
import type { DeliveryContext, DeliveryItem, DeliveryResult, Destination } from './types';

/**
 * Any REST endpoint as a flow target (a `custom_api` integration: its base URL, auth and rate limit): one
 * POST/PUT/PATCH per record with the mapped payload as the JSON body, e.g. a Zapier catch hook. The path may
 * name source fields (`/contacts/${Id}`). The target id is the response's `id` (or `data.id`) when it has one.
 * REST endpoints have no batch or search contract, so a record is matched only through the ledger.
 */
const idOf = (body: unknown): string | null => {
  const b = body as { id?: unknown; data?: { id?: unknown } } | null;
  const id = b && typeof b === 'object' ? (b.id ?? b.data?.id) : undefined;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : null;
};

export const restDestination: Destination = {
  type: 'custom_api',
  batchSize: 1,

  checkTarget(t) {
    const problems = [];
    if (!t.path) problems.push({ path: 'target.path', message: 'a REST target needs a path, e.g. /hooks/catch/123' });
    if (!t.method) problems.push({ path: 'target.method', message: 'a REST target needs method POST, PUT or PATCH' });
    if (t.path) {
      try {
        compileTemplate(t.path);
      } catch (err) {
        if (!(err instanceof TemplateError)) throw err;
        problems.push({ path: 'target.path', message: err.message });
      }
    }
    return problems;
  },

  async deliver(ctx: DeliveryContext, items: DeliveryItem[]): Promise<DeliveryResult[]> {
    const path = compileTemplate(ctx.target.path!);
    const out: DeliveryResult[] = [];
    for (const it of items) {
      const url = String(path.render(it.data, ctx.render) ?? '');
      const res = await ctx.http.request({ method: ctx.target.method, url, body: it.payload, stream: 'flow' });
      out.push({ ok: true, targetId: idOf(res.body) ?? it.targetId ?? null, action: it.targetId ? 'updated' : 'created' });
    }
    return out;
  },
};
