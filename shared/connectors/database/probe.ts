import { AppError } from '../../errors';
import type { TestResult } from '../types';
import { resolveTable } from './catalog';
import { queryError, scrubSecret } from './errors';
import { where, type DbSettings } from './settings';
import { openSession } from './open';
import type { Dialect, Session } from './types';

/**
 * The connection test: connect, `SELECT 1`, and check every configured table and column against the catalog.
 * Never throws; the message names what failed and never carries the password.
 */
export async function probe(d: Dialect, s: DbSettings): Promise<TestResult> {
  let session: Session | undefined;
  try {
    session = await openSession(d, s);
    try {
      await session.query('SELECT 1', []);
    } catch (err) {
      throw queryError(err, s, '(SELECT 1)');
    }
    const names: string[] = [];
    for (const t of s.tables) names.push((await resolveTable(session, d, s, t)).name);
    const tables = names.length ? `; tables found: ${names.join(', ')}` : '';
    return { ok: true, message: `Connected to ${d.name} at ${where(s, d.defaultPort)}${tables}` };
  } catch (err) {
    const text = err instanceof AppError ? err.message : `Connection test failed: ${err instanceof Error ? err.message : String(err)}`;
    return { ok: false, message: scrubSecret(text, s) };
  } finally {
    await session?.close().catch(() => undefined); // the verdict is already made; a failing close must not replace it
  }
}
