import { generateKeyPairSync } from 'node:crypto';
import { connectorHttp } from '../../shared/connectors/context';
import { googleSheets, GoogleSheetsConfigSchema } from '../../shared/connectors/google-sheets';
import { endRowOf, parseA1, windowA1 } from '../../shared/connectors/google-sheets/a1';
import { MalformedPageError, SourceError } from '../../shared/errors';
import { createLogger } from '../../shared/log';
import { fastSleep, readStream } from '../helpers/read';
import { startGoogleSheetsSandbox, type GoogleSheetsSandbox, type GoogleSheetsSandboxOptions } from '../sandboxes/google-sheets';

const EMAIL = 'switchboard-reader@acme-marketing.iam.gserviceaccount.com';
const keys = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
const otherKeys = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });

const LEADS = [
  ['Lead ID', 'Name', 'Email', 'Phone', 'Source'],
  ['L-1', 'Ann', 'ann@example.com', '555-0101', 'Facebook'],
  ['L-2', 'Bob', 'bob@example.com'],
  [],
  ['L-3', 'Cy', '', '555-0103'],
  ['', 'No Id', 'x@example.com'],
  ['L-4', 'Dee', 'dee@example.com', '555-0104', 'Google', 'beyond the header'],
];
const SPENDS = [
  ['Date', 'Channel', 'Spend', 'Clicks'],
  ['2024-03-01', 'Facebook', '$120.50', '340'],
  ['2024-03-01', 'Google', '$98.00'],
  ['2024-03-02', 'Facebook', '$110.00', '300'],
];

let sandboxes: GoogleSheetsSandbox[] = [];
async function sandbox(extra: Partial<GoogleSheetsSandboxOptions> = {}): Promise<GoogleSheetsSandbox> {
  const sb = await startGoogleSheetsSandbox({
    publicKey: keys.publicKey,
    serviceAccountEmail: EMAIL,
    spreadsheets: {
      'leads-book-1': { Leads: { rows: LEADS } },
      // A grid exactly as tall as its data: the last window is clipped by the grid.
      'spend-book-1': { 'Marketing Spend': { rows: SPENDS, rowCount: 4 } },
      // Data that ends exactly at a window boundary: the next window is past the grid (400 exceeds grid limits).
      'empty-book': { Leads: { rows: [] } },
      'spend-book-2': { Spend: { rows: SPENDS.concat([['2024-03-03', 'Bing', '$5.00', '2']]), rowCount: 5 } },
    },
    ...extra,
  });
  sandboxes.push(sb);
  return sb;
}
afterEach(async () => {
  await Promise.all(sandboxes.map((s) => s.close()));
  sandboxes = [];
});

function config(sb: GoogleSheetsSandbox, over: Record<string, unknown> = {}): Record<string, unknown> {
  return GoogleSheetsConfigSchema.parse({
    baseUrl: sb.url,
    tokenUrl: sb.tokenUrl,
    serviceAccountEmail: EMAIL,
    privateKey: keys.privateKey,
    chunkRows: 2,
    sheets: [
      { dataType: 'marketing_leads', spreadsheetId: 'leads-book-1', range: 'Leads!A:E', idColumn: 'Lead ID' },
      { dataType: 'marketing_spends', spreadsheetId: 'spend-book-1', range: "'Marketing Spend'!A1:D" },
      { dataType: 'spends_archive', spreadsheetId: 'spend-book-2', range: 'Spend' },
    ],
    ...over,
  }) as unknown as Record<string, unknown>;
}

function testCtx(cfg: Record<string, unknown>) {
  const save = async () => {};
  return { config: cfg as never, http: connectorHttp(googleSheets, cfg, { integrationId: `t-${Math.random()}`, save, sleep: fastSleep }), log: createLogger(), saveSecrets: save };
}

