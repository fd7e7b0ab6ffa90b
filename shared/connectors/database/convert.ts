import type { ColumnInfo, Row } from './types';

/**
 * Column values to JSON, faithfully: integers that do not fit a double exactly and all decimals as strings,
 * timestamps as ISO 8601 (full precision kept), bytes as base64, JSON columns as objects, booleans as booleans.
 */
export function toJsonValue(value: unknown, column?: ColumnInfo): unknown {
  if (value === null || value === undefined) return null;
  const kind = column?.kind;
  if (kind === 'bool') return toBool(value);
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  switch (kind) {
    case 'int':
    case 'bigint':
      return typeof value === 'string' && /^-?\d+$/.test(value) ? intFromString(value) : generic(value);
    case 'decimal':
      return String(value);
    case 'timestamp':
    case 'timestamptz':
      if (typeof value === 'string') return isoTimestamp(value);
      if (typeof value === 'number') return epochToIso(value);
      return generic(value);
    case 'json':
      return typeof value === 'string' ? parseJson(value) : generic(value);
    default:
      return generic(value);
  }
}

export function convertRow(row: Row, columns: ColumnInfo[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const c of columns) out[c.name] = toJsonValue(row[c.name], c);
  return out;
}

/** A raw key value as it goes into a cursor (JSON-safe, exact). `bind` in each dialect turns it back. */
export function cursorValue(value: unknown): string | number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number' || typeof value === 'string') return value;
  return String(value);
}

const TS = /^(\d{4,}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/** "2024-01-02 03:04:05.123456" / "...+00" / "...T...+05:30" → ISO 8601; a zone-less value is taken as UTC. */
export function isoTimestamp(text: string): string {
  const m = TS.exec(text.trim());
  if (!m) return text;
  const [, date, time, zone] = m;
  return `${date}T${time}${normalizeZone(zone)}`;
}

function normalizeZone(zone: string | undefined): string {
  if (!zone || zone.toUpperCase() === 'Z') return 'Z';
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone);
  if (!m) return zone;
  const [, sign, hh, mm = '00'] = m;
  return hh === '00' && mm === '00' ? 'Z' : `${sign}${hh}:${mm}`;
}

/** Unix time in seconds (or milliseconds when it is too large to be seconds) → ISO. */
export function epochToIso(n: number): string | number {
  const ms = Math.abs(n) >= 1e11 ? n : n * 1000;
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? n : d.toISOString();
}

/** The record's `updatedAt`: millisecond ISO so it compares with every other source's timestamps. */
export function recordUpdatedAt(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  const d = typeof value === 'number' ? new Date(Math.abs(value) >= 1e11 ? value : value * 1000) : new Date(String(value));
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

function intFromString(s: string): number | string {
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : s;
}

function toBool(value: unknown): unknown {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return Number(value) !== 0;
  if (Buffer.isBuffer(value)) return value.some((b) => b !== 0);
  if (typeof value === 'string') {
    if (/^(1|t|true|y|yes|on)$/i.test(value)) return true;
    if (/^(0|f|false|n|no|off)$/i.test(value)) return false;
  }
  return value;
}

function parseJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return s; // not valid JSON after all (MariaDB JSON is LONGTEXT): keep the text rather than lose it
  }
}

/** Values inside arrays/objects (pg arrays, JSON) and non-finite floats, which JSON cannot carry as numbers. */
function generic(value: unknown): unknown {
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (Array.isArray(value)) return value.map((v) => toJsonValue(v));
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonValue(v)]));
  }
  return value;
}
