import { SourceError } from '../../errors';
import { where, type DbSettings } from './settings';

/** Network failures from any driver (tedious nests the socket error; node gives `code`). */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH']);

export function errorCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let i = 0; e && i < 4; i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return code;
    e = (e as { originalError?: unknown; cause?: unknown }).originalError ?? (e as { cause?: unknown }).cause;
  }
  const top = (err as { code?: unknown } | null)?.code;
  return typeof top === 'string' ? top : undefined;
}

/** Drivers do not put passwords in messages, but a message is never trusted with one. */
export function scrubSecret(text: string, s: DbSettings): string {
  return s.password && s.password.length >= 3 ? text.split(s.password).join('***') : text;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function authFailed(s: DbSettings, port?: number): SourceError {
  return new SourceError('auth_failed', `Authentication Failed: the ${s.dialect} server at ${where(s, port)} rejected the credentials of user "${s.username ?? ''}"`);
}

export function configError(msg: string): SourceError {
  return new SourceError('config_error', msg);
}

/** Connection refused, DNS, timeouts: "Could not connect to host:port". Anything else: the driver's text, scrubbed. */
export function genericConnectionError(err: unknown, s: DbSettings, port?: number): SourceError {
  const code = errorCode(err);
  if (code && NETWORK_CODES.has(code)) {
    return new SourceError('connection_failed', `Could not connect to ${where(s, port)} (${code})`, { retryable: true });
  }
  if (/timeout|timed out/i.test(message(err))) {
    return new SourceError('connection_failed', `Could not connect to ${where(s, port)} (timed out)`, { retryable: true });
  }
  return new SourceError('connection_failed', `Could not connect to ${where(s, port)}: ${scrubSecret(message(err), s)}`);
}

/** A failed SELECT (permissions, a dropped table): names the table, keeps the driver's reason. */
export function queryError(err: unknown, s: DbSettings, table: string): SourceError {
  if (err instanceof SourceError) return err;
  return new SourceError('query_failed', `Reading table "${table}" failed: ${scrubSecret(message(err), s)}`, {
    retryable: NETWORK_CODES.has(errorCode(err) ?? ''),
  });
}
