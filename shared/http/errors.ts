import { AppError } from '../errors';

/**
 * A notification URL we refuse to call (scheme, or a host resolving to a private/loopback/link-local
 * address). The message never carries the URL: a Slack webhook URL is itself a credential.
 */
export class UndeliverableUrlError extends AppError {
  /** True for a DNS failure, which may pass; false for a refused scheme or address. */
  readonly retryable: boolean;
  constructor(reason: string, retryable = false) {
    super('undeliverable_url', `The notification URL is not deliverable: ${reason}.`, 400, [{ path: 'url', message: reason }]);
    this.retryable = retryable;
  }
}

/** A connection refused because the host is (or resolves to) an internal address. */
export class TargetNotAllowedError extends AppError {
  constructor(host: string) {
    super('target_not_allowed', `${host} is a private, loopback, link-local or reserved address`, 400);
  }
}
