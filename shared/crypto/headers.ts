/** Headers as API Gateway v2 (lower-cased, duplicates comma-joined), node:http or a test hands them in. */
export type Headers = Record<string, string | string[] | undefined>;

/**
 * Case-insensitive header lookup. A repeated header yields its first value: a signature header sent twice
 * is malformed, and picking one keeps the comparison well-defined (it then simply fails).
 */
export function header(headers: Headers | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}

/** The part of an API Gateway v2 HTTP event that carries the body. */
export interface BodyEvent {
  body?: string | null;
  isBase64Encoded?: boolean;
}

/**
 * The raw bytes of the request body. Signatures are computed over bytes, so verify on this Buffer, never on a
 * re-serialised JSON value. API Gateway base64-encodes bodies it does not treat as text.
 * @example verifyGeneric({ headers: event.headers, body: rawBody(event), secret })
 */
export function rawBody(event: BodyEvent): Buffer {
  const body = event.body ?? '';
  return event.isBase64Encoded ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8');
}
