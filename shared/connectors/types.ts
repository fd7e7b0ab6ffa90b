import type * as z from 'zod';
import type { Auth } from '../http/auth';
import type { HttpClient, HttpClientOptions } from '../http/client';
import type { RateLimit } from '../http/limiter';
import type { Logger } from '../log';

/**
 * The connector contract. A connector is a declaration (type, config schema with its secret fields marked,
 * data types, rate limit, deploy needs) plus code that reads pages. REST connectors build their streams with
 * `restStream()` from data; SQL, Athena, GraphQL and Sheets implement `read()` directly.
 */

/** A record as the source gives it, already mapped to the shape we store. */
export interface SourceRecord {
  /** The source's id: records are upserts keyed by it. */
  id: string;
  data: Record<string, unknown>;
  /** ISO timestamp of the source's last change, when the source has one (newer wins against webhooks). */
  updatedAt?: string;
  /** The source says this record is gone (archived, deleted). */
  deleted?: boolean;
}

/** A record the connector could not map; counted with its reason, never fails the run. */
export interface RejectedRecord {
  id?: string;
  reason: string;
}

/**
 * One page of a stream. `cursor` is the connector's opaque JSON state *after* this page: the engine stores
 * it only once the page's records are durably written, and hands it back to `read()` to resume.
 * When the stream finishes, the last page's cursor is the starting point of the next incremental run.
 */
export interface Page {
  records: SourceRecord[];
  rejected?: RejectedRecord[];
  cursor: unknown;
  /** Extra figures a connector surfaces in the run stats (e.g. Salesforce's Sforce-Limit-Info). */
  info?: Record<string, unknown>;
}

export type SyncMode = 'full' | 'incremental';

export interface ReadContext<C = Record<string, unknown>> {
  connector: string;
  integrationId: string;
  tenantId: string;
  stream: string;
  /** The integration's config with its secrets opened. */
  config: C;
  mode: SyncMode;
  /** Start point that overrides the stored cursor (an ISO date). */
  since?: string;
  /** True when `cursor` is the position of an interrupted run of the same kind, not a resting cursor. */
  resuming: boolean;
  http: HttpClient;
  log: Logger;
  signal?: AbortSignal;
  /** Re-seals changed secrets (a refreshed OAuth token) on the integration. */
  saveSecrets(patch: Partial<C>): Promise<void>;
}

/** A stream (data type). `read` yields pages; `cursor` is null for a full run from the start. */
export interface Stream<C = Record<string, unknown>> {
  name: string;
  /**
   * False for a list the source may reorder while it is paged (offset paging with no stable sort): a full run
   * can miss a live record, so one it did not see is marked deleted only when the next full run misses it too.
   * Default true.
   */
  stablePaging?: boolean;
  read(ctx: ReadContext<C>, cursor: unknown): AsyncIterable<Page>;
}

export interface TestResult {
  ok: boolean;
  message: string;
}

export interface TestContext<C = Record<string, unknown>> {
  config: C;
  http: HttpClient;
  log: Logger;
  saveSecrets(patch: Partial<C>): Promise<void>;
}

/** Requests allowed per window, per integration: one `{ requests, windowMs }`, or several windows that all hold. */
export type { RateLimit } from '../http/limiter';

/** What a connector needs from AWS beyond the common worker role (e.g. Athena for SalesPro). */
export interface DeployNeeds {
  timeout?: number;
  memorySize?: number;
  iamStatements?: Array<{ Effect: 'Allow'; Action: string[]; Resource: unknown }>;
  /** Its worker connects through a database or SMTP driver, which comes from the drivers layer (serverless.yml). */
  drivers?: true;
}

/** The declaration: everything the API and the catalog need, no drivers. */
export interface ConnectorSpec<S extends z.ZodType = z.ZodType> {
  type: string;
  title: string;
  description: string;
  configSchema: S;
  /** Data types offered; may depend on the config (custom objects, tables). */
  dataTypes(config: z.infer<S>): string[];
  /** Data types the catalog lists before any config exists. */
  defaultDataTypes: string[];
  rateLimit?: RateLimit;
  deploy?: DeployNeeds;
  /** Supports webhooks in (see shared/webhooks). */
  webhooks?: boolean;
  /**
   * Written to by flow actions, never read (Slack, GA4, Datadog): no data types, no sync worker or queue,
   * never scheduled, and a sync request is a 400.
   */
  destinationOnly?: true;
  /** Its records arrive by `POST /api/integrations/{id}/import` (a file): nothing to pull, no worker, never scheduled. */
  imported?: true;
}

/** Whether integrations of the type sync from a source (a worker, a queue, a schedule): not destination-only or imported. */
export const syncsFromSource = (spec: Pick<ConnectorSpec, 'destinationOnly' | 'imported'>): boolean => !spec.destinationOnly && !spec.imported;

/** How the shared HTTP client talks to this source: base URL, auth placement, vendor error text. */
export interface HttpSetup {
  baseUrl?: string;
  auth?: Auth;
  headers?: Record<string, string>;
  describeError?: HttpClientOptions['describeError'];
  retry?: HttpClientOptions['retry'];
  /** Overrides the declared limit (a user-configured API says its own). */
  rateLimit?: RateLimit;
}

export interface Connector<S extends z.ZodType = z.ZodType> extends ConnectorSpec<S> {
  /** Builds the HTTP setup from the opened config; `save` re-seals refreshed tokens. */
  http?(config: z.infer<S>, save: (patch: Partial<z.infer<S>>) => Promise<void>): HttpSetup;
  streams(config: z.infer<S>): Stream<z.infer<S>>[];
  test(ctx: TestContext<z.infer<S>>): Promise<TestResult>;
}
