import { pipedrive } from '../../shared/connectors/pipedrive';
import { readStream } from '../helpers/read';
import { makePipedriveRows, startPipedriveSandbox } from '../sandboxes/pipedrive';
import { restConnectorSuite } from './rest-suite';

const TOKEN = 'pd-token-0123456789abcdef';

describe('Connector: pipedrive', () => {
  const rows = makePipedriveRows(1100);
  const config = (sb: { url: string }, extra = {}) => ({ baseUrl: `${sb.url}/api/v2`, apiToken: TOKEN, ...extra });
  for (const type of ['deals', 'persons']) {
    describe(`Stream: ${type}`, () =>
      restConnectorSuite({
        connector: pipedrive,
        stream: type,
        resource: type,
        rows,
        pageSize: 500,
        start: (records, limit) => startPipedriveSandbox(TOKEN, records, limit),
        config,
        secret: 'apiToken',
        touch: (r) => ({ ...r, name: 'changed', update_time: '2024-06-01T00:00:00Z' }),
        incrementalParam: 'updated_since',
      }));
  }

  it('sends the v2 wire format: x-api-token, limit 500, update_time ascending, updated_since as RFC 3339', async () => {
    const sb = await startPipedriveSandbox(TOKEN, { activities: rows.slice(0, 3) });
    try {
      const r = await readStream(pipedrive, config(sb), 'activities', { mode: 'incremental', cursor: { hwm: '2024-05-01T10:01:00.000Z' } });
      expect(r.records.map((x) => x.id)).toEqual(['1', '2', '3']);
      expect(Object.fromEntries(sb.requests[0].query)).toEqual({ sort_by: 'update_time', sort_direction: 'asc', limit: '500', updated_since: '2024-05-01T10:00:00.000Z' });
      expect(r.records[2].updatedAt).toBe('2024-05-01T10:02:00.000Z');
    } finally {
      await sb.close();
    }
  });
});
