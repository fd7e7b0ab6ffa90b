import type { Connector } from '../types';
import { CdkConfigSchema, cdkSpec } from './spec';

/** CDK Global: events only (shared/webhooks/apply-cdk.ts); there is nothing to poll, so no streams. */
export const cdk: Connector<typeof CdkConfigSchema> = {
  ...cdkSpec,
  http: (config) => ({ baseUrl: config.baseUrl }),
  streams: () => [],
  test: async () => ({ ok: true, message: 'Connection successful: CDK sends events to the webhook URL; nothing to poll.' }),
};
