/** Incoming webhooks: pure verification, parsing and dedupe keys. Store- and transport-independent. */
export { type Headers, type BodyEvent, header, rawBody } from '../crypto/headers';
export { type VerifyResult, type VerifyFailure, type VerifyFailureReason } from '../crypto/verify-result';
export { safeEqual, safeEqualHashed, canonicalJson } from '../crypto/hmac';
export * from './hubspot';
export * from './twilio';
export * from './twilio-status';
export * from './cdk';
export * from './generic';