describe('Connector: google_sheets', () => {
  describe('catalog', () => {
    it('marks privateKey write-only and offers the configured sheets as data types', async () => {
      const schema = GoogleSheetsConfigSchema.toJSONSchema() as { properties: Record<string, Record<string, unknown>> };
      expect(schema.properties.privateKey.writeOnly).toBe(true);
      expect(schema.properties.serviceAccountEmail.writeOnly).toBeUndefined();
      expect(googleSheets.defaultDataTypes).toEqual(['marketing_leads', 'marketing_spends']);
      const sb = await sandbox();
      expect(googleSheets.dataTypes(config(sb) as never)).toEqual(['marketing_leads', 'marketing_spends', 'spends_archive']);
      expect(googleSheets.rateLimit).toEqual({ requests: 60, windowMs: 60_000 });
    });

    it('refuses two sheets with the same data type', () => {
      const sheet = { dataType: 'marketing_leads', spreadsheetId: 'x1', range: 'A' };
      expect(GoogleSheetsConfigSchema.safeParse({ serviceAccountEmail: EMAIL, privateKey: 'k', sheets: [sheet, sheet] }).success).toBe(false);
    });
  });

  describe('connection test', () => {
    it('reads each header row and reports success', async () => {
      const sb = await sandbox();
      const result = await googleSheets.test(testCtx(config(sb)));
      expect(result).toEqual({ ok: true, message: `Connected as ${EMAIL}: read the header row of marketing_leads (5 columns), marketing_spends (4 columns), spends_archive (4 columns).` });
    });

    it('reports Authentication Failed for a key the account does not have, and for a key that is not a key', async () => {
      const sb = await sandbox();
      const wrong = await googleSheets.test(testCtx(config(sb, { privateKey: otherKeys.privateKey })));
      expect(wrong.ok).toBe(false);
      expect(wrong.message).toMatch(/^Authentication Failed: token endpoint \/token answered 400 \(invalid_grant\)/);
      expect(sb.stats.valuesRequests).toBe(0);

      const garbage = await googleSheets.test(testCtx(config(sb, { privateKey: '-----BEGIN PRIVATE KEY-----\nnot-a-key\n-----END PRIVATE KEY-----' })));
      expect(garbage).toEqual({ ok: false, message: 'Authentication Failed: the service account privateKey is not a valid PEM private key' });
    });
  });

  describe('full sync', () => {
    it('reads a sheet in row windows, keyed by the id column, with uneven rows filled with null', async () => {
      const sb = await sandbox();
      const res = await readStream(googleSheets, config(sb), 'marketing_leads');
      expect(res.records).toEqual([
        { id: 'L-1', data: { 'Lead ID': 'L-1', Name: 'Ann', Email: 'ann@example.com', Phone: '555-0101', Source: 'Facebook' } },
        { id: 'L-2', data: { 'Lead ID': 'L-2', Name: 'Bob', Email: 'bob@example.com', Phone: null, Source: null } },
        { id: 'L-3', data: { 'Lead ID': 'L-3', Name: 'Cy', Email: '', Phone: '555-0103', Source: null } },
        { id: 'L-4', data: { 'Lead ID': 'L-4', Name: 'Dee', Email: 'dee@example.com', Phone: '555-0104', Source: 'Google' } },
      ]);
      expect(res.rejected).toEqual([{ id: 'row 6', reason: 'row 6 has no Lead ID' }]);
      expect(sb.stats.ranges).toEqual(["'Leads'!A1:E1", "'Leads'!A2:E3", "'Leads'!A4:E5", "'Leads'!A6:E7", "'Leads'!A8:E9"]);
      expect(res.pages.map((p) => p.cursor)).toEqual([
        { nextRow: 4, header: LEADS[0] },
        { nextRow: 6, header: LEADS[0] },
        { nextRow: 8, header: LEADS[0] },
        { complete: true },
      ]);
    });

    it('uses the 1-based sheet row number as the id without an id column, ending where the grid is clipped', async () => {
      const sb = await sandbox();
      const res = await readStream(googleSheets, config(sb), 'marketing_spends');
      expect(res.records.map((r) => r.id)).toEqual(['2', '3', '4']);
      expect(res.records[1].data).toEqual({ Date: '2024-03-01', Channel: 'Google', Spend: '$98.00', Clicks: null });
      expect(sb.stats.ranges).toEqual(["'Marketing Spend'!A1:D1", "'Marketing Spend'!A2:D3", "'Marketing Spend'!A4:D5"]);
      expect(res.cursor).toEqual({ complete: true });
    });

    it('ends cleanly when the next window starts past the grid', async () => {
      const sb = await sandbox();
      const res = await readStream(googleSheets, config(sb), 'spends_archive');
      expect(res.records.map((r) => r.id)).toEqual(['2', '3', '4', '5']);
      expect(sb.stats.ranges).toEqual(["'Spend'!1:1", "'Spend'!2:3", "'Spend'!4:5", "'Spend'!6:7"]);
      expect(res.cursor).toEqual({ complete: true });
    });

    it('reads everything again on the next run (no change cursor) and resumes an interrupted run at its next row', async () => {
      const sb = await sandbox();
      const again = await readStream(googleSheets, config(sb), 'marketing_spends', { mode: 'incremental', cursor: { complete: true } });
      expect(again.records).toHaveLength(3);

      sb.stats.ranges.length = 0;
      const resumed = await readStream(googleSheets, config(sb), 'marketing_leads', { resuming: true, cursor: { nextRow: 6, header: LEADS[0] } });
      expect(resumed.records.map((r) => r.id)).toEqual(['L-4']);
      expect(sb.stats.ranges[0]).toBe("'Leads'!A6:E7");
    });

    it('gives no records for an empty range (no values key in the answer)', async () => {
      const sb = await sandbox();
      const cfg = config(sb, { sheets: [{ dataType: 'marketing_leads', spreadsheetId: 'empty-book', range: 'Leads!A:E' }] });
      const res = await readStream(googleSheets, cfg, 'marketing_leads');
      expect(res.records).toEqual([]);
      expect(res.cursor).toEqual({ complete: true });
      expect(sb.stats.ranges).toEqual(["'Leads'!A1:E1"]);
    });

    it('fails clearly when the id column is not in the header', async () => {
      const sb = await sandbox();
      const cfg = config(sb, { sheets: [{ dataType: 'marketing_leads', spreadsheetId: 'leads-book-1', range: 'Leads!A:E', idColumn: 'Lead Id' }] });
      await expect(readStream(googleSheets, cfg, 'marketing_leads')).rejects.toThrow(/idColumn "Lead Id" is not in the header row/);
    });
  });

  describe('auth', () => {
    it('signs one RS256 JWT with the documented claims and caches its token across requests', async () => {
      const sb = await sandbox();
      const res = await readStream(googleSheets, config(sb), 'marketing_leads');
      expect(res.records).toHaveLength(4);
      expect(sb.stats.valuesRequests).toBe(5);
      expect(sb.stats.tokenRequests).toBe(1);
      const claims = sb.stats.claims[0] as { iss: string; scope: string; aud: string; iat: number; exp: number };
      expect(claims).toMatchObject({ iss: EMAIL, scope: 'https://www.googleapis.com/auth/spreadsheets.readonly', aud: sb.tokenUrl });
      expect(claims.exp - claims.iat).toBe(3600);
    });

    it('gets a new token once when the sandbox revokes the old one (401 → refresh → retry)', async () => {
      const sb = await sandbox();
      sb.revokeAfter(2);
      const res = await readStream(googleSheets, config(sb), 'marketing_leads');
      expect(res.records.map((r) => r.id)).toEqual(['L-1', 'L-2', 'L-3', 'L-4']);
      expect(sb.stats.unauthorized).toBe(1);
      expect(sb.stats.tokenRequests).toBe(2);
    });
  });

  describe('errors', () => {
    it('waits out a 429 RESOURCE_EXHAUSTED with Retry-After and completes', async () => {
      const sb = await sandbox({ perMinute: 2, windowMs: 1000, retryAfterSeconds: 1 });
      const res = await readStream(googleSheets, config(sb), 'marketing_leads');
      expect(res.records).toHaveLength(4);
      expect(sb.stats.http429).toBeGreaterThanOrEqual(1);
      expect(res.stats.http429).toBe(sb.stats.http429);
    });

    it('retries 5xx answers', async () => {
      const sb = await sandbox();
      sb.failNext(2, 503);
      const res = await readStream(googleSheets, config(sb), 'marketing_spends');
      expect(res.records).toHaveLength(3);
      expect(res.stats.retries).toBe(2);
    });

    it('throws MalformedPageError on a body that is not a ValueRange', async () => {
      const sb = await sandbox();
      sb.setMalformed(true);
      await expect(readStream(googleSheets, config(sb), 'marketing_spends')).rejects.toBeInstanceOf(MalformedPageError);
    });

    it("describes Google's error body", async () => {
      const sb = await sandbox();
      const cfg = config(sb, { sheets: [{ dataType: 'marketing_leads', spreadsheetId: 'no-such-book', range: 'Leads!A:E' }] });
      const err = await readStream(googleSheets, cfg, 'marketing_leads').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SourceError);
      expect((err as Error).message).toMatch(/^Endpoint Not Found: .*answered 404 \(NOT_FOUND: Requested entity was not found\.\)$/);
      expect((err as Error).message).not.toContain('PRIVATE KEY');
    });
  });

  describe('A1 ranges', () => {
    it('parses the forms a sheet config uses and builds row windows', () => {
      expect(parseA1('Leads')).toEqual({ sheet: 'Leads', startRow: 1 });
      expect(parseA1("'Bob''s Leads'!B3:G")).toEqual({ sheet: "Bob's Leads", startCol: 'B', endCol: 'G', startRow: 3, endRow: undefined });
      expect(parseA1('Leads!A1:F500')).toMatchObject({ startRow: 1, endRow: 500 });
      expect(parseA1('Leads!A1:500')).toBeUndefined();
      expect(windowA1(parseA1("'Bob''s Leads'!B3:G")!, 4, 1003)).toBe("'Bob''s Leads'!B4:G1003");
      expect(endRowOf("'Marketing Spend'!A4:D4")).toBe(4);
    });
  });
});
