import { AppError } from '../errors';

/**
 * The CLI's two kinds of failure. A `UsageError` is a mistake in the command line (unknown command or option,
 * a bad value): exit code 2 and a hint. A `CliError` is a request that could not be done (no such
 * integration, a failed run): exit code 1. Neither prints a stack trace; anything else is a bug and does.
 */
export class UsageError extends AppError {
  readonly exitCode = 2;
  constructor(
    message: string,
    /** The usage line(s) of the command, printed under the message. */
    readonly usage?: string,
  ) {
    super('usage_error', message, 400);
  }
}

export class CliError extends AppError {
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super('cli_error', message, 422);
    this.exitCode = exitCode;
  }
}
