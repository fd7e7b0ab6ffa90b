import { createLocalJWKSet, decodeJwt, errors, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';
import { UnauthorizedError } from '../errors';

/** An issuer whose tokens we accept: its audience, its pinned algorithms and where its public keys come from. */
export interface TrustedIssuer {
  issuer: string;
  audience: string;
  algorithms: string[];
  /** Its public keys; asked again with `refresh` when a token names a key the last answer did not hold (rotation). */
  keys(refresh: boolean): Promise<JSONWebKeySet>;
}

/** A JWT is three base64url parts; our API keys (`sb_…`) never are. */
export const looksLikeJwt = (token: string) => /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token);

const invalid = (message: string) => new UnauthorizedError('invalid_token', message);

/** Clock skew we forgive between the IdP and us on exp/nbf/iat. */
const CLOCK_TOLERANCE_S = 30;

/**
 * Verifies a bearer JWT as API Gateway's JWT authorizer does, and as our own check (defence in depth, and the
 * only check locally): a trusted issuer, one of its pinned algorithms (never `none`), its key, `exp` required
 * and not passed, `nbf`, and the audience in `aud`, or in `client_id` for a token without `aud` (Cognito
 * access tokens). Every refusal is a 401 `invalid_token` saying why.
 */
export async function verifyJwt(token: string, issuers: TrustedIssuer[]): Promise<JWTPayload> {
  let iss: string | undefined;
  try {
    iss = decodeJwt(token).iss;
  } catch {
    throw invalid('The bearer token is not a readable JWT.');
  }
  const trusted = issuers.find((i) => i.issuer === iss);
  if (!trusted) throw invalid('The token was not issued by the sign-in provider this API trusts.');
  const attempt = async (refresh: boolean) =>
    jwtVerify(token, createLocalJWKSet(await trusted.keys(refresh)), { issuer: trusted.issuer, algorithms: trusted.algorithms, requiredClaims: ['exp'], clockTolerance: CLOCK_TOLERANCE_S });
  let payload: JWTPayload;
  try {
    payload = (await attempt(false).catch((err) => (err instanceof errors.JWKSNoMatchingKey ? attempt(true) : Promise.reject(err)))).payload;
  } catch (err) {
    if (err instanceof errors.JWTExpired) throw invalid('The token has expired: sign in again.');
    if (err instanceof errors.JOSEAlgNotAllowed || err instanceof errors.JOSENotSupported) throw invalid('The token is signed with an algorithm this API does not accept.');
    if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWSSignatureVerificationFailed) throw invalid('The token is not signed by a key of its issuer.');
    if (err instanceof errors.JWTClaimValidationFailed) throw invalid(`The token's "${err.claim}" claim is not valid (${err.reason}).`);
    if (err instanceof errors.JOSEError) throw invalid('The token is not a valid JWT.');
    throw err;
  }
  const aud = payload.aud === undefined ? [] : Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  const forUs = aud.length ? aud.includes(trusted.audience) : payload.client_id === trusted.audience;
  if (!forUs) throw invalid('The token is for another audience (application).');
  return payload;
}
