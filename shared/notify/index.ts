/** Outgoing notifications: channel config, signing, SSRF guard, delivery with retries, Slack formatting. */
export * from '../http/errors';
export * from './events';
export * from './sign';
export * from '../http/ssrf';
export * from './deliver';
export * from './slack';
export { safeLogUrl } from './url';
