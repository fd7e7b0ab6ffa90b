import { assertAllowedTarget, assertLocalFilesAllowed } from '../../http/target';
import type { DbSettings } from './settings';
import type { Dialect, Session } from './types';

/**
 * Opens a session once the target guard agrees: a network dialect's host must resolve to an address a tenant
 * may reach (public, or private and on the operator's allow-list); a file dialect (no port: SQLite) only
 * opens files for local tools. The refusal comes before any socket or file is touched. Without TLS the driver
 * is handed the checked address itself (DNS cannot answer differently the second time); with TLS it needs the
 * name for the certificate, which a rebound address cannot present.
 */
export async function openSession(d: Dialect, s: DbSettings): Promise<Session> {
  if (d.defaultPort === undefined) {
    assertLocalFilesAllowed();
    return d.connect(s);
  }
  const { address } = await assertAllowedTarget(s.host ?? '');
  return d.connect(s.ssl ? s : { ...s, host: address });
}
