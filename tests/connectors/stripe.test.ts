import { stripe } from '../../shared/connectors/stripe';
import { readStream } from '../helpers/read';
import { makeStripeRows, startStripeSandbox } from '../sandboxes/stripe';
import type { Row } from '../sandboxes/list-vendor';
import { restConnectorSuite } from './rest-suite';

const KEY = 'sk_test_0123456789abcdef';
let seq = 0;

describe('Connector: stripe', () => {
  const rows = makeStripeRows(250);
  const config = (sb: { url: string }, extra = {}) => ({ baseUrl: `${sb.url}/v1`, apiKey: KEY, ...extra });
  const event = (type: string, object: Row): Row => ({ id: `evt_${String(++seq).padStart(6, '0')}`, object: 'event', type, created: Math.floor(Date.now() / 1000), data: { object } });
  describe('Stream: customers', () =>
    restConnectorSuite({
      connector: stripe,
      stream: 'customers',
      resource: 'customers',
      rows,
      pageSize: 100,
      start: (records, limit) => startStripeSandbox(KEY, { events: [], ...records }, limit),
      config,
      secret: 'apiKey',
      touch: (r) => ({ ...r, email: 'changed@example.com' }),
      // A change is an event: the list itself cannot filter by modification.
      record: (sb, changed) => sb.setRecord('events', event('customer.updated', changed)),
      incrementalParam: 'created[gte]',
    }));

  it('reads invoice changes from their own event types only: never an upcoming-invoice preview (it has no id)', async () => {
    const inv = { id: 'in_000001', object: 'invoice', created: 1714557600, status: 'open' };
    const sb = await startStripeSandbox(KEY, { invoices: [inv], events: [] });
    try {
      const full = await readStream(stripe, config(sb), 'invoices');
      sb.setRecord('events', event('invoice.paid', { ...inv, status: 'paid' }));
      sb.setRecord('events', event('invoice.upcoming', { object: 'invoice', status: 'draft' } as unknown as Row));
      const inc = await readStream(stripe, config(sb), 'invoices', { mode: 'incremental', cursor: full.cursor });
      expect(inc.rejected).toEqual([]);
      expect(inc.records.map((x) => [x.id, x.data.status])).toEqual([['in_000001', 'paid']]);
    } finally {
      await sb.close();
    }
  });

  it('reads changes from the Events API after a full run: updates, deletions, and only the stream’s event types', async () => {
    const sb = await startStripeSandbox(KEY, { customers: rows.slice(0, 5), events: [] });
    try {
      const full = await readStream(stripe, config(sb), 'customers');
      expect(full.records.map((x) => x.id)).toEqual(rows.slice(0, 5).map((r) => String(r.id)).reverse());
      expect(full.records[0].updatedAt).toBeUndefined();
      sb.setRecord('events', event('customer.updated', { ...rows[1], email: 'new@example.com' }));
      sb.setRecord('events', event('customer.deleted', rows[2]));
      sb.setRecord('events', event('customer.subscription.created', { id: 'sub_1', object: 'subscription' }));
      sb.requests.length = 0;
      const inc = await readStream(stripe, config(sb), 'customers', { mode: 'incremental', cursor: full.cursor });
      expect(sb.requests.map((x) => x.path)).toEqual(['/v1/events']);
      expect(sb.requests[0].query.get('types[1]')).toBe('customer.updated');
      expect(inc.records.map((x) => [x.id, x.deleted ?? false, x.data.email])).toEqual([
        [String(rows[2].id), true, rows[2].email],
        [String(rows[1].id), false, 'new@example.com'],
      ]);
    } finally {
      await sb.close();
    }
  });
});
