import type { ErrorDetail } from '../errors';
import type { HttpClient } from '../http/client';
import type { TransformContext } from '../mapping/template';

/**
 * The write side of a connector: how a flow puts mapped records into a target system. A destination gets the
 * target integration's own HTTP client (its rate limit, token refresh and retries) and a batch of records.
 */
export interface FlowTarget {
  integrationId: string;
  object?: string;
  path?: string;
  method?: 'POST' | 'PUT' | 'PATCH';
}

export interface DeliveryItem {
  sourceId: string;
  /** The mapped target fields. */
  payload: Record<string, unknown>;
  /** The target record this source record reached before (from the ledger): update it, never create another. */
  targetId?: string;
  /** The source record's data (a REST path may name its fields). */
  data: Record<string, unknown>;
}

/** `none`: a flow without a target (actions only) wrote nothing. */
export type DeliveryResult =
  | { ok: true; targetId: string | null; action: 'created' | 'updated' | 'skipped' | 'none' }
  | { ok: false; reason: string; retryable: boolean };

export interface DeliveryContext {
  http: HttpClient;
  /** The target integration's parsed config (e.g. Salesforce's apiVersion); never logged. */
  config: Record<string, unknown>;
  target: FlowTarget;
  /** Target fields that identify an existing record: found → update, not found → create; empty → always create. */
  match: string[];
  onExisting: 'update' | 'skip';
  /** What the flow's templates render in (its country and zone): a REST target's path. */
  render: TransformContext;
}

export interface Destination {
  /** The integration type this destination writes to. */
  type: string;
  /** Records per call, as the vendor allows. */
  batchSize: number;
  /** What a flow must say for this target (checked at create time); problems name the field (`target.object`). */
  checkTarget(target: FlowTarget, flow: { match: string[]; onExisting: 'update' | 'skip' }): ErrorDetail[];
  /** Results in the order of `items`. A whole-call failure throws (the runner isolates the bad records). */
  deliver(ctx: DeliveryContext, items: DeliveryItem[]): Promise<DeliveryResult[]>;
  /** Adds a note to each target record; per note, undefined when added, else the vendor's reason. */
  addNotes?(ctx: DeliveryContext, notes: Note[]): Promise<(string | undefined)[]>;
}

export interface Note {
  targetId: string;
  title?: string;
  body: string;
}
