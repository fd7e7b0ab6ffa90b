import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DevSigner } from '../../shared/auth/dev';
import { startDynalite } from '../../shared/local/dynamo';
import { createDb, ensureTable } from '../../shared/store/db';
import { TenantStore } from '../../shared/store/tenants';
import type { HttpEvent } from '../../shared/lambda-types';
import { startOidcSandbox, type OidcSandbox } from '../sandboxes/oidc';
import { sample as sampleEvent } from '../helpers/events';
import { COGNITO_CLAIMS, withEnv } from './helpers';

const sample = (name: string, vars: Record<string, string>) => sampleEvent<HttpEvent>(name, vars);

/**
 * The deployed api function (functions/api.ts, appFromEnv) with an IdP configured: the provider's tokens work
 * (verified again by our code behind API Gateway's authorizer), and the dev sign-in does not exist: no route,
 * and a token from a dev key is refused.
 */
describe('sign-in in the deployed api function', () => {
  let dyn: Awaited<ReturnType<typeof startDynalite>>;
  let idp: OidcSandbox;
  let restore: () => void;
  let tenantId: string;
  let handler: (e: HttpEvent) => Promise<{ statusCode: number; body?: string }>;
  const code = (r: { body?: string }) => JSON.parse(r.body!).error?.code;

  beforeAll(async () => {
    dyn = await startDynalite();
    idp = await startOidcSandbox();
    restore = withEnv({
      AWS_ENDPOINT_URL_DYNAMODB: dyn.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      TABLE_NAME: 'switchboard-signin',
      KMS_KEY_ID: 'arn:aws:kms:us-east-1:123456789012:key/test',
      QUEUE_URL_PREFIX: 'https://sqs.us-east-1.amazonaws.com/123456789012/switchboard-dev-',
      // The deployed api function always has its export bucket (serverless.yml); without it no route is served.
      EXPORT_BUCKET: 'switchboard-dev-exports',
      SWITCHBOARD_DATA_DIR: mkdtempSync(join(tmpdir(), 'sb-signin-')),
      OIDC_ISSUER: idp.issuer,
      OIDC_AUDIENCE: idp.clientId,
      ...COGNITO_CLAIMS,
    });
    const db = createDb({ endpoint: dyn.endpoint, table: 'switchboard-signin' });
    await ensureTable(db.client, db.table);
    ({ tenantId } = await new TenantStore(db).createTenant('deployed'));
    handler = (await import('../../functions/api')).handler as typeof handler;
  });
  afterAll(async () => {
    restore();
    await idp.close();
    await dyn.close();
  });

  it("serves the provider's token on the authorizer's routes (/sso/api) and on /api", async () => {
    const token = await idp.idToken({ sub: 'u-1', 'custom:tenant': tenantId });
    const vars = { TOKEN: token, TENANT: tenantId, ISSUER: idp.issuer, AUDIENCE: idp.clientId };
    const sso = await handler(sample('api-sso-list-integrations.json', vars));
    expect(sso.statusCode).toBe(200);
    const plain = await handler(sample('api-list-integrations.json', { API_KEY: token }));
    expect(plain.statusCode).toBe(200);
  });

  it('has no dev sign-in: no route, and a token from a dev key is refused', async () => {
    const post = sample('api-create-integration.json', { API_KEY: 'unused-00000000' });
    const dev = await handler({ ...post, rawPath: '/api/auth/dev', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tenantId }), requestContext: { ...post.requestContext, http: { ...post.requestContext.http, path: '/api/auth/dev' } } });
    expect([dev.statusCode, code(dev)]).toEqual([404, 'route_not_found']);
    // …and the dashboard is told so: its sign-in page offers SSO, not the developer sign-in.
    const get = sample('api-list-integrations.json', { API_KEY: 'unused-00000000' });
    const conf = await handler({ ...get, rawPath: '/api/auth/config', rawQueryString: '', queryStringParameters: undefined, headers: {}, requestContext: { ...get.requestContext, http: { ...get.requestContext.http, path: '/api/auth/config' } } });
    expect(JSON.parse(conf.body!)).toEqual({ sso: expect.objectContaining({ issuer: idp.issuer, clientId: idp.clientId }), devSignIn: false });
    const signer = await DevSigner.load(mkdtempSync(join(tmpdir(), 'sb-devkey-')));
    const { token } = await signer.sign({ tenantId, role: 'admin' });
    const res = await handler(sample('api-list-integrations.json', { API_KEY: token }));
    expect([res.statusCode, code(res)]).toEqual([401, 'invalid_token']);
    // Even claiming the IdP's issuer, the dev key's signature is not the IdP's.
    const idpToken = await idp.idToken({ sub: 'u-1', 'custom:tenant': tenantId });
    const [h, p] = idpToken.split('.');
    const forged = (await signer.sign({ tenantId, role: 'admin' })).token.split('.')[2];
    const swapped = await handler(sample('api-sso-list-integrations.json', { TOKEN: `${h}.${p}.${forged}`, TENANT: tenantId, ISSUER: idp.issuer, AUDIENCE: idp.clientId }));
    expect([swapped.statusCode, code(swapped)]).toEqual([401, 'invalid_token']);
  });
});
