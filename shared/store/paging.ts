import { ValidationError } from '../errors';

/** Opaque page cursors for API clients: the store's LastEvaluatedKey, base64url JSON. */
export function encodeCursor(key: Record<string, unknown> | undefined): string | null {
  return key ? Buffer.from(JSON.stringify(key)).toString('base64url') : null;
}

/** `pk`: the partition the cursor must belong to (a cursor from another listing is a client error, not a 500). */
export function decodeCursor(cursor: string | undefined, pk?: string): Record<string, unknown> | undefined {
  if (!cursor) return undefined;
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (v && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string' || typeof x === 'number') && (!pk || v.PK === pk)) return v;
  } catch {
    /* reported below */
  }
  throw new ValidationError('The cursor is not valid.', [{ path: 'cursor', message: 'not a cursor returned by this API' }]);
}
