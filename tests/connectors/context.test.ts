import { callrail } from '../../shared/connectors/callrail';
import { parseConfig } from '../../shared/connectors/context';
import { customApi } from '../../shared/connectors/custom-api';
import { ValidationError } from '../../shared/errors';

describe('parseConfig: the stored config becomes the connector’s typed config once', () => {
  it('fills defaults, nested ones too, so connectors never parse again', () => {
    expect(parseConfig(callrail, { apiKey: 'k', accountId: 'ACC1' })).toEqual({ baseUrl: 'https://api.callrail.com/v3', apiKey: 'k', accountId: 'ACC1', lookbackMinutes: 60 });
    const c = parseConfig(customApi, {
      baseUrl: 'https://api.example.com',
      streams: [{ name: 'orders', path: '/orders', recordsPath: 'data', idPath: 'id', pagination: { kind: 'page' } }],
    }) as { streams: Array<{ pagination: unknown }> };
    expect(c.streams[0].pagination).toEqual({ kind: 'page', param: 'page', size: 100, start: 1, in: 'query' });
  });

  it('refuses a bad config with a 400 naming each field, never echoing a value', () => {
    let err: unknown;
    try {
      parseConfig(callrail, { apiKey: 'secret-value-1', accountId: 'not an id!' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).statusCode).toBe(400);
    expect((err as ValidationError).details).toEqual([{ path: 'accountId', message: expect.any(String) }]);
    expect((err as Error).message).toMatch(/^The CallRail config is not valid: accountId: /);
    expect((err as Error).message).not.toContain('secret-value-1');
  });
});
