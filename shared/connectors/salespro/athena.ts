import { createHash } from 'node:crypto';
import type * as Athena from '@aws-sdk/client-athena';
import { SourceError } from '../../errors';
import { backoffMs, defaultSleep } from '../../backoff';
import type { RateLimit } from '../../http/limiter';
import type { HttpLimits } from '../../http/limits';
import { redact } from '../../log';
import type { Logger } from '../../log';
import { ResultsPageSchema, TableMetadataSchema } from './convert';
import { MalformedPageError } from '../../errors';
import type { SalesProConfig } from './spec';

type AthenaClient = Athena.AthenaClient;
/** Required at the first query, not at init: the Athena client is ~70 ms of a cold start that may never query. */
const sdk = (): typeof Athena => require('@aws-sdk/client-athena');

/** Test seams; production uses the defaults. */
export interface AthenaDeps {
  createClient?: (config: SalesProConfig) => AthenaClient;
  sleep?: (ms: number) => Promise<void>;
  /** Longest we wait for one query before stopping it (Lambda stops at 15 minutes). */
  maxQueryWaitMs?: number;
}

const clients = new Map<string, AthenaClient>();

/** One client per region/endpoint/credentials, kept at module scope so warm Lambdas reuse connections. */
export function defaultAthenaClient(config: SalesProConfig): AthenaClient {
  const key = createHash('sha256')
    .update([config.region, config.endpoint ?? '', config.accessKeyId ?? '', config.secretAccessKey ?? '', config.sessionToken ?? ''].join('\n'))
    .digest('hex');
  let client = clients.get(key);
  if (!client) {
    if (config.secretAccessKey) redact(config.secretAccessKey);
    if (config.sessionToken) redact(config.sessionToken);
    client = new (sdk().AthenaClient)({
      region: config.region,
      endpoint: config.endpoint,
      // The SDK retries throttles a few times itself; our own bounded loop below covers longer bursts.
      maxAttempts: 3,
      credentials:
        config.accessKeyId && config.secretAccessKey
          ? { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey, sessionToken: config.sessionToken }
          : undefined,
    });
    clients.set(key, client);
  }
  return client;
}

const THROTTLES = new Set(['TooManyRequestsException', 'ThrottlingException']);
const AUTH = new Set(['AccessDeniedException', 'UnrecognizedClientException', 'InvalidSignatureException', 'ExpiredTokenException', 'InvalidClientTokenId', 'CredentialsProviderError']);
const MAX_THROTTLE_RETRIES = 6;

interface AwsError {
  name?: string;
  message?: string;
  $fault?: string;
  AthenaErrorCode?: string;
  Reason?: string;
}

/** An AWS SDK error as a SourceError naming the operation; AWS messages carry no secrets, we scrub anyway. */
export function toSourceError(err: unknown, where: string): SourceError {
  if (err instanceof SourceError) return err;
  const e = (err ?? {}) as AwsError;
  const name = e.name ?? 'Error';
  const detail = [name, e.AthenaErrorCode ?? e.Reason, e.message].filter(Boolean).join(': ');
  if (AUTH.has(name)) return new SourceError('auth_failed', `Authentication Failed: ${where} (${detail})`);
  if (THROTTLES.has(name)) return new SourceError('rate_limited', `Rate Limit Exceeded: ${where} (${detail})`, { retryable: true });
  const server = e.$fault === 'server';
  return new SourceError(server ? 'source_unavailable' : 'source_error', `Request failed: ${where} (${detail})`, { retryable: server });
}

export interface QueryOutcome {
  queryExecutionId: string;
}

/**
 * Runs Athena calls for one integration: its declared rate limit, bounded retries with full-jitter backoff on
 * TooManyRequestsException (e.g. CONCURRENT_QUERY_LIMIT_EXCEEDED), errors that say which call failed.
 */
export class AthenaRunner {
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly maxWaitMs: number;

  constructor(
    private readonly client: AthenaClient,
    private readonly config: SalesProConfig,
    private readonly opts: { limits: HttpLimits; limiterKey: string; rate: RateLimit; log: Logger; signal?: AbortSignal; deps: AthenaDeps },
  ) {
    this.sleep = opts.deps.sleep ?? defaultSleep;
    this.maxWaitMs = opts.deps.maxQueryWaitMs ?? 13 * 60_000;
  }

