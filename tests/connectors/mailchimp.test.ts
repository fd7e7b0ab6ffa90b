import { mailchimp } from '../../shared/connectors/mailchimp';
import { parseConfig } from '../../shared/connectors/context';
import { readStream } from '../helpers/read';
import { makeMembers, startMailchimpSandbox } from '../sandboxes/mailchimp';
import { restConnectorSuite } from './rest-suite';

const KEY = '0123456789abcdef0123456789abcdef-us6';

describe('Connector: mailchimp', () => {
  const members = makeMembers(2100, 'L1');
  const config = (sb: { url: string }, extra = {}) => ({ baseUrl: `${sb.url}/3.0`, apiKey: KEY, ...extra });
  describe('Stream: members', () =>
    restConnectorSuite({
      connector: mailchimp,
      stream: 'members',
      resource: 'lists/L1/members',
      extra: { lists: [{ id: 'L1', name: 'Customers' }], campaigns: [] },
      rows: members,
      pageSize: 1000,
      start: (records, limit) => startMailchimpSandbox(KEY, records, limit),
      config,
      secret: 'apiKey',
      idOf: (r) => `L1:${String(r.id)}`,
      touch: (r) => ({ ...r, status: 'unsubscribed', last_changed: '2024-06-01T00:00:00+00:00' }),
      incrementalParam: 'since_last_changed',
    }));

  it('reads every audience’s members, ids unique across audiences, and takes the host from the key', async () => {
    const sb = await startMailchimpSandbox(KEY, { lists: [{ id: 'L1' }, { id: 'L2' }], 'lists/L1/members': makeMembers(3, 'L1'), 'lists/L2/members': makeMembers(2, 'L2') });
    try {
      const r = await readStream(mailchimp, config(sb), 'members');
      expect(r.records.map((x) => x.id)).toEqual([...makeMembers(3, 'L1').map((m) => `L1:${String(m.id)}`), ...makeMembers(2, 'L2').map((m) => `L2:${String(m.id)}`)]);
      expect(sb.requests.map((x) => x.path)).toEqual(['/3.0/lists', '/3.0/lists/L1/members', '/3.0/lists/L2/members']);
      expect((await readStream(mailchimp, config(sb), 'lists')).records).toHaveLength(2);
    } finally {
      await sb.close();
    }
    expect(mailchimp.http!(parseConfig(mailchimp, { apiKey: KEY }) as never, async () => {}).baseUrl).toBe('https://us6.api.mailchimp.com/3.0');
    expect(() => parseConfig(mailchimp, { apiKey: 'no-data-centre' })).toThrow(/data centre/);
  });
});
