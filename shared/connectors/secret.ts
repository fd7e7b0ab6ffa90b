import * as z from 'zod';

const SECRET_META = { 'x-secret': true, writeOnly: true } as const;
/** JSON Schema keyword naming the secrets a field decides the destination of (`true`: every secret). */
const TARGET_KEY = 'x-sends-secrets';

/**
 * Marks a config field as secret: it is sealed before it reaches the store, shown as "***" in responses,
 * and marked write-only in the catalog's JSON Schema. Secrets are top-level config fields.
 * @example z.object({ baseUrl: z.url(), accessToken: secret(z.string().min(1)) })
 */
export function secret<T extends z.ZodType>(schema: T): T {
  return schema.meta(SECRET_META) as T;
}

/**
 * Marks a config field that decides where secrets are sent (a base or token URL, a database host or port,
 * an SDK endpoint). Changing it on an integration requires those secrets to be supplied again in the same
 * request, so a stored secret can never be redirected to a host its owner did not give it to.
 * Without `secrets`, every secret of the config counts (the safe default when a field reaches them all).
 * @example z.object({ baseUrl: sendsSecrets(z.url()), tokenUrl: sendsSecrets(z.url(), ['clientSecret']) })
 */
export function sendsSecrets<T extends z.ZodType>(schema: T, secrets?: string[]): T {
  return schema.meta({ [TARGET_KEY]: secrets ?? true }) as T;
}

/** The first registry entry for `key` on a field, through its optional/default/nullable wrappers. */
function metaOf(schema: z.ZodType, key: string): unknown {
  let s: z.ZodType | undefined = schema;
  for (let i = 0; s && i < 5; i++) {
    const v = z.globalRegistry.get(s)?.[key];
    if (v !== undefined) return v;
    s = (s as unknown as { _zod: { def: { innerType?: z.ZodType } } })._zod.def.innerType;
  }
  return undefined;
}

function shapeOf(schema: z.ZodType): Record<string, z.ZodType> {
  // A connector's config schema is z.lazy (built at its first use, not at every function's init): its fields are the inner object's.
  const object = schema instanceof z.ZodLazy ? (schema._zod.innerType as z.ZodType) : schema;
  return (object as unknown as { shape?: Record<string, z.ZodType> }).shape ?? {};
}

function cached<T>(cache: WeakMap<z.ZodType, T>, schema: z.ZodType, build: () => T): T {
  let v = cache.get(schema);
  if (v === undefined) cache.set(schema, (v = build()));
  return v;
}
const secretCache = new WeakMap<z.ZodType, string[]>();
const targetCache = new WeakMap<z.ZodType, Record<string, string[]>>();

/** The names of the secret fields of a connector's config schema. */
export function secretFields(schema: z.ZodType): string[] {
  return cached(secretCache, schema, () =>
    Object.entries(shapeOf(schema))
      .filter(([, field]) => metaOf(field, 'x-secret') === true)
      .map(([name]) => name),
  );
}

/** Each field marked by `sendsSecrets`, with the secrets it sends. */
export function targetFields(schema: z.ZodType): Record<string, string[]> {
  return cached(targetCache, schema, () => {
    const all = secretFields(schema);
    const out: Record<string, string[]> = {};
    for (const [name, field] of Object.entries(shapeOf(schema))) {
      const v = metaOf(field, TARGET_KEY);
      if (v !== undefined) out[name] = v === true ? all : (v as string[]);
    }
    return out;
  });
}
