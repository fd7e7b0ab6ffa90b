import { activecampaign } from '../../shared/connectors/activecampaign';
import { readStream } from '../helpers/read';
import { makeContacts, startActivecampaignSandbox } from '../sandboxes/activecampaign';
import { restConnectorSuite } from './rest-suite';

const KEY = 'ac-key-0123456789abcdef';

describe('Connector: activecampaign', () => {
  const contacts = makeContacts(250);
  const config = (sb: { url: string }, extra = {}) => ({ baseUrl: `${sb.url}/api/3`, apiKey: KEY, ...extra });
  describe('Stream: contacts', () =>
    restConnectorSuite({
      connector: activecampaign,
      stream: 'contacts',
      resource: 'contacts',
      rows: contacts,
      pageSize: 100,
      start: (records, limit) => startActivecampaignSandbox(KEY, records, limit),
      config,
      secret: 'apiKey',
      touch: (r) => ({ ...r, email: 'changed@example.com', udate: '2024-06-01T00:00:00-05:00' }),
      incrementalParam: 'filters[updated_after]',
      authStatus: 403,
    }));

  it('declares 5 requests a second and filters deals by filters[updated_after] on mdate', async () => {
    expect(activecampaign.rateLimit).toEqual({ requests: 5, windowMs: 1000 });
    const deals = makeContacts(3).map((c) => ({ id: c.id, title: `Deal ${String(c.id)}`, mdate: c.udate }));
    const sb = await startActivecampaignSandbox(KEY, { deals });
    try {
      const r = await readStream(activecampaign, config(sb), 'deals', { mode: 'incremental', cursor: { hwm: '2024-05-01T10:02:00.000Z' } });
      expect(Object.fromEntries(sb.requests[0].query)).toEqual({ 'filters[updated_after]': '2024-05-01T10:01:00+00:00', offset: '0', limit: '100' });
      expect(r.records.map((x) => x.id)).toEqual(['2', '3']);
    } finally {
      await sb.close();
    }
  });
});
