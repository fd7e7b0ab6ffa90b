import type Jsonata from 'jsonata';
import { ValidationError } from '../errors';
import { dateIn } from '../mapping/template';

/**
 * Source filters: SOQL-like conditions (`LastModifiedDate > YESTERDAY AND Status = 'Open'`) evaluated over a
 * record's `data`. The expression language is JSONata (what AWS Step Functions adopted; maintained, no
 * `eval`, a real parser with positioned errors), so we write no parser of our own: the filter text is JSONata
 * after two rewrites outside quoted strings — `AND`/`OR`/`<>` become `and`/`or`/`!=`, and a comparison with a
 * date literal (`YESTERDAY`, `TODAY`, `TOMORROW`, `LAST_N_DAYS:n`, `NEXT_N_DAYS:n`, `N_DAYS_AGO:n`, or a bare
 * ISO date) becomes a call that compares against the literal's day range, with SOQL's meaning: a literal is a
 * range of whole days, so `> YESTERDAY` is "from the start of today" and `= TODAY` is "within today".
 */

const DATE_LITERAL = String.raw`(?:YESTERDAY|TODAY|TOMORROW|(?:LAST_N_DAYS|NEXT_N_DAYS|N_DAYS_AGO):\d+|\d{4}-\d{2}-\d{2}(?:T[\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?)`;
const COMPARISON = new RegExp(String.raw`([A-Za-z_$][\w.$]*)\s*(>=|<=|<>|!=|=|>|<)\s*(${DATE_LITERAL})(?![\w:-])`, 'g');

const DAY = 86_400_000;

/** UTC ms of local midnight starting `date` (YYYY-MM-DD) in `timeZone`. */
function startOfDay(date: string, timeZone: string): number {
  const guess = Date.parse(`${date}T00:00:00Z`);
  const offset = (ms: number) => {
    const p = Object.fromEntries(
      new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
        .formatToParts(ms)
        .map((x) => [x.type, x.value]),
    );
    return Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second) - ms;
  };
  const first = guess - offset(guess);
  return guess - offset(first);
}

/** The [start, end) of a date literal, in ms. */
export function literalRange(literal: string, now: number, timeZone: string): [number, number] {
  const today = startOfDay(dateIn(now, timeZone), timeZone);
  const dayAt = (n: number) => startOfDay(dateIn(today + n * DAY + DAY / 2, timeZone), timeZone);
  const [name, arg] = literal.split(':');
  const n = Number(arg);
  switch (name) {
    case 'TODAY':
      return [today, dayAt(1)];
    case 'YESTERDAY':
      return [dayAt(-1), today];
    case 'TOMORROW':
      return [dayAt(1), dayAt(2)];
    case 'LAST_N_DAYS':
      return [dayAt(-n), dayAt(1)];
    case 'NEXT_N_DAYS':
      return [today, dayAt(n + 1)];
    case 'N_DAYS_AGO':
      return [dayAt(-n), dayAt(-n + 1)];
  }
  if (/^\d{4}-\d{2}-\d{2}$/.test(literal)) {
    const start = startOfDay(literal, timeZone);
    return [start, startOfDay(dateIn(start + DAY + DAY / 2, timeZone), timeZone)];
  }
  const at = Date.parse(literal);
  return [at, at + 1];
}

function compareDate(value: unknown, op: string, literal: string, now: number, timeZone: string): boolean {
  const ms = typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) return false;
  const [start, end] = literalRange(literal, now, timeZone);
  switch (op) {
    case '>':
      return ms >= end;
    case '>=':
      return ms >= start;
    case '<':
      return ms < start;
    case '<=':
      return ms < end;
    case '=':
      return ms >= start && ms < end;
    default:
      return ms < start || ms >= end;
  }
}

/** Applies `f` to the parts of `text` outside single- or double-quoted strings. */
function outsideQuotes(text: string, f: (s: string) => string): string {
  return text
    .split(/('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")/)
    .map((part, i) => (i % 2 ? part : f(part)))
    .join('');
}

export function toJsonata(filter: string): string {
  return outsideQuotes(filter, (s) =>
    s
      .replace(COMPARISON, (_m, field: string, op: string, lit: string) => `$dateCompare(${field}, "${op}", "${lit}")`)
      .replace(/\bAND\b/g, 'and')
      .replace(/\bOR\b/g, 'or')
      .replace(/<>/g, '!='),
  );
}

/** JSONata, loaded at the first filter compiled: only flows with a source filter or an action's `when` use it, and its module builds its function library as it loads. */
const jsonata = (): typeof Jsonata => require('jsonata');

export interface CompiledFilter {
  matches(data: unknown, opts: { now: number; timeZone: string }): Promise<boolean>;
}

/** Compiles a filter; one that does not parse is a 400 naming `field` (e.g. `source.filter`). */
export function compileFilter(filter: string, field = 'source.filter'): CompiledFilter {
  let expr: Jsonata.Expression;
  try {
    expr = jsonata()(toJsonata(filter));
  } catch (err) {
    const e = err as { message?: string; position?: number };
    const message = `does not parse: ${e.message ?? 'invalid expression'}${e.position !== undefined ? ` (at ${e.position})` : ''}`;
    throw new ValidationError(`${field} ${message}`, [{ path: field, message }]);
  }
  return {
    async matches(data, { now, timeZone }) {
      const out = await expr.evaluate(data, { dateCompare: (v: unknown, op: string, lit: string) => compareDate(v, op, lit, now, timeZone) });
      return Boolean(out);
    },
  };
}
