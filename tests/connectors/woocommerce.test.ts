import { woocommerce } from '../../shared/connectors/woocommerce';
import { readStream } from '../helpers/read';
import { makeWooRows, startWoocommerceSandbox } from '../sandboxes/woocommerce';
import { restConnectorSuite } from './rest-suite';

const CK = 'ck_0123456789abcdef';
const CS = 'cs_fedcba9876543210';

describe('Connector: woocommerce', () => {
  const rows = makeWooRows(250);
  const config = (sb: { url: string }, extra = {}) => ({ baseUrl: `${sb.url}/wp-json/wc/v3`, consumerKey: CK, consumerSecret: CS, ...extra });
  for (const type of ['orders', 'products']) {
    describe(`Stream: ${type}`, () =>
      restConnectorSuite({
        connector: woocommerce,
        stream: type,
        resource: type,
        rows,
        pageSize: 100,
        start: (records, limit) => startWoocommerceSandbox(CK, CS, records, limit),
        config,
        secret: 'consumerSecret',
        touch: (r) => ({ ...r, status: 'completed', date_modified_gmt: '2024-06-01T00:00:00' }),
        incrementalParam: 'modified_after',
      }));
  }

  it('pages by X-WP-TotalPages, filters by modified_after in GMT, and reads customers in full', async () => {
    const sb = await startWoocommerceSandbox(CK, CS, { orders: rows, customers: rows.slice(0, 100) });
    try {
      const inc = await readStream(woocommerce, config(sb), 'orders', { mode: 'incremental', cursor: { hwm: '2024-05-01T13:00:00.000Z' } });
      expect(Object.fromEntries(sb.requests[0].query)).toMatchObject({ orderby: 'modified', order: 'asc', dates_are_gmt: 'true', status: 'any', modified_after: '2024-05-01T12:59:00', per_page: '100', page: '1' });
      expect(inc.records[0].id).toBe('880');
      // 100 customers fill exactly one page: the total page count ends it without asking for an empty page.
      sb.requests.length = 0;
      const customers = await readStream(woocommerce, config(sb), 'customers', { mode: 'incremental', cursor: { hwm: '2030-01-01T00:00:00.000Z' } });
      expect(customers.records).toHaveLength(100);
      expect(sb.requests.map((x) => x.query.get('modified_after'))).toEqual([null]);
    } finally {
      await sb.close();
    }
  });
});
