import { AppError } from '../../errors';
import type * as z from 'zod';
import type { Connector, ConnectorSpec, Stream } from '../types';
import { probe } from './probe';
import { readTable } from './read';
import { presetTables, type SqlPresetSpec } from './preset';
import type { DbSettings } from './settings';
import { PAGE_SIZE_DEFAULT, type DialectName } from './spec';
import type { Dialect } from './types';

export type DialectMap = Partial<Record<DialectName, Dialect>>;

function dialectFor(dialects: DialectMap, s: DbSettings): Dialect {
  const d = dialects[s.dialect];
  if (!d) throw new AppError('dialect_unavailable', `dialect ${s.dialect} is not available in this connector`);
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
    test(ctx) {
      const s = toSettings(ctx.config);
      return probe(dialectFor(dialects, s), s);
    },
  };
}

/** A SQL preset's connector: its one dialect (so its bundle carries one driver) and its default tables. */
export function sqlPreset(spec: SqlPresetSpec, dialect: Dialect): Connector<SqlPresetSpec['configSchema']> {
  const settings = (c: z.infer<SqlPresetSpec['configSchema']>): DbSettings => ({ ...c, dialect: spec.dialect, pageSize: c.pageSize ?? PAGE_SIZE_DEFAULT, tables: presetTables(spec.tables, c) });
  return sqlConnector(spec, settings, { [spec.dialect]: dialect });
}
