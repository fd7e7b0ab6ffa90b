import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  GetTableMetadataCommand,
  InvalidRequestException,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
  TooManyRequestsException,
  type GetQueryResultsOutput,
} from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import { HttpClient } from '../../shared/http/client';
import { createSalesPro, salesproSpec, SalesProConfigSchema } from '../../shared/connectors/salespro';
import { convertValue, isHeaderRow } from '../../shared/connectors/salespro/convert';
import { SourceError, ValidationError } from '../../shared/errors';
import { createLogger } from '../../shared/log';
import { readStream } from '../helpers/read';

/**
 * Athena has no local server, so its SDK client is mocked (aws-sdk-client-mock) with the response shapes of
 * shared/api-facts/athena.md; everything of ours runs for real.
 */
const athena = mockClient(AthenaClient);
const connector = createSalesPro({ sleep: async () => {} });

const config = () =>
  SalesProConfigSchema.parse({
    region: 'us-east-1',
    database: 'salespro_export',
    workgroup: 'switchboard',
    outputLocation: 's3://acme-athena-results/salespro/',
    catalog: 'AwsDataCatalog',
    lookbackMinutes: 0,
  }) as unknown as Record<string, unknown>;

type Col = [name: string, type: string];
const CUSTOMER_COLS: Col[] = [
  ['customer_id', 'varchar'],
  ['first_name', 'varchar'],
  ['balance', 'decimal'],
  ['visits', 'integer'],
  ['is_active', 'boolean'],
  ['updated_at', 'timestamp'],
];

function column([name, type]: Col) {
  return { CatalogName: 'hive', SchemaName: '', TableName: '', Name: name, Label: name, Type: type, Precision: 0, Scale: 0, Nullable: 'UNKNOWN', CaseSensitive: type === 'varchar' };
}
function row(cells: Array<string | null>) {
  return { Data: cells.map((c) => (c === null ? {} : { VarCharValue: c })) };
}
function resultPage(cols: Col[], rows: Array<Array<string | null>>, opts: { header?: boolean; next?: string } = {}): GetQueryResultsOutput {
  const data = rows.map(row);
  if (opts.header) data.unshift(row(cols.map(([n]) => n)));
  return {
    UpdateCount: 0,
    ResultSet: { ResultSetMetadata: { ColumnInfo: cols.map(column) as never }, Rows: data },
    ...(opts.next ? { NextToken: opts.next } : {}),
  };
}

function succeed(id = 'q-1') {
  athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: id });
  athena
    .on(GetQueryExecutionCommand)
    .resolvesOnce({ QueryExecution: { QueryExecutionId: id, Status: { State: 'QUEUED' } } })
    .resolvesOnce({ QueryExecution: { QueryExecutionId: id, Status: { State: 'RUNNING' } } })
    .resolves({ QueryExecution: { QueryExecutionId: id, Status: { State: 'SUCCEEDED' } } });
}

/** What the data catalog lists for a table (GetTableMetadata). */
function catalog(table: string, cols: string[], partitionKeys: string[] = []) {
  athena.on(GetTableMetadataCommand, { TableName: table }).resolves({
    TableMetadata: { Name: table, TableType: 'EXTERNAL_TABLE', Columns: cols.map((Name) => ({ Name, Type: 'string' })), PartitionKeys: partitionKeys.map((Name) => ({ Name, Type: 'string' })) },
  });
}

beforeEach(() => {
  athena.reset();
  catalog('customers', CUSTOMER_COLS.map(([n]) => n));
  catalog('estimates', ['estimate_id', 'total', 'updated_at']);
});

