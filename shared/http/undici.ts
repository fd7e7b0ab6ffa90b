import type * as Undici from 'undici';

/*
 * The three files of undici the client uses, required on first use. The package's index loads every feature
 * it has (fetch, WebSocket, caches, mocks, proxies): 527 KB of each bundle minified and most of a cold start's
 * parse time, against 286 KB for these. Node's own fetch is undici too but takes no `connect.lookup` of ours
 * without an Agent from this package, and that lookup is the SSRF guard (agent.ts), so the package stays.
 * Types are the package's own; type imports cost nothing at run time.
 */

export const loadAgent = (): typeof Undici.Agent => require('undici/lib/dispatcher/agent');

export const undiciErrors = (): typeof Undici.errors => require('undici/lib/core/errors');

/** undici's `request(url, { dispatcher, ... })`, without the index that attaches it to every dispatcher. */
export function request(url: URL, opts: Omit<Undici.Dispatcher.RequestOptions, 'origin' | 'path'> & { dispatcher: Undici.Dispatcher }): Promise<Undici.Dispatcher.ResponseData> {
  const { dispatcher, ...rest } = opts;
  const apiRequest = require('undici/lib/api/api-request') as (this: Undici.Dispatcher, o: Undici.Dispatcher.RequestOptions) => Promise<Undici.Dispatcher.ResponseData>;
  return apiRequest.call(dispatcher, { ...rest, origin: url.origin, path: `${url.pathname}${url.search}` });
}
