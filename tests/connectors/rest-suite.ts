import { connectorHttp, parseConfig } from '../../shared/connectors/context';
import type { Connector } from '../../shared/connectors/types';
import { MalformedPageError } from '../../shared/errors';
import { createLogger } from '../../shared/log';
import { readStream } from '../helpers/read';
import type { ListSandbox, Row } from '../sandboxes/list-vendor';

/**
 * The checks every seed-003 REST connector passes against its sandbox: wire format and paging end, full,
 * incremental, resume after a crash mid-stream, 401, 429 with the vendor's headers, 5xx and a malformed page.
 */
export interface RestCase {
  connector: Connector;
  stream: string;
  /** The sandbox's resource key for the stream. */
  resource: string;
  /** Records in the stream: more than one page of the connector's size. */
  rows: Row[];
  pageSize: number;
  start(records: Record<string, Row[]>, limit?: { perWindow?: number; windowMs?: number }): Promise<ListSandbox>;
  config(sb: ListSandbox, extra?: Record<string, unknown>): Record<string, unknown>;
  /** The secret field, to send a wrong one. */
  secret: string;
  /** Other resources the sandbox needs (a parent's records). */
  extra?: Record<string, Row[]>;
  /** The record after a change, with a newer modification time (default: stored as the list's row). */
  touch(row: Row): Row;
  /** Records the change in the sandbox where the vendor would (Stripe: as an event). */
  record?(sb: ListSandbox, changed: Row): void;
  /** The record id the connector stores for a row (default String(row.id)). */
  idOf?(row: Row): string;
  /** What the incremental request must carry. */
  incrementalParam: string;
  /** Unauthorized answers with this status. */
  authStatus?: number;
}

export function restConnectorSuite(c: RestCase): void {
  let sb: ListSandbox;
  const idOf = c.idOf ?? ((r: Row) => String(r.id));
  const start = async (limit?: { perWindow?: number; windowMs?: number }) => {
    sb = await c.start({ ...c.extra, [c.resource]: c.rows }, limit);
  };
  afterEach(() => sb?.close());
  const pages = Math.ceil(c.rows.length / c.pageSize);
  const connectionTest = (raw: Record<string, unknown>) => {
    const config = parseConfig(c.connector, raw);
    const http = connectorHttp(c.connector, config, { integrationId: `t-${Math.random()}`, save: async () => {}, sleep: async () => {} });
    return c.connector.test({ config, http, log: createLogger(), saveSecrets: async () => {} });
  };

  it('full: reads every record, one request a page, and stops on the vendor’s last-page signal', async () => {
    await start();
    const r = await readStream(c.connector, c.config(sb), c.stream);
    expect(r.records.map((x) => x.id).sort()).toEqual(c.rows.map(idOf).sort());
    expect(new Set(r.records.map((x) => x.id)).size).toBe(c.rows.length);
    expect(sb.requests.filter((x) => x.path.endsWith(c.resource)).length).toBe(pages);
    expect(r.pages.map((p) => p.records.length)[0]).toBe(c.pageSize);
  });

  it('incremental: asks from the mark and gets what changed', async () => {
    await start();
    const full = await readStream(c.connector, c.config(sb), c.stream);
    const changed = c.touch(c.rows[3]);
    if (c.record) c.record(sb, changed);
    else sb.setRecord(c.resource, changed);
    sb.requests.length = 0;
    const inc = await readStream(c.connector, c.config(sb), c.stream, { mode: 'incremental', cursor: full.cursor });
    expect(inc.records.map((x) => x.id)).toContain(idOf(changed));
    expect(inc.records.length).toBeLessThan(c.rows.length / 2);
    expect(sb.requests.some((x) => x.query.has(c.incrementalParam))).toBe(true);
  });

  it('resumes after a crash mid-stream from the last checkpoint, without re-reading the first page', async () => {
    await start();
    const first = await readStream(c.connector, c.config(sb), c.stream, { maxPages: 1 });
    const firstCount = sb.requests.length;
    const rest = await readStream(c.connector, c.config(sb), c.stream, { cursor: first.cursor, resuming: true });
    const all = [...first.records, ...rest.records].map((x) => x.id);
    expect(new Set(all)).toEqual(new Set(c.rows.map(idOf)));
    // No record twice: the resumed run started after the checkpointed page.
    expect(all.length).toBe(c.rows.length);
    expect(sb.requests.length - firstCount).toBeGreaterThanOrEqual(pages - 1);
  });

  it('fails with the seed’s auth message and the vendor text, never the secret, on a wrong credential; the connection test says so too', async () => {
    await start();
    const bad = 'wrong-secret-00000000';
    const err = await readStream(c.connector, c.config(sb, { [c.secret]: bad }), c.stream).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    // The seed's wording: 401 "Authentication Failed", 403 "Invalid API Key".
    expect((err as Error).message).toMatch(/^(Authentication Failed|Invalid API Key)/);
    expect((err as Error).message).not.toContain(bad);
    expect(sb.requests.at(-1)!.status).toBe(c.authStatus ?? 401);
    expect(await connectionTest(c.config(sb, { [c.secret]: bad }))).toEqual({ ok: false, message: expect.not.stringContaining(bad) });
    expect(await connectionTest(c.config(sb))).toEqual({ ok: true, message: 'Connection successful' });
  });

  it('waits out a 429 in the vendor’s form and continues', async () => {
    // Stricter than any declared limit, so the sandbox refuses what the limiter lets through.
    await start({ perWindow: 1, windowMs: 300 });
    const r = await readStream(c.connector, c.config(sb), c.stream);
    expect(r.records).toHaveLength(c.rows.length);
    expect(sb.requests.some((x) => x.status === 429)).toBe(true);
    expect(r.stats.http429).toBeGreaterThanOrEqual(1);
  });

  it('retries a 5xx, then succeeds', async () => {
    await start();
    sb.failNext(2, 503);
    const r = await readStream(c.connector, c.config(sb), c.stream);
    expect(r.records).toHaveLength(c.rows.length);
    expect(r.stats.retries).toBe(2);
  });

  it('throws MalformedPageError on a page without its records array', async () => {
    await start();
    sb.malformedNext(1);
    await expect(readStream(c.connector, c.config(sb), c.stream)).rejects.toBeInstanceOf(MalformedPageError);
  });
}
