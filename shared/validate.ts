import * as z from 'zod';
import { ValidationError } from './errors';

/** Parses with zod; a failure becomes a 400 naming each bad field (paths prefixed, e.g. `config.baseUrl`). */
export function parse<S extends z.ZodType>(schema: S, value: unknown, prefix = ''): z.infer<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const details = r.error.issues.map((i) => ({
    path: [prefix, ...i.path.map(String)].filter(Boolean).join('.') || '(root)',
    message: i.message,
  }));
  throw new ValidationError(`Invalid ${prefix || 'input'}: ${details.map((d) => `${d.path} ${d.message}`).join('; ')}`.slice(0, 1000), details);
}

/** An IANA time zone name, as Intl knows them (flows' date literals, notification send hours). */
export const TimeZoneSchema = z.lazy(() =>
  z.string().max(64).refine(
    (tz) => {
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    },
    { message: 'not an IANA time zone (e.g. America/New_York)' },
  ),
);
