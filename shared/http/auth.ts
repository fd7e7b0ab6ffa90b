import * as z from 'zod';
import { redact } from '../log';

/** What an OAuth2 token endpoint answers (RFC 6749 §5.1) plus the vendors' extras (Salesforce, Zoho). */
export const TokenResponseSchema = z.lazy(() =>
  z.looseObject({
    access_token: z.string().min(1),
    expires_in: z.number().optional(),
    refresh_token: z.string().min(1).optional(),
    instance_url: z.string().optional(),
    api_domain: z.string().optional(),
  }),
);
export type TokenResponse = z.infer<typeof TokenResponseSchema>;

/**
 * Where a request's credentials go; `body` is the exact body sent, for schemes that sign it (DealerSocket's
 * HMAC). `refresh` is tried once on a 401 before the request is retried.
 */
export interface Auth {
  apply(headers: Record<string, string>, query: URLSearchParams, body?: string): void | Promise<void>;
  refresh?(): Promise<boolean>;
}

export const noAuth: Auth = { apply() {} };

export function bearerAuth(token: string, scheme = 'Bearer'): Auth {
  redact(token);
  return {
    apply(headers) {
      headers.authorization = `${scheme} ${token}`;
    },
  };
}

export function apiKeyAuth(key: string, opts: { header?: string; query?: string }): Auth {
  redact(key);
  return {
    apply(headers, query) {
      if (opts.query) query.set(opts.query, key);
      else headers[(opts.header ?? 'x-api-key').toLowerCase()] = key;
    },
  };
}

export function basicAuth(username: string, password: string): Auth {
  redact(password);
  const value = 'Basic ' + Buffer.from(`${username}:${password}`).toString('base64');
  redact(value);
  return {
    apply(headers) {
      headers.authorization = value;
    },
  };
}

export interface OAuthTokens {
  accessToken?: string;
  /** Epoch ms at which the access token stops working, when known. */
  expiresAt?: number;
}

/**
 * OAuth2 with a stored access token that is refreshed on expiry or on a 401, then re-sealed through
 * `onToken`. `obtain` does the vendor's grant (refresh token, client credentials, JWT bearer).
 */
export function oauth2Auth(opts: {
  tokens: OAuthTokens;
  obtain: () => Promise<TokenResponse>;
  onToken?: (token: TokenResponse) => Promise<void>;
  scheme?: string;
  now?: () => number;
}): Auth {
  const now = opts.now ?? Date.now;
  let access = opts.tokens.accessToken;
  let expiresAt = opts.tokens.expiresAt;
  if (access) redact(access);
  let inflight: Promise<boolean> | undefined;
  const refresh = () =>
    (inflight ??= (async () => {
      try {
        const tok = await opts.obtain();
        access = tok.access_token;
        expiresAt = tok.expires_in ? now() + tok.expires_in * 1000 : undefined;
        await opts.onToken?.(tok);
        return true;
      } finally {
        inflight = undefined;
      }
    })());
  return {
    async apply(headers) {
      // Refresh a minute early so a token never expires between apply() and the vendor reading it.
      if (!access || (expiresAt !== undefined && expiresAt - 60_000 <= now())) await refresh();
      headers.authorization = `${opts.scheme ?? 'Bearer'} ${access}`;
    },
    refresh,
  };
}
