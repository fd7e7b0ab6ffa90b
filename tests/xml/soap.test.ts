import { MalformedPageError, SourceError } from '../../shared/errors';
import { HttpClient } from '../../shared/http/client';
import { operation, readFault, soapCall, wsseUsernameToken } from '../../shared/xml/soap';
import { asArray, parseXml, toXml } from '../../shared/xml/xml';
import { startServer } from '../sandboxes/kit';
import { readEnvelope, sendFault, sendSoap } from '../sandboxes/soap-kit';

describe('Module: xml', () => {
  it('parses without namespace prefixes, keeps every value a string and reads lists with asArray', () => {
    const doc = parseXml('<?xml version="1.0"?><a:r xmlns:a="urn:x"><id>007</id><n k="1">t &amp; u</n><i>1</i></a:r>');
    expect(doc).toEqual({ r: { id: '007', n: { '#text': 't & u', '@k': '1' }, i: '1' } });
    expect(asArray((doc.r as Record<string, unknown>).i)).toEqual(['1']);
    expect(asArray('')).toEqual([]);
  });

  it('refuses what is not one well-formed element, and any DOCTYPE (entity expansion)', () => {
    expect(() => parseXml('<a><b></a>')).toThrow(MalformedPageError);
    expect(() => parseXml('not xml')).toThrow(MalformedPageError);
    expect(() => parseXml('<!DOCTYPE a [<!ENTITY x "xx">]><a>&x;</a>')).toThrow(/DOCTYPE is refused/);
  });

  it('writes element content with every text escaped and lists repeated', () => {
    expect(toXml({ criteria: [{ field: 'n', value: '<9%&"' }, { field: 'm', value: undefined }] })).toBe(
      '<criteria><field>n</field><value>&lt;9%&amp;&quot;</value></criteria><criteria><field>m</field></criteria>',
    );
  });
});

describe('Module: soap', () => {
  it('reads SOAP 1.1 faults by their detail element and SOAP 1.2 faults by code', () => {
    const v11 = '<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body><e:Fault><faultcode>e:Server</faultcode><faultstring>Limit</faultstring><detail><ns2:OperationsLimitExceededFault xmlns:ns2="urn:f"><message>Limit</message></ns2:OperationsLimitExceededFault></detail></e:Fault></e:Body></e:Envelope>';
    const v12 = '<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body><e:Fault><e:Code><e:Value>wsse:FailedAuthentication</e:Value></e:Code><e:Reason><e:Text xml:lang="en">Bad user</e:Text></e:Reason></e:Fault></e:Body></e:Envelope>';
    expect(readFault(v11)).toEqual({ name: 'OperationsLimitExceededFault', message: 'Limit' });
    expect(readFault(v12)).toEqual({ name: 'FailedAuthentication', message: 'Bad user' });
    expect(readFault('<e:Envelope xmlns:e="x"><e:Body><ok/></e:Body></e:Envelope>')).toBeUndefined();
  });

  describe('Function: soapCall', () => {
    let answer: (res: import('node:http').ServerResponse) => void;
    const seen: Array<{ headers: Record<string, unknown>; header: Record<string, unknown>; operation: string }> = [];
    let server: Awaited<ReturnType<typeof startServer>>;
    beforeAll(async () => {
      server = await startServer(
        async (req, res) => {
          const env = await readEnvelope(req);
          seen.push({ headers: req.headers, header: env!.header, operation: env!.operation });
          answer(res);
        },
        (res, err) => sendFault(res, 'Server', err.message),
      );
    });
    afterAll(() => server.close());
    beforeEach(() => (seen.length = 0));
    const http = () => new HttpClient({ connector: 'vendor', integrationId: `soap-${Math.random()}`, baseUrl: server.url, sleep: async () => {} });

    it('posts an envelope with the WS-Security token and answers the Body content', async () => {
      answer = (res) => sendSoap(res, 200, '<ns2:pingResponse xmlns:ns2="urn:v"><return>pong</return></ns2:pingResponse>');
      const body = await soapCall({ http: http(), url: '/svc', header: wsseUsernameToken('vendor', 's3cret-pw') }, 'ping', operation('urn:v', 'ping', toXml({ a: '1' })));
      expect(body).toEqual({ pingResponse: { return: 'pong' } });
      expect(seen[0].operation).toBe('ping');
      expect(seen[0].headers).toMatchObject({ 'content-type': 'text/xml;charset=UTF-8', soapaction: '""' });
      expect(seen[0].header).toEqual({ Security: { '@mustUnderstand': '1', UsernameToken: { Username: 'vendor', Password: { '#text': 's3cret-pw', '@Type': expect.stringContaining('#PasswordText') } } } });
    });

    it('turns a WS-Security fault into a 401 auth_failed, tried once', async () => {
      answer = (res) => sendFault(res, 'wsse:FailedAuthentication', 'The security token could not be authenticated');
      const err = await soapCall({ http: http(), url: '/svc' }, 'ping', '<ping/>').catch((e) => e);
      expect(err).toBeInstanceOf(SourceError);
      expect(err).toMatchObject({ code: 'auth_failed', status: 401, retryable: false });
      expect(err.message).toMatch(/^Authentication Failed: vendor ping answered fault FailedAuthentication/);
      expect(seen).toHaveLength(1);
    });

    it('retries a fault its vendor calls retryable, then throws it with its code', async () => {
      answer = (res) => sendFault(res, 'Server', 'busy', '<Busy/>');
      const client = new HttpClient({ connector: 'vendor', integrationId: 'r', baseUrl: server.url, retry: { maxRetries: 2 }, sleep: async () => {} });
      const err = await soapCall({ http: client, url: '/svc', faults: { Busy: { code: 'busy', retryable: true } } }, 'ping', '<ping/>').catch((e) => e);
      expect(err).toMatchObject({ code: 'busy', retryable: true, status: 500 });
      expect(seen).toHaveLength(3);
      expect(client.stats.retries).toBe(2);
    });

    it('fails a 200 whose Body is missing or not XML as a malformed page', async () => {
      answer = (res) => res.writeHead(200, { 'content-type': 'text/xml' }).end('<html>oops');
      await expect(soapCall({ http: http(), url: '/svc' }, 'ping', '<ping/>')).rejects.toBeInstanceOf(MalformedPageError);
      answer = (res) => res.writeHead(200, { 'content-type': 'text/xml' }).end('<Envelope/>');
      await expect(soapCall({ http: http(), url: '/svc' }, 'ping', '<ping/>')).rejects.toThrow(/no SOAP Body/);
    });
  });
});
