import { oidcKeys } from '../../shared/auth/oidc';
import { verifyJwt, type TrustedIssuer } from '../../shared/auth/jwt';
import { startOidcSandbox, type OidcSandbox } from '../sandboxes/oidc';

/** The provider's keys through discovery, kept, re-read on an unknown key id at most every 30 s (a clock, no sleeps). */
describe('oidcKeys', () => {
  let idp: OidcSandbox;
  let clock = 1_000_000;
  let issuer: TrustedIssuer;
  beforeAll(async () => {
    idp = await startOidcSandbox();
    issuer = { issuer: idp.issuer, audience: idp.clientId, algorithms: ['RS256'], keys: oidcKeys(idp.issuer, { now: () => clock }) };
  });
  afterAll(() => idp.close());
  const jwksReads = () => idp.requests.filter((p) => p.endsWith('/jwks.json')).length;

  it('reads discovery then the key set once, and verifies with it', async () => {
    await expect(verifyJwt(await idp.idToken({ sub: 'a' }), [issuer])).resolves.toMatchObject({ sub: 'a', aud: idp.clientId });
    await verifyJwt(await idp.idToken({ sub: 'b' }), [issuer]);
    expect(idp.requests.filter((p) => p.endsWith('/openid-configuration'))).toHaveLength(1);
    expect(jwksReads()).toBe(1);
  });

  it('follows a rotation, but forged key ids re-read the set at most once per 30 s', async () => {
    await idp.rotate();
    const rotated = await idp.idToken({ sub: 'c' });
    // Within the cooldown of the last read the new key is not fetched yet.
    await expect(verifyJwt(rotated, [issuer])).rejects.toMatchObject({ code: 'invalid_token' });
    expect(jwksReads()).toBe(1);
    clock += 31_000;
    await expect(verifyJwt(rotated, [issuer])).resolves.toMatchObject({ sub: 'c' });
    expect(jwksReads()).toBe(2);
    for (let i = 0; i < 5; i++) await expect(verifyJwt(await idp.idToken({ sub: 'x' }, { key: 'stranger', kid: `forged-${i}` }), [issuer])).rejects.toMatchObject({ code: 'invalid_token' });
    expect(jwksReads()).toBe(2);
  });

  it('refuses a discovery document that names another issuer', async () => {
    const other: TrustedIssuer = { ...issuer, issuer: `${idp.issuer}/`, keys: oidcKeys(`${idp.issuer}/`) };
    const token = await idp.idToken({ sub: 'd', iss: `${idp.issuer}/` });
    await expect(verifyJwt(token, [other])).rejects.toMatchObject({ code: 'oidc_issuer_mismatch' });
  });
});
