import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted, so the same record always hashes the same whatever the source's key order.
 * Written as plain loops: it runs once per record on every page, and this is most of the engine's own CPU.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + canonicalJson(value[i]);
    return out + ']';
  }
  const obj = value as Record<string, unknown>;
  const names = Object.keys(obj).sort();
  let out = '{';
  let first = true;
  for (const k of names) {
    const v = obj[k];
    if (v === undefined) continue;
    out += (first ? '' : ',') + JSON.stringify(k) + ':' + canonicalJson(v);
    first = false;
  }
  return out + '}';
}

export function recordHash(data: unknown, deleted = false): string {
  return createHash('sha256')
    .update(canonicalJson(data))
    .update(deleted ? '\u0000deleted' : '')
    .digest('base64url');
}
