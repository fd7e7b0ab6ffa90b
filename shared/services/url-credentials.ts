import { secretFields } from '../connectors/secret';
import type { ConnectorSpec } from '../connectors/types';
import { ValidationError, type ErrorDetail } from '../errors';

/** Query parameter names that carry a credential (API keys, tokens, passwords, signatures). */
const CREDENTIAL_PARAM = /^(api[-_]?key|apikey|key|(access|auth|refresh|id)?[-_]?token|secret|client[-_]?secret|password|passwd|pwd|sig|signature|auth|authorization|credentials?)$/i;

/** What is wrong with a URL or path string, if it carries a credential. */
function credentialIn(value: string): string | undefined {
  if (!/^[a-z][a-z0-9+.-]*:\/\/|^\//i.test(value)) return undefined;
  let url: URL;
  try {
    url = new URL(value, 'http://relative.invalid');
  } catch {
    return undefined;
  }
  if (url.username || url.password) return 'must not carry a user name or password (user:pass@host)';
  const param = [...url.searchParams.keys()].find((k) => CREDENTIAL_PARAM.test(k));
  return param ? `must not carry a credential in its query string (${param})` : undefined;
}

function walk(value: unknown, path: string, out: ErrorDetail[], hint: string): void {
  if (typeof value === 'string') {
    const problem = credentialIn(value);
    if (problem) out.push({ path, message: `${problem}: ${hint}` });
  } else if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${path}.${i}`, out, hint));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, `${path}.${k}`, out, hint);
}

/**
 * Refuses credentials written into URLs (a base URL's `user:pass@`, a path's `?api_key=…`) anywhere in a config:
 * they would be stored and shown in plain text, where the secret fields are sealed and masked.
 */
export function assertNoUrlCredentials(spec: ConnectorSpec, config: Record<string, unknown>): void {
  const secrets = secretFields(spec.configSchema);
  const hint = secrets.length ? `put it in ${secrets.map((s) => `config.${s}`).join(' / ')}, which are sealed` : 'this connector takes no credentials';
  const details: ErrorDetail[] = [];
  for (const [k, v] of Object.entries(config)) if (!secrets.includes(k)) walk(v, `config.${k}`, details, hint);
  if (details.length) throw new ValidationError(`Credentials in URLs are not accepted: ${details.map((d) => d.path).join(', ')}.`, details);
}
