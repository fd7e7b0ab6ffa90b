import { hash } from 'node:crypto';

/** `"key":` per property name: records of a data type repeat the same few dozen names on every page. */
const quoted = new Map<string, string>();
const QUOTED_MAX = 10_000;

function quote(k: string): string {
  let q = quoted.get(k);
  if (q === undefined) {
    q = JSON.stringify(k) + ':';
    if (quoted.size < QUOTED_MAX) quoted.set(k, q);
  }
  return q;
}

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
    out += (first ? '' : ',') + quote(k) + (typeof v === 'string' ? JSON.stringify(v) : canonicalJson(v));
    first = false;
  }
  return out + '}';
}

/** SHA-256 of the canonical JSON, one-shot (no Hash object per record); the same digest as a streamed hash. */
export function recordHash(data: unknown, deleted = false): string {
  return hashAndSize(data, deleted).hash;
}

/** The record's hash and its canonical JSON's length: about what it weighs, for a caller that holds many. */
export function hashAndSize(data: unknown, deleted = false): { hash: string; size: number } {
  const json = canonicalJson(data);
  return { hash: hash('sha256', deleted ? json + '\u0000deleted' : json, 'base64url'), size: json.length };
}
