import { resetConfig } from '../../shared/config';

import { api, type Reply } from '../helpers/http';

/** One call to a running stack with a bearer token (an API key or a JWT), or none. */
export const call = (url: string, token: string | undefined, method: string, path: string, body?: unknown): Promise<Reply> => api(url, token)(method, path, body);

/** Sets environment variables until the returned function puts the previous values back. */
export function withEnv(vars: Record<string, string>): () => void {
  const before = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  resetConfig();
  return () => {
    for (const [k, v] of Object.entries(before)) if (v === undefined) delete process.env[k];
    else process.env[k] = v;
    resetConfig();
  };
}

/** The sign-in claims the tests configure: Cognito's custom attribute, groups and email. */
export const COGNITO_CLAIMS = { OIDC_TENANT_CLAIM: 'custom:tenant', OIDC_ROLE_CLAIM: 'cognito:groups', OIDC_USER_CLAIM: 'email' };
