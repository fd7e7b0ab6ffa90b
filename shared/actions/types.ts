import { SourceError } from '../errors';
import type { HttpClient } from '../http/client';
import type { Mailer } from '../mail/types';
import { scrub } from '../log';
import type { OptOutStore } from './opt-out';
import type { Action, ActionType } from './schema';

/** What a sender gets: the action's integration (its own client: base URL, auth, rate limit, retries) and the step's identity. */
export interface SendContext {
  http: HttpClient;
  /** Email actions: the `smtp` or `sendgrid` integration's mailer (shared/mail). */
  mailer?: Mailer;
  /** The integration's parsed config with its secrets opened; never logged. */
  config: Record<string, unknown>;
  integrationId: string;
  /** The same for every attempt at this record's step, so a receiver can dedupe. */
  deliveryId: string;
  now: () => number;
  optOuts: OptOutStore;
}

/**
 * A step's result. `failed` + `retryable` (the vendor unreachable, its 429 budget spent) is tried again the next
 * time the record is processed; any other result is final.
 */
export type ActionOutcome =
  | { status: 'sent'; id?: string }
  | { status: 'failed'; reason: string; retryable: boolean }
  | { status: 'skipped'; reason: string }
  | { status: 'deferred'; until: number; reason: string };

export interface ActionSender<A extends Action = Action> {
  type: ActionType;
  /** Record values as the sender wants them in a field's templates (Slack escapes &, < and > in mrkdwn; email escapes HTML in `html`). */
  prepare?(data: Record<string, unknown>, field: string): Record<string, unknown>;
  send(ctx: SendContext, action: A, fields: Record<string, unknown>): Promise<ActionOutcome>;
}

/** A vendor's refusal as a step result: the client's message (secrets scrubbed), retryable as the client judged it. */
export function failure(err: unknown): ActionOutcome {
  if (!(err instanceof SourceError)) throw err;
  return { status: 'failed', reason: scrub(err.message), retryable: err.retryable };
}

export const str = (v: unknown): string | undefined => (v === undefined || v === null ? undefined : typeof v === 'string' ? v : JSON.stringify(v));

/**
 * An action's step for one source record, kept in the record's ledger entry (`actions.<step name>`), so
 * `GET /api/flows/{id}/deliveries` shows each step's result beside the target write's.
 * `sending` is a claim: a worker that dies mid-send leaves it, and the step is never tried again (a text or a
 * message sent twice is worse than one not sent; the run that finds it reports it).
 */
export interface ActionStep {
  status: 'sending' | 'sent' | 'failed' | 'skipped' | 'deferred';
  /** When this state was written (ISO); the fence of the next write. */
  at: string;
  attempts: number;
  /** The vendor's id of what was sent (Twilio's message SID, a webhook response's id). */
  id?: string;
  reason?: string;
  /** `failed` only: tried again the next time a run processes the record. */
  retryable?: boolean;
  /** `deferred` only: when it is due (ISO). */
  until?: string;
}

/** A run's figures per action step: records sent, failed, skipped (opt-out, quiet hours…), deferred, filtered by `when`, done before. */
export type ActionFigures = { sent: number; failed: number; skipped: number; deferred: number; filtered: number; done: number };
