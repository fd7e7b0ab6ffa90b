import { z } from 'zod';

const SECRET_META = { 'x-secret': true, writeOnly: true } as const;

/**
 * Marks a config field as secret: it is sealed before it reaches the store, shown as "***" in responses,
 * and marked write-only in the catalog's JSON Schema. Secrets are top-level config fields.
 * @example z.object({ baseUrl: z.url(), accessToken: secret(z.string().min(1)) })
 */
export function secret<T extends z.ZodType>(schema: T): T {
  return schema.meta(SECRET_META) as T;
}

function isSecret(schema: z.ZodType): boolean {
  let s: z.ZodType | undefined = schema;
  for (let i = 0; s && i < 5; i++) {
    if (z.globalRegistry.get(s)?.['x-secret'] === true) return true;
    const inner: z.ZodType | undefined = (s as unknown as { _zod: { def: { innerType?: z.ZodType } } })._zod.def.innerType;
    s = inner;
  }
  return false;
}

/** The names of the secret fields of a connector's config schema. */
export function secretFields(schema: z.ZodType): string[] {
  const cached = cache.get(schema);
  if (cached) return cached;
  const shape = (schema as unknown as { shape?: Record<string, z.ZodType> }).shape ?? {};
  const names = Object.entries(shape)
    .filter(([, field]) => isSecret(field))
    .map(([name]) => name);
  cache.set(schema, names);
  return names;
}
const cache = new WeakMap<z.ZodType, string[]>();
