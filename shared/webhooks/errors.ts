import { AppError } from '../errors';

/** Every failed verification answers this, whichever check failed: a prober learns nothing. */
export class InvalidSignatureError extends AppError {
  constructor() {
    super('invalid_signature', 'The request could not be authenticated.', 401);
  }
}

/** An event that can never be applied (unknown type, no id): logged as failed, not retried. */
export class UnappliableEventError extends AppError {
  constructor(reason: string) {
    super('unappliable_event', reason, 422);
  }
}