  private async call<T>(op: string, fn: () => Promise<T>): Promise<T> {
    const limiter = this.opts.limits.limiter(this.opts.limiterKey, this.opts.rate);
    for (let attempt = 0; ; attempt++) {
      await limiter.acquire();
      try {
        return await fn();
      } catch (err) {
        const name = (err as AwsError | null)?.name ?? '';
        if (THROTTLES.has(name) && attempt < MAX_THROTTLE_RETRIES) {
          const wait = backoffMs(attempt, { baseMs: 500, maxMs: 20_000 });
          this.opts.log.warn('athena throttled, retrying', { op, attempt, waitMs: Math.round(wait), reason: (err as AwsError).Reason });
          await this.sleep(wait);
          continue;
        }
        throw toSourceError(err, `salespro athena ${op}`);
      }
    }
  }

  /** StartQueryExecution, then GetQueryExecution with backoff until SUCCEEDED. */
  async run(sql: string, params: string[] | undefined): Promise<QueryOutcome> {
    const started = await this.call('StartQueryExecution', () =>
      this.client.send(
        new (sdk().StartQueryExecutionCommand)({
          QueryString: sql,
          QueryExecutionContext: { Database: this.config.database, Catalog: this.config.catalog },
          WorkGroup: this.config.workgroup,
          ResultConfiguration: { OutputLocation: this.config.outputLocation },
          ExecutionParameters: params && params.length ? params : undefined,
        }),
      ),
    );
    const id = started.QueryExecutionId;
    if (!id) throw new MalformedPageError('salespro athena StartQueryExecution: no QueryExecutionId in the response');
    await this.waitFor(id);
    return { queryExecutionId: id };
  }

  private async waitFor(id: string): Promise<void> {
    let waited = 0;
    for (let poll = 0; ; poll++) {
      const res = await this.call('GetQueryExecution', () => this.client.send(new (sdk().GetQueryExecutionCommand)({ QueryExecutionId: id })));
      const status = res.QueryExecution?.Status;
      const state = status?.State;
      if (state === 'SUCCEEDED') return;
      if (state === 'FAILED' || state === 'CANCELLED') {
        const reason = status?.StateChangeReason ?? status?.AthenaError?.ErrorMessage ?? 'no reason given';
        throw new SourceError('query_failed', `SalesPro Athena query ${state === 'FAILED' ? 'failed' : 'was cancelled'}: ${reason}`, {
          retryable: status?.AthenaError?.Retryable === true,
        });
      }
      if (this.opts.signal?.aborted || waited >= this.maxWaitMs) {
        await this.stop(id);
        throw new SourceError('query_timeout', `SalesPro Athena query ${id} still ${state ?? 'pending'} after ${Math.round(waited / 1000)} s; stopped it`, {
          retryable: true,
        });
      }
      // Short first polls for small queries, then up to 5 s apart for long ones.
      const wait = backoffMs(poll, { baseMs: 200, maxMs: 5_000, factor: 1.5, jitter: false });
      await this.sleep(wait);
      waited += wait;
    }
  }

  private async stop(id: string): Promise<void> {
    try {
      await this.call('StopQueryExecution', () => this.client.send(new (sdk().StopQueryExecutionCommand)({ QueryExecutionId: id })));
    } catch (err) {
      this.opts.log.warn('could not stop athena query', { queryExecutionId: id, error: err as Error });
    }
  }

  /**
   * The table's column names from the data catalog (Glue behind AwsDataCatalog), partition keys included:
   * what the configured or default column names are checked against before the first query.
   */
  async columns(table: string): Promise<string[]> {
    const res = await this.call('GetTableMetadata', () =>
      this.client.send(new (sdk().GetTableMetadataCommand)({ CatalogName: this.config.catalog ?? 'AwsDataCatalog', DatabaseName: this.config.database, TableName: table })),
    );
    const parsed = TableMetadataSchema.safeParse(res);
    if (!parsed.success) throw new MalformedPageError(`salespro athena GetTableMetadata: unexpected shape for table ${table} (${parsed.error.issues[0]?.message ?? 'invalid'})`);
    const t = parsed.data.TableMetadata;
    return [...t.Columns, ...t.PartitionKeys].map((c) => c.Name);
  }

  /** One GetQueryResults page (1000 rows, the API's maximum), parsed. */
  async page(id: string, nextToken: string | undefined) {
    const res = await this.call('GetQueryResults', () =>
      this.client.send(new (sdk().GetQueryResultsCommand)({ QueryExecutionId: id, NextToken: nextToken, MaxResults: 1000 })),
    );
    const parsed = ResultsPageSchema.safeParse(res);
    if (!parsed.success) throw new MalformedPageError(`salespro athena GetQueryResults: unexpected result shape (${parsed.error.issues[0]?.message ?? 'invalid'})`);
    return parsed.data;
  }
}
