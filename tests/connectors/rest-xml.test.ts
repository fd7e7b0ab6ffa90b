import * as z from 'zod';
import { customApi } from '../../shared/connectors/custom-api';
import { CustomApiConfigSchema } from '../../shared/connectors/custom-api/spec';
import { XML_READER } from '../../shared/connectors/response';
import { restStream } from '../../shared/connectors/rest';
import type { Connector } from '../../shared/connectors/types';
import { MalformedPageError } from '../../shared/errors';
import { toXml } from '../../shared/xml/xml';
import { readStream } from '../helpers/read';
import { type RunningServer, readBody, startServer, urlOf } from '../sandboxes/kit';

/** 7 orders as an XML API pages them: `<Orders page= more=><Order id=…>…</Order>…</Orders>`, 3 a page. */
const ORDERS = Array.from({ length: 7 }, (_, i) => ({ id: `00${i + 1}`, total: `${10 * (i + 1)}.50`, customer: `Café & Co ${i}` }));
const page = (n: number) => {
  const rows = ORDERS.slice((n - 1) * 3, n * 3);
  const more = n * 3 < ORDERS.length;
  return `<?xml version="1.0" encoding="utf-8"?><ns:Orders xmlns:ns="urn:shop" page="${n}"><ns:More>${more}</ns:More>${rows
    .map((o) => `<ns:Order id="${o.id}"><ns:Total currency="USD">${o.total}</ns:Total><ns:Customer>${o.customer.replace('&', '&amp;')}</ns:Customer></ns:Order>`)
    .join('')}</ns:Orders>`;
};

describe('REST streams with XML responses', () => {
  let server: RunningServer;
  let mode: 'ok' | 'malformed' | 'other-root' = 'ok';
  const bodies: string[] = [];
  const accepts: string[] = [];
  beforeAll(async () => {
    server = await startServer(
      async (req, res) => {
        accepts.push(String(req.headers.accept));
        if (req.method === 'POST') bodies.push(await readBody(req));
        const n = req.method === 'POST' ? Number(/<PageNumber>(\d+)<\/PageNumber>/.exec(bodies.at(-1)!)?.[1]) : Number(urlOf(req).searchParams.get('page'));
        res.writeHead(200, { 'content-type': 'application/xml; charset=utf-8' });
        if (mode === 'malformed') return res.end('<Orders><Order id="1"></Orders>');
        if (mode === 'other-root') return res.end('<Error><Message>maintenance</Message></Error>');
        res.end(page(n));
      },
      (res, err) => res.writeHead(500).end(err.message),
    );
  });
  afterAll(() => server.close());
  beforeEach(() => ((mode = 'ok'), (bodies.length = 0), (accepts.length = 0)));

  const custom = (extra: Record<string, unknown> = {}) =>
    CustomApiConfigSchema.parse({
      baseUrl: server.url,
      streams: [{ name: 'orders', path: '/orders', response: 'xml', recordsPath: 'Orders.Order', idPath: '@id', pagination: { kind: 'page', param: 'page', size: 3, hasMore: 'Orders.More' }, ...extra }],
    }) as unknown as Record<string, unknown>;

  it('reads records at a path into the parsed XML, one or many a page, paging on an XML flag', async () => {
    const r = await readStream(customApi, custom(), 'orders');
    expect(r.pages.map((p) => p.records.length)).toEqual([3, 3, 1]);
    expect(r.records.map((x) => x.id)).toEqual(['001', '002', '003', '004', '005', '006', '007']);
    expect(r.records[6].data).toEqual({ '@id': '007', Total: { '#text': '70.50', '@currency': 'USD' }, Customer: 'Café & Co 6' });
    expect(accepts[0]).toBe('application/xml, text/xml');
  });

  it('reads a page with the container but no record element as an empty page', async () => {
    const r = await readStream(customApi, custom({ recordsPath: 'Orders.Missing', pagination: { kind: 'none' } }), 'orders');
    expect(r.records).toEqual([]);
  });

  it('fails a page that is not well-formed, or lacks the element holding the records, with MalformedPageError', async () => {
    mode = 'malformed';
    await expect(readStream(customApi, custom(), 'orders')).rejects.toThrow(MalformedPageError);
    mode = 'other-root';
    await expect(readStream(customApi, custom(), 'orders')).rejects.toThrow(/has no array at "Orders.Order"/);
  });

  it('posts an encoded XML request body carrying the paging values', async () => {
    const stream = restStream<Record<string, unknown>>({
      name: 'orders',
      method: 'POST',
      path: '/orders',
      headers: { 'content-type': 'application/xml' },
      body: {},
      encode: (body) => toXml({ GetOrders: { '@xmlns': 'urn:shop', Criteria: { PageNumber: body.PageNumber as number } } }),
      response: XML_READER,
      records: 'Orders.Order',
      id: '@id',
      pagination: { kind: 'page', param: 'PageNumber', size: 3, start: 1, in: 'body', hasMore: 'Orders.More' },
    });
    const connector = { type: 'xml_test', title: 'XML test', configSchema: z.object({ baseUrl: z.string() }), streams: () => [stream], http: () => ({ baseUrl: server.url }) } as unknown as Connector;
    const r = await readStream(connector, { baseUrl: server.url } as never, 'orders');
    expect(r.records).toHaveLength(7);
    expect(bodies).toEqual([1, 2, 3].map((n) => `<GetOrders xmlns="urn:shop"><Criteria><PageNumber>${n}</PageNumber></Criteria></GetOrders>`));
  });
});
