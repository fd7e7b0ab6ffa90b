import type { Ssl } from '../spec';

/** `ssl: true` verifies the server certificate; an object can relax that or pin a CA. Same shape for pg and mysql2. */
export function sslOptions(ssl: Ssl | undefined): { rejectUnauthorized: boolean; ca?: string } | undefined {
  if (!ssl) return undefined;
  if (ssl === true) return { rejectUnauthorized: true };
  return { rejectUnauthorized: ssl.rejectUnauthorized ?? true, ...(ssl.ca ? { ca: ssl.ca } : {}) };
}
