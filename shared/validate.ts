import type { z } from 'zod';
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