describe('Connector: salespro', () => {
  describe('spec', () => {
    it('offers the four SalesPro data types and marks the secret key write-only in the catalog', () => {
      expect(salesproSpec.dataTypes()).toEqual(['credit_applications', 'customers', 'estimates', 'lead_results']);
      const schema = JSON.stringify(SalesProConfigSchema.toJSONSchema ? SalesProConfigSchema.toJSONSchema() : {});
      expect(schema).toMatch(/"secretAccessKey":\{[^}]*"writeOnly":true/);
    });

    it('declares the 15-minute timeout and exactly the Athena, Glue and S3 actions it needs', () => {
      expect(salesproSpec.deploy.timeout).toBe(900);
      const actions = salesproSpec.deploy.iamStatements.flatMap((s) => s.Action).sort();
      expect(actions).toEqual(
        [
          'athena:GetQueryExecution', 'athena:GetQueryResults', 'athena:GetTableMetadata', 'athena:StartQueryExecution', 'athena:StopQueryExecution',
          'glue:GetDatabase', 'glue:GetPartitions', 'glue:GetTable',
          's3:AbortMultipartUpload', 's3:GetBucketLocation', 's3:GetObject', 's3:ListBucket', 's3:PutObject',
        ].sort(),
      );
    });

    it('rejects an access key without its secret', () => {
      expect(SalesProConfigSchema.safeParse({ ...config(), accessKeyId: 'AKIAEXAMPLEEXAMPLE00' }).success).toBe(false);
    });
  });

  describe('full sync', () => {
    it('runs one query, polls until SUCCEEDED and pages all results, skipping the repeated header row', async () => {
      succeed('q-full');
      athena
        .on(GetQueryResultsCommand, { QueryExecutionId: 'q-full', NextToken: undefined })
        .resolves(resultPage(CUSTOMER_COLS, [
          ['c-1', 'Ann', '10.50', '3', 'true', '2024-03-01 10:00:00.000'],
          ['c-2', 'Bob', '0.00', '0', 'false', '2024-03-02 11:30:00.000'],
        ], { header: true, next: 'tok-2' }))
        .on(GetQueryResultsCommand, { QueryExecutionId: 'q-full', NextToken: 'tok-2' })
        .resolves(resultPage(CUSTOMER_COLS, [['c-3', 'Cy', '99999999999999999.99', '12', 'true', '2024-02-01 08:00:00.000']]));

      const res = await readStream(connector, config(), 'customers');

      expect(res.records.map((r) => r.id)).toEqual(['c-1', 'c-2', 'c-3']);
      expect(res.records[0]).toEqual({
        id: 'c-1',
        data: { customer_id: 'c-1', first_name: 'Ann', balance: '10.50', visits: 3, is_active: true, updated_at: '2024-03-01T10:00:00.000Z' },
        updatedAt: '2024-03-01T10:00:00.000Z',
      });
      expect(res.pages).toHaveLength(2);
      expect(res.pages[0].cursor).toEqual({ hwm: '2024-03-02T11:30:00.000Z', since: null, queryExecutionId: 'q-full', nextToken: 'tok-2' });
      expect(res.cursor).toEqual({ hwm: '2024-03-02T11:30:00.000Z' });

      const start = athena.commandCalls(StartQueryExecutionCommand);
      expect(start).toHaveLength(1);
      expect(start[0].args[0].input).toEqual({
        QueryString: 'SELECT * FROM "customers"',
        QueryExecutionContext: { Database: 'salespro_export', Catalog: 'AwsDataCatalog' },
        WorkGroup: 'switchboard',
        ResultConfiguration: { OutputLocation: 's3://acme-athena-results/salespro/' },
      });
      expect(athena.commandCalls(GetQueryExecutionCommand)).toHaveLength(3);
      const pages = athena.commandCalls(GetQueryResultsCommand).map((c) => c.args[0].input);
      expect(pages).toEqual([
        { QueryExecutionId: 'q-full', MaxResults: 1000 },
        { QueryExecutionId: 'q-full', NextToken: 'tok-2', MaxResults: 1000 },
      ]);
    });

    it('keeps the first row when it is data, not a repeat of the column names', async () => {
      succeed();
      athena.on(GetQueryResultsCommand).resolves(resultPage(CUSTOMER_COLS, [
        ['c-9', 'Dee', '1.00', '1', 'true', '2024-03-01 10:00:00.000'],
        ['c-10', 'Eve', '2.00', '2', 'false', '2024-03-01 10:00:00.000'],
      ]));
      const res = await readStream(connector, config(), 'customers');
      expect(res.records.map((r) => r.id)).toEqual(['c-9', 'c-10']);
    });

    it('reads NULL cells ({} or missing at the end of a row) as null and rejects rows without an id', async () => {
      succeed();
      athena.on(GetQueryResultsCommand).resolves({
        ResultSet: {
          ResultSetMetadata: { ColumnInfo: CUSTOMER_COLS.map(column) as never },
          Rows: [
            row(CUSTOMER_COLS.map(([n]) => n)),
            { Data: [{ VarCharValue: 'c-1' }, {}, {}, { VarCharValue: '4' }] },
            row([null, 'Nobody', null, null, null, null]),
          ],
        },
      });
      const res = await readStream(connector, config(), 'customers');
      expect(res.records).toEqual([
        { id: 'c-1', data: { customer_id: 'c-1', first_name: null, balance: null, visits: 4, is_active: null, updated_at: null }, updatedAt: undefined },
      ]);
      expect(res.rejected).toEqual([{ reason: 'no customer_id' }]);
    });

    it('fails the run with Athena\'s StateChangeReason when the query FAILED', async () => {
      athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-bad' });
      athena.on(GetQueryExecutionCommand).resolves({
        QueryExecution: {
          QueryExecutionId: 'q-bad',
          Status: { State: 'FAILED', StateChangeReason: "TABLE_NOT_FOUND: line 1:15: Table 'awsdatacatalog.salespro_export.estimates' does not exist" },
        },
      });
      const err = await readStream(connector, config(), 'estimates').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SourceError);
      expect((err as SourceError).code).toBe('query_failed');
      expect((err as Error).message).toContain("TABLE_NOT_FOUND: line 1:15: Table 'awsdatacatalog.salespro_export.estimates' does not exist");
      expect(athena.commandCalls(GetQueryResultsCommand)).toHaveLength(0);
    });

    it('retries StartQueryExecution after TooManyRequestsException, then succeeds', async () => {
      succeed('q-retry');
      athena
        .on(StartQueryExecutionCommand)
        .rejectsOnce(new TooManyRequestsException({ message: 'Too many queries', Reason: 'CONCURRENT_QUERY_LIMIT_EXCEEDED', $metadata: {} }))
        .rejectsOnce(new TooManyRequestsException({ message: 'Too many queries', Reason: 'CONCURRENT_QUERY_LIMIT_EXCEEDED', $metadata: {} }))
        .resolves({ QueryExecutionId: 'q-retry' });
      athena.on(GetQueryResultsCommand).resolves(resultPage(CUSTOMER_COLS, [['c-1', 'A', '1', '1', 'true', '2024-01-01 00:00:00.000']], { header: true }));
      const res = await readStream(connector, config(), 'customers');
      expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(3);
      expect(res.records.map((r) => r.id)).toEqual(['c-1']);
    });

    it('gives up on throttling after a bounded number of retries with a rate-limit error', async () => {
      athena.on(StartQueryExecutionCommand).rejects(new TooManyRequestsException({ message: 'Too many queries', Reason: 'CONCURRENT_QUERY_LIMIT_EXCEEDED', $metadata: {} }));
      const err = await readStream(connector, config(), 'customers').catch((e: unknown) => e);
      expect((err as SourceError).code).toBe('rate_limited');
      expect((err as Error).message).toMatch(/^Rate Limit Exceeded: .*CONCURRENT_QUERY_LIMIT_EXCEEDED/);
      expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(7);
    });

    it('stops a query that runs past its time budget', async () => {
      const slow = createSalesPro({ sleep: async () => {}, maxQueryWaitMs: 1_000 });
      athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-slow' });
      athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { QueryExecutionId: 'q-slow', Status: { State: 'RUNNING' } } });
      athena.on(StopQueryExecutionCommand).resolves({});
      const err = await readStream(slow, config(), 'customers').catch((e: unknown) => e);
      expect((err as SourceError).code).toBe('query_timeout');
      expect(athena.commandCalls(StopQueryExecutionCommand)[0].args[0].input).toEqual({ QueryExecutionId: 'q-slow' });
    });
  });

  describe('incremental sync', () => {
    it('binds the high-water mark through ExecutionParameters, never in the SQL text', async () => {
      succeed();
      athena.on(GetQueryResultsCommand).resolves(resultPage(CUSTOMER_COLS, [['c-5', 'E', '1', '1', 'true', '2024-03-05 09:00:00.000']], { header: true }));
      const res = await readStream(connector, config(), 'customers', { mode: 'incremental', cursor: { hwm: '2024-03-02T11:30:00.000Z' } });
      const input = athena.commandCalls(StartQueryExecutionCommand)[0].args[0].input;
      expect(input.QueryString).toBe('SELECT * FROM "customers" WHERE "updated_at" >= CAST(? AS timestamp)');
      expect(input.ExecutionParameters).toEqual(["'2024-03-02 11:30:00.000'"]);
      expect(res.cursor).toEqual({ hwm: '2024-03-05T09:00:00.000Z' });
    });

    it('starts the lookback window before the high-water mark and keeps the mark when nothing is new', async () => {
      succeed();
      athena.on(GetQueryResultsCommand).resolves(resultPage(CUSTOMER_COLS, [], { header: true }));
      const res = await readStream(connector, { ...config(), lookbackMinutes: 10 }, 'customers', { mode: 'incremental', cursor: { hwm: '2024-03-02T11:30:00.000Z' } });
      expect(athena.commandCalls(StartQueryExecutionCommand)[0].args[0].input.ExecutionParameters).toEqual(["'2024-03-02 11:20:00.000'"]);
      expect(res.records).toEqual([]);
      expect(res.cursor).toEqual({ hwm: '2024-03-02T11:30:00.000Z' });
    });

    it('lets ctx.since override the stored cursor, and refuses a since that is not a date', async () => {
      succeed();
      athena.on(GetQueryResultsCommand).resolves(resultPage(CUSTOMER_COLS, [], { header: true }));
      await readStream(connector, config(), 'customers', { mode: 'incremental', cursor: { hwm: '2024-03-02T11:30:00.000Z' }, since: '2023-12-31T00:00:00Z' });
      expect(athena.commandCalls(StartQueryExecutionCommand)[0].args[0].input.ExecutionParameters).toEqual(["'2023-12-31 00:00:00.000'"]);

      const err = await readStream(connector, config(), 'customers', { since: "2024-01-01' OR 1=1 --" }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ValidationError);
    });
  });

  describe('resume', () => {
    it('continues paging the same query from its NextToken without starting a new one', async () => {
      athena.on(GetQueryResultsCommand, { QueryExecutionId: 'q-old', NextToken: 'tok-7' }).resolves(
        // A data row that happens to follow a page boundary is never mistaken for a header.
        resultPage(CUSTOMER_COLS, [['c-7', 'G', '1', '1', 'true', '2024-03-09 00:00:00.000']]),
      );
      const res = await readStream(connector, config(), 'customers', {
        resuming: true,
        cursor: { hwm: '2024-03-08T00:00:00.000Z', since: null, queryExecutionId: 'q-old', nextToken: 'tok-7' },
      });
      expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(0);
      expect(res.records.map((r) => r.id)).toEqual(['c-7']);
      expect(res.cursor).toEqual({ hwm: '2024-03-09T00:00:00.000Z' });
    });

    it('runs the query again from its lower bound when the old results are gone', async () => {
      athena
        .on(GetQueryResultsCommand, { QueryExecutionId: 'q-gone' })
        .rejects(new InvalidRequestException({ message: 'Query has expired', AthenaErrorCode: 'INVALID_INPUT', $metadata: {} }));
      succeed('q-new');
      athena.on(GetQueryResultsCommand, { QueryExecutionId: 'q-new' }).resolves(resultPage(CUSTOMER_COLS, [['c-8', 'H', '1', '1', 'true', '2024-03-09 00:00:00.000']], { header: true }));
      const res = await readStream(connector, config(), 'customers', {
        mode: 'incremental',
        resuming: true,
        cursor: { hwm: '2024-03-08T00:00:00.000Z', since: '2024-03-01T00:00:00.000Z', queryExecutionId: 'q-gone', nextToken: 'tok-3' },
      });
      expect(athena.commandCalls(StartQueryExecutionCommand)[0].args[0].input.ExecutionParameters).toEqual(["'2024-03-01 00:00:00.000'"]);
      expect(res.records.map((r) => r.id)).toEqual(['c-8']);
    });
  });

  describe('table columns', () => {
    const ESTIMATE_COLS: Col[] = [['id', 'varchar'], ['total', 'decimal'], ['modified', 'timestamp']];
    const sqlSent = () => athena.commandCalls(StartQueryExecutionCommand).map((c) => c.args[0].input.QueryString);

    it('defaults to the columns the table has: id when there is no <entity>_id, modified when there is no updated_at', async () => {
      catalog('estimates', ['id', 'total'], ['modified']);
      succeed('q-est');
      athena.on(GetQueryResultsCommand).resolves(resultPage(ESTIMATE_COLS, [['e-1', '10.00', '2024-03-01 10:00:00.000']], { header: true }));

      const res = await readStream(connector, config(), 'estimates', { mode: 'incremental', cursor: { hwm: '2024-03-01T00:00:00.000Z' } });

      expect(res.records).toEqual([{ id: 'e-1', data: { id: 'e-1', total: '10.00', modified: '2024-03-01T10:00:00.000Z' }, updatedAt: '2024-03-01T10:00:00.000Z' }]);
      expect(sqlSent()).toEqual(['SELECT * FROM "estimates" WHERE "modified" >= CAST(? AS timestamp)']);
      expect(athena.commandCalls(GetTableMetadataCommand)[0].args[0].input).toEqual({ CatalogName: 'AwsDataCatalog', DatabaseName: 'salespro_export', TableName: 'estimates' });
    });

    it('uses the configured table and columns once the catalog confirms them', async () => {
      catalog('sp_estimates_v2', ['estimate_key', 'estimate_id', 'changed_on', 'updated_at']);
      succeed('q-cfg');
      const cols: Col[] = [['estimate_key', 'varchar'], ['estimate_id', 'varchar'], ['changed_on', 'timestamp'], ['updated_at', 'timestamp']];
      athena.on(GetQueryResultsCommand).resolves(resultPage(cols, [['k-1', 'e-9', '2024-03-05 00:00:00.000', '2020-01-01 00:00:00.000']]));
      const cfg = { ...config(), tables: { estimates: { table: 'sp_estimates_v2', idColumn: 'estimate_key', updatedAtColumn: 'changed_on' } } };

      const res = await readStream(connector, cfg, 'estimates', { mode: 'incremental', cursor: { hwm: '2024-03-01T00:00:00.000Z' } });

      expect(res.records.map((r) => [r.id, r.updatedAt])).toEqual([['k-1', '2024-03-05T00:00:00.000Z']]);
      expect(sqlSent()).toEqual(['SELECT * FROM "sp_estimates_v2" WHERE "changed_on" >= CAST(? AS timestamp)']);
    });

    it('refuses a configured column the table does not have before running any query', async () => {
      succeed();
      const cfg = { ...config(), tables: { estimates: { idColumn: 'estimate_uuid' } } };

      const err = await readStream(connector, cfg, 'estimates').catch((e: unknown) => e);

      expect(err).toBeInstanceOf(SourceError);
      expect((err as Error).message).toBe('SalesPro table estimates has no column estimate_uuid (the idColumn of tables.estimates); its columns: estimate_id, total, updated_at');
      expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(0);
    });

    it('says which setting to add when the table has neither default id column', async () => {
      catalog('estimates', ['uuid', 'total']);
      const err = await readStream(connector, config(), 'estimates').catch((e: unknown) => e);
      expect((err as Error).message).toMatch(/has neither estimate_id nor id; set tables\.estimates\.idColumn/);
      expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(0);
    });

    it('reads a table without an updated-at column in full, even on an incremental run', async () => {
      catalog('estimates', ['estimate_id', 'total']);
      succeed('q-nots');
      athena.on(GetQueryResultsCommand).resolves(resultPage([['estimate_id', 'varchar'], ['total', 'decimal']], [['e-1', '1.00']]));

      const res = await readStream(connector, config(), 'estimates', { mode: 'incremental', cursor: { hwm: '2024-03-01T00:00:00.000Z' } });

      expect(res.records.map((r) => r.id)).toEqual(['e-1']);
      expect(sqlSent()).toEqual(['SELECT * FROM "estimates"']);
      expect(athena.commandCalls(StartQueryExecutionCommand)[0].args[0].input.ExecutionParameters).toBeUndefined();
    });

    it('refuses names that are not plain identifiers in the config', () => {
      expect(SalesProConfigSchema.safeParse({ ...config(), tables: { estimates: { idColumn: 'id"; DROP TABLE x; --' } } }).success).toBe(false);
      expect(SalesProConfigSchema.safeParse({ ...config(), tables: { invoices: { idColumn: 'id' } } }).success).toBe(false);
    });
  });

  describe('type conversion', () => {
    it('converts each value by its ColumnInfo.Type', () => {
      expect(convertValue('42', 'integer')).toBe(42);
      expect(convertValue('-7', 'bigint')).toBe(-7);
      expect(convertValue('9007199254740993', 'bigint')).toBe('9007199254740993');
      expect(convertValue('2.5', 'double')).toBe(2.5);
      expect(convertValue('NaN', 'double')).toBe('NaN');
      expect(convertValue('1234.50', 'decimal')).toBe('1234.50');
      expect(convertValue('true', 'boolean')).toBe(true);
      expect(convertValue('false', 'boolean')).toBe(false);
      expect(convertValue('2024-02-29', 'date')).toBe('2024-02-29');
      expect(convertValue('2024-02-29 23:59:58.123', 'timestamp')).toBe('2024-02-29T23:59:58.123Z');
      expect(convertValue('2024-02-29 23:59:58.123 UTC', 'timestamp with time zone')).toBe('2024-02-29T23:59:58.123Z');
      expect(convertValue('2024-02-29 01:00:00.000 +02:00', 'timestamp with time zone')).toBe('2024-02-28T23:00:00.000Z');
      expect(convertValue('', 'varchar')).toBe('');
      expect(convertValue('', 'integer')).toBeNull();
      expect(convertValue(undefined, 'varchar')).toBeNull();
      expect(convertValue('{"a":[1,2]}', 'json')).toEqual({ a: [1, 2] });
      expect(convertValue('[1, 2, 3]', 'array')).toEqual([1, 2, 3]);
      expect(convertValue('[north, south]', 'array')).toBe('[north, south]');
      expect(convertValue('{a=1, b=2}', 'map')).toBe('{a=1, b=2}');
    });

    it('recognises the header row only when every cell repeats its column name', () => {
      const cols = [{ Name: 'id', Type: 'varchar' }, { Name: 'name', Type: 'varchar' }];
      expect(isHeaderRow({ Data: [{ VarCharValue: 'id' }, { VarCharValue: 'name' }] }, cols)).toBe(true);
      expect(isHeaderRow({ Data: [{ VarCharValue: 'id' }, { VarCharValue: 'Ann' }] }, cols)).toBe(false);
      expect(isHeaderRow({ Data: [{ VarCharValue: 'id' }] }, cols)).toBe(false);
    });
  });

  describe('connection test', () => {
    const testCtx = (cfg: Record<string, unknown>) => ({ config: cfg as never, http: new HttpClient({ connector: 'salespro', integrationId: 'i' }), log: createLogger(), saveSecrets: async () => {} });

    it('runs SELECT 1 and reports success', async () => {
      succeed('q-test');
      athena.on(GetQueryResultsCommand).resolves(resultPage([['_col0', 'integer']], [['1']], { header: true }));
      const result = await connector.test(testCtx(config()));
      expect(result.ok).toBe(true);
      expect(result.message).toContain('SELECT 1 ran in database "salespro_export"');
      expect(athena.commandCalls(StartQueryExecutionCommand)[0].args[0].input.QueryString).toBe('SELECT 1');
    });

    it('reports a clear failure without leaking the secret key', async () => {
      const cfg = { ...config(), accessKeyId: 'AKIAEXAMPLEEXAMPLE01', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
      const denied = Object.assign(new Error('User: arn:aws:iam::123456789012:user/sp is not authorized to perform: athena:StartQueryExecution'), { name: 'AccessDeniedException', $fault: 'client' });
      athena.on(StartQueryExecutionCommand).rejects(denied);
      const result = await connector.test(testCtx(cfg));
      expect(result.ok).toBe(false);
      expect(result.message).toMatch(/Authentication Failed: .*not authorized to perform: athena:StartQueryExecution/);
      expect(result.message).not.toContain('wJalrXUtnFEMI');
    });
  });
});
