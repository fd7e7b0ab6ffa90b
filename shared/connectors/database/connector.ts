import { AppError } from '../../errors';
import type { z } from 'zod';
import type { Connector, ConnectorSpec, Stream } from '../types';
import { probe } from './probe';
import { readTable } from './read';
import type { DbSettings } from './settings';
import type { DialectName } from './spec';
import type { Dialect } from './types';

export type DialectMap = Partial<Record<DialectName, Dialect>>;

function dialectFor(dialects: DialectMap, s: DbSettings): Dialect {
  const d = dialects[s.dialect];
  if (!d) throw new Error(`dialect ${s.dialect} is not available in this connector`);
  return d;
}

/**
 * Builds a SQL connector from a declaration, a config → settings mapping, and the dialects it may use.
 * Presets pass only their own dialect, so their worker bundle carries one driver.
 */
export function sqlConnector<S extends z.ZodType>(
  spec: ConnectorSpec<S>,
  toSettings: (config: z.infer<S>) => DbSettings,
  dialects: DialectMap,
): Connector<S> {
  return {
    ...spec,
    streams(config) {
      const s = toSettings(config);
      const d = dialectFor(dialects, s);
      return s.tables.map(
        (table): Stream<z.infer<S>> => ({
          name: table.name,
          read: (ctx, cursor) => readTable(d, s, table, ctx as never, cursor),
        }),
      );
    },
    async test(ctx) {
      let s: DbSettings;
      try {
        s = toSettings(ctx.config);
      } catch (err) {
        return { ok: false, message: err instanceof AppError ? err.message : 'The config is not valid.' };
      }
      return probe(dialectFor(dialects, s), s);
    },
  };
}
