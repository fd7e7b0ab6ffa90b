import * as z from 'zod';
import { bearerAuth } from '../../http/auth';
import { RecordWithIdSchema, restStream, testConnection, type Incremental, type RestStreamDef } from '../rest';
import type { Connector } from '../types';
import { STRIPE_DATA_TYPES, StripeConfigSchema, stripeSpec, type StripeConfig } from './spec';

/**
 * Stripe lists answer `{object: "list", data, has_more}` newest first, paged with `starting_after=<last id>`.
 * Lists filter only by creation, so a full run reads the list and a later run reads what changed since from
 * `GET /v1/events` (kept 30 days), each event carrying the object as it then was. The mark is when the run
 * started; runs more than 30 days apart miss changes until the next full run.
 */
type StripeType = (typeof STRIPE_DATA_TYPES)[number];

/** `types[0]=charge.captured&types[1]=…`: Stripe's form encoding of the array. */
const types = (prefix: string, names: string[]) => Object.fromEntries(names.map((t, i) => [`types[${i}]`, `${prefix}.${t}`]));

/**
 * Event types whose `data.object` is the data type's object: `charge.*` would bring disputes too, and
 * `invoice.upcoming` carries a preview without an id.
 */
const EVENTS: Record<StripeType, { query: Record<string, string>; deleted?: string }> = {
  customers: { query: types('customer', ['created', 'updated', 'deleted']), deleted: 'customer.deleted' },
  charges: { query: types('charge', ['captured', 'expired', 'failed', 'pending', 'refunded', 'succeeded', 'updated']) },
  invoices: {
    query: types('invoice', ['created', 'deleted', 'finalization_failed', 'finalized', 'marked_uncollectible', 'overdue', 'paid', 'payment_action_required', 'payment_failed', 'payment_succeeded', 'sent', 'updated', 'voided']),
    deleted: 'invoice.deleted',
  },
  // A deleted subscription is a canceled one and stays listed with that status.
  subscriptions: { query: { type: 'customer.subscription.*' } },
};

const paging = { kind: 'keyset', param: 'starting_after', key: 'id', sizeParam: 'limit', size: 100, hasMore: 'has_more', resumeAfterLast: false, in: 'query' } as const;
const since = (field: string): Incremental => ({ field, param: 'created[gte]', in: 'query', format: 'epoch-s', lookbackMs: 300_000, mark: 'run-start' });
const EventSchema = z.looseObject({ type: z.string(), data: z.object({ object: RecordWithIdSchema }) });

export function stripeStreamDef(name: StripeType): RestStreamDef<StripeConfig> {
  const e = EVENTS[name];
  return {
    name,
    path: `/${name}`,
    query: name === 'subscriptions' ? { status: 'all' } : {},
    pagination: paging,
    records: 'data',
    id: 'id',
    recordSchema: RecordWithIdSchema,
    // Listed objects carry no modification time (no such field): a full run never overrides a newer event.
    incremental: since('updated'),
    changes: {
      path: '/events',
      query: e.query,
      pagination: paging,
      records: 'data',
      id: 'data.object.id',
      incremental: since('created'),
      map: (raw) => EventSchema.parse(raw).data.object,
      deleted: (raw) => raw.type === e.deleted,
    },
  };
}

/** `{"error": {"type": "invalid_request_error", "message": "Invalid API Key provided: sk_test_****1234"}}` */
export function describeStripeError(_status: number, body: unknown): string | undefined {
  return z.object({ error: z.object({ message: z.string() }) }).safeParse(body).data?.error.message;
}

export const stripe: Connector<typeof StripeConfigSchema> = {
  ...stripeSpec,
  http: (config) => ({ baseUrl: config.baseUrl, auth: bearerAuth(config.apiKey), headers: { 'stripe-version': '2024-06-20' }, describeError: describeStripeError }),
  streams: () => STRIPE_DATA_TYPES.map((name) => restStream(stripeStreamDef(name))),
  test: (ctx) => testConnection(ctx, { url: '/customers', query: { limit: 1 }, stream: 'test' }),
};
