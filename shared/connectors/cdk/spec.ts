import * as z from 'zod';
import { secret, sendsSecrets } from '../secret';
import type { ConnectorSpec } from '../types';

/**
 * CDK Global through Fortellis: customers and service appointments read from the APIs (OAuth2 client
 * credentials, `Subscription-Id` and `Request-Id` headers, `page`/`pageSize`), and pushed between runs by the
 * Event Relay to our webhook (`/webhooks/cdk/{id}/v1/webhook/event/{channel}`), authenticated by the
 * Authorization value we generate. Both write the same records, keyed by customerId / appointmentId.
 * Seed 002: events customer.created, customer.updated, appointment.scheduled; API limit 1000 requests/hour.
 * The API paths are Fortellis' published ones; each dealer's subscription shows the spec to confirm them
 * against, so they are configurable (shared/api-facts/cdk-fortellis.md).
 */
export const FORTELLIS_TOKEN_URL = 'https://identity.fortellis.io/oauth2/aus1p1ixy7YL8cMq02p7/v1/token';
const ApiPath = z.lazy(() => z.string().regex(/^\/[A-Za-z0-9/_.-]*$/, 'a path such as /cdkdrive/crm/v1/customers'));

export const CdkConfigSchema = z.lazy(() =>
  z
    .object({
      baseUrl: sendsSecrets(z.url().default('https://api.fortellis.io')),
      /** The dealer (Fortellis Data-Owner-Id / CDK dealer code) this integration covers. */
      dealerId: z.string().min(1).max(100).optional(),
      /** The dealer's Fortellis subscription to this app: the events come from it and API calls name it. */
      subscriptionId: z.string().min(1).max(100).optional(),
      /** The app's API key and secret (client credentials); without them the integration only receives events. */
      clientId: z.string().min(1).max(200).optional(),
      clientSecret: secret(z.string().min(1)).optional(),
      tokenUrl: sendsSecrets(z.url().default(FORTELLIS_TOKEN_URL), ['clientSecret']),
      customersPath: ApiPath.default('/cdkdrive/crm/v1/customers'),
      appointmentsPath: ApiPath.default('/service/v3/appointments'),
      /** Fortellis' page-size parameter; each API sets its own maximum. */
      pageSize: z.number().int().min(1).max(1000).default(100),
    })
    .superRefine((c, ctx) => {
      if (!!c.clientId !== !!c.clientSecret) ctx.addIssue({ code: 'custom', path: ['clientSecret'], message: 'clientId and clientSecret go together (or leave both out to only receive events)' });
      if (c.clientId && !c.subscriptionId) ctx.addIssue({ code: 'custom', path: ['subscriptionId'], message: 'is required to read from the CDK APIs' });
    }),
);
export type CdkConfig = z.infer<typeof CdkConfigSchema>;

export const CDK_DATA_TYPES = ['customers', 'appointments'] as const;

export const cdkSpec = {
  type: 'cdk',
  title: 'CDK Global',
  description: 'Customers and service appointments from CDK Global (DMS) through Fortellis: read from the APIs and pushed by the Event Relay. API paths unverified against CDK\'s subscriber-only specs (configurable).',
  configSchema: CdkConfigSchema,
  dataTypes: () => [...CDK_DATA_TYPES],
  defaultDataTypes: [...CDK_DATA_TYPES],
  rateLimit: { requests: 1000, windowMs: 3_600_000 },
  webhooks: true,
} satisfies ConnectorSpec<typeof CdkConfigSchema>;
