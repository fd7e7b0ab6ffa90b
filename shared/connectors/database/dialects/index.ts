import type { DialectMap } from '../connector';
import { mssql } from './mssql';
import { mariadb, mysql } from './mysql';
import { postgres } from './postgres';
import { sqlite } from './sqlite';

/** Every dialect: drivers are only loaded when a dialect connects. */
export const allDialects: DialectMap = { postgres, mysql, mariadb, sqlite, mssql };
export { mssql, mariadb, mysql, postgres, sqlite };
