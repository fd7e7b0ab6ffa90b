import { AppError, ValidationError } from '../errors';

/**
 * Mapping templates: literal text with `${path}` or `${path:transform}` placeholders, `path` a dot path into a
 * source record's `data` (as `GET …/data` shows it). Compiled once when a flow is saved, so a template that does
 * not parse is a 400 at create time, never a failed run.
 */
export class TemplateError extends AppError {
  constructor(message: string) {
    super('invalid_template', message, 400);
  }
}

export interface TransformContext {
  /** ISO 3166 country for numbers written without a country code (`phone`). */
  country: string;
  /** IANA zone for `date` (UTC unless the flow names one). */
  timeZone: string;
  /**
   * `phone`: the number in E.164, read in `country` when written without a country code; undefined when it is
   * not a number. Given by renderContext (./context.ts), so that what only compiles templates (saving a flow,
   * the flows API) does not bundle libphonenumber-js.
   */
  e164(raw: string, country: string): string | undefined;
}

type Transform = (v: unknown, ctx: TransformContext) => unknown;

const isEmpty = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
const text = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v));

/** `2:30`, `01:02:03`, `PT2M30S`, `150` (already seconds) → whole seconds. */
function toSeconds(v: unknown): number | undefined {
  if (typeof v === 'number') return Math.round(v);
  const s = text(v).trim();
  if (/^-?\d+(\.\d+)?$/.test(s)) return Math.round(Number(s));
  const clock = /^(?:(\d+):)?(\d{1,2}):(\d{2})$/.exec(s);
  if (clock) return Number(clock[1] ?? 0) * 3600 + Number(clock[2]) * 60 + Number(clock[3]);
  const iso = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(s);
  if (iso && s.length > 1) return Math.round(Number(iso[1] ?? 0) * 86400 + Number(iso[2] ?? 0) * 3600 + Number(iso[3] ?? 0) * 60 + Number(iso[4] ?? 0));
  return undefined;
}

/** The calendar date of an instant in a time zone, `YYYY-MM-DD`. */
export function dateIn(ms: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(ms);
}

const simple: Record<string, Transform> = {
  uppercase: (v) => text(v).toUpperCase(),
  lowercase: (v) => text(v).toLowerCase(),
  trim: (v) => text(v).trim(),
  // seed 004: `${call_duration:minutes}` turns RingCentral's seconds into minutes.
  minutes: (v) => {
    const s = toSeconds(v);
    return s === undefined ? undefined : Math.round((s / 60) * 100) / 100;
  },
  seconds: (v) => toSeconds(v),
  date: (v, ctx) => {
    const ms = typeof v === 'number' ? v : Date.parse(text(v));
    return Number.isNaN(ms) ? undefined : dateIn(ms, ctx.timeZone);
  },
  phone: (v, ctx) => ctx.e164(text(v), ctx.country),
  number: (v) => {
    const n = typeof v === 'number' ? v : Number(text(v).replace(/[,\s]/g, ''));
    return text(v).trim() === '' || Number.isNaN(n) ? undefined : n;
  },
  boolean: (v) => {
    const s = text(v).trim().toLowerCase();
    if (['true', 'yes', 'y', '1', 'on'].includes(s)) return true;
    if (['false', 'no', 'n', '0', 'off'].includes(s)) return false;
    return undefined;
  },
};
export const TRANSFORMS = [...Object.keys(simple), 'default(text)'];

function transform(spec: string): Transform {
  const d = /^default\((.*)\)$/s.exec(spec);
  if (d) return (v) => (isEmpty(v) ? d[1] : v);
  const t = simple[spec];
  if (!t) throw new TemplateError(`unknown transform "${spec}"; known: ${TRANSFORMS.join(', ')}`);
  // A missing value stays missing: `${Email:lowercase}` of no email is no email, not "undefined".
  return (v, ctx) => (isEmpty(v) ? undefined : t(v, ctx));
}

/** Reads a dot path (`address.city`, `items.0.sku`) from a record's data. */
export function readPath(data: unknown, path: string): unknown {
  let cur: unknown = data;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

export interface Placeholder {
  path: string;
  apply: (data: unknown, ctx: TransformContext) => unknown;
}

export interface CompiledTemplate {
  paths: string[];
  /** A template that is one placeholder keeps the value's type (number, boolean); otherwise text. */
  render(data: unknown, ctx: TransformContext): unknown;
}

const PLACEHOLDER = /\$\{([^}]*)\}/g;

/** `a.b:trim:default(x:y)` → path and transforms; a colon inside `default(…)` is its text. */
function splitSteps(inner: string): string[] {
  const out = [''];
  let depth = 0;
  for (const c of inner) {
    if (c === ':' && depth === 0) out.push('');
    else out[out.length - 1] += c;
    if (c === '(') depth++;
    if (c === ')') depth = Math.max(0, depth - 1);
  }
  return out;
}

export function compileTemplate(source: string): CompiledTemplate {
  const parts: (string | Placeholder)[] = [];
  let last = 0;
  for (const m of source.matchAll(PLACEHOLDER)) {
    if (m.index! > last) parts.push(source.slice(last, m.index));
    const [path, ...steps] = splitSteps(m[1]);
    const p = path.trim();
    // A segment may hold spaces (spreadsheet and CSV headers: `${First Name}`), never at its ends.
    if (!/^[^\s.:](?:[^.:]*[^\s.:])?(\.[^\s.:](?:[^.:]*[^\s.:])?)*$/.test(p)) throw new TemplateError(`"${m[0]}" does not name a field (use \${Field} or \${a.b:transform})`);
    const fns = steps.map((s) => transform(s.trim()));
    parts.push({ path: p, apply: (data, ctx) => fns.reduce((v, f) => f(v, ctx), readPath(data, p)) });
    last = m.index! + m[0].length;
  }
  const rest = source.slice(last);
  if (/\$\{/.test(rest)) throw new TemplateError(`unclosed placeholder in "${source}"`);
  if (rest) parts.push(rest);
  const placeholders = parts.filter((p): p is Placeholder => typeof p !== 'string');
  return {
    paths: placeholders.map((p) => p.path),
    render(data, ctx) {
      if (parts.length === 1 && typeof parts[0] !== 'string') return parts[0].apply(data, ctx);
      const values = parts.map((p) => (typeof p === 'string' ? p : p.apply(data, ctx)));
      if (placeholders.length && values.every((v, i) => typeof parts[i] === 'string' || isEmpty(v))) return undefined;
      return values.map((v, i) => (typeof parts[i] === 'string' ? v : isEmpty(v) ? '' : text(v))).join('');
    },
  };
}

export interface CompiledMapping {
  render(data: unknown, ctx: TransformContext): Record<string, unknown>;
}

/** Every field's template, compiled; a bad one is a 400 naming `<prefix><field>` (`mapping.email`). */
export function compileMapping(mapping: Record<string, string>, prefix = 'mapping.'): CompiledMapping {
  const fields = Object.entries(mapping).map(([field, tpl]) => {
    try {
      return [field, compileTemplate(tpl)] as const;
    } catch (err) {
      if (err instanceof TemplateError)
        throw new ValidationError(`${prefix}${field}: ${err.message}`, [{ path: `${prefix}${field}`, message: err.message }]);
      throw err;
    }
  });
  return {
    render(data, ctx) {
      const out: Record<string, unknown> = {};
      for (const [field, t] of fields) {
        const v = t.render(data, ctx);
        if (!isEmpty(v)) out[field] = v;
      }
      return out;
    },
  };
}

export { isEmpty };
