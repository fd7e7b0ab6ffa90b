import { createHash } from 'node:crypto';

/** JSON with object keys sorted, so the same record always hashes the same whatever the source's key order. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function recordHash(data: unknown, deleted = false): string {
  return createHash('sha256')
    .update(canonicalJson(data))
    .update(deleted ? '\u0000deleted' : '')
    .digest('base64url');
}
