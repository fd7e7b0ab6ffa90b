import type { DialectName, Ssl, TableConfig } from './spec';

/** What the SQL reader needs, whichever connector (generic or preset) the config came from. */
export interface DbSettings {
  dialect: DialectName;
  host?: string;
  port?: number;
  database?: string;
  username?: string;
  password?: string;
  ssl?: Ssl;
  filename?: string;
  schema?: string;
  pageSize: number;
  tables: TableConfig[];
}

/** A preset's default tables with the config's per-table overrides applied (matched by name; new names are added). */
export type TableOverride = Partial<TableConfig> & { name: string };

export function mergeTables(defaults: TableConfig[], overrides: TableOverride[] | undefined): TableConfig[] {
  const byName = new Map(defaults.map((t) => [t.name, { ...t }]));
  for (const o of overrides ?? []) {
    const base = byName.get(o.name);
    const merged = { ...base, ...stripUndefined(o) } as TableConfig;
    if (!merged.primaryKey) merged.primaryKey = 'id';
    byName.set(o.name, merged);
  }
  return [...byName.values()];
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** "host:port" (or the SQLite file) for messages; never the credentials. */
export function where(s: DbSettings, defaultPort?: number): string {
  if (s.dialect === 'sqlite') return s.filename ?? '(no file)';
  return `${s.host ?? '(no host)'}:${s.port ?? defaultPort ?? ''}`;
}
