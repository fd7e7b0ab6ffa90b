'use strict';
/**
 * Sign-in for people through API Gateway's JWT authorizer (README "Sign-in"). With the `oidcIssuer` and
 * `oidcAudience` stage parameters set, the HTTP API gets a JWT authorizer `sso` and every /api route of the
 * HTTP functions gets a twin under /sso (the dashboard's way in) behind it; /api itself stays open to API keys,
 * since an authorizer on a route refuses every request without a JWT. Both reach the same function, which
 * verifies the token again itself (shared/auth). Without an issuer: API keys only, no authorizer, no twins.
 *
 * osls calls each export with `{ resolveVariable }`.
 */

const { loadTs } = require('./lib');

const SSO_PREFIX = '/sso';

async function issuerOf(resolveVariable) {
  const issuer = String((await resolveVariable('param:oidcIssuer')) ?? '').trim();
  const audience = String((await resolveVariable('param:oidcAudience')) ?? '').trim();
  if (issuer && !audience) throw new Error('the oidcIssuer stage parameter needs oidcAudience (the app client id its tokens are for)');
  return issuer ? { issuer, audience } : undefined;
}

/** `provider.httpApi.authorizers`: the JWT authorizer, or none. */
async function authorizers({ resolveVariable }) {
  const idp = await issuerOf(resolveVariable);
  if (!idp) return {};
  return { sso: { type: 'jwt', identitySource: '$request.header.Authorization', issuerUrl: idp.issuer, audience: [idp.audience] } };
}

/** The httpApi events of `[method, path]` routes, plus their /sso twins behind the authorizer when there is an IdP. */
function httpEvents(routes) {
  return async ({ resolveVariable }) => {
    const plain = routes.map(([method, path]) => ({ httpApi: { method, path } }));
    if (!(await issuerOf(resolveVariable))) return plain;
    return [...plain, ...routes.map(([method, path]) => ({ httpApi: { method, path: SSO_PREFIX + path, authorizer: { name: 'sso' } } }))];
  };
}

/**
 * The httpApi events of an HTTP function, read from the router its handler builds (the `routes` its module
 * exports beside `handler`), so API Gateway cannot send a path to a function that does not serve it: `ANY` on
 * every path the router serves (its router answers a method it does not take with a 405, as one function
 * serving all of them did), plus `extra` routes. HTTP API picks the most specific route, so these exact paths
 * win over the api function's `ANY /api/{proxy+}` (tests/deploy/template.test.ts checks every route).
 */
function routedEvents(handler, extra = []) {
  const { routes } = loadTs(handler.replace(/\.handler$/, '.ts'));
  const paths = [...new Set(loadTs('shared/api/route-keys.ts').routeKeys(routes).map(([, path]) => path))];
  return httpEvents([...paths.map((path) => ['ANY', path]), ...extra]);
}

/** testConnection, declared in serverless.yml. */
const TEST_CONNECTION_ROUTES = [['POST', '/api/integrations/{id}/test']];

module.exports = { SSO_PREFIX, authorizers, httpEvents, routedEvents, testConnectionEvents: httpEvents(TEST_CONNECTION_ROUTES) };
