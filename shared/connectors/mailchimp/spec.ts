import * as z from 'zod';
import { secret } from '../secret';
import type { ConnectorSpec } from '../types';

/** Mailchimp Marketing API 3.0: audiences (lists), their members, campaigns (API key). */
export const MailchimpConfigSchema = z.lazy(() =>
  z
    .object({
      /** Default: `https://{dc}.api.mailchimp.com/3.0`, the data centre taken from the key's `-us6` ending. */
      baseUrl: z.url({ protocol: /^https?$/ }).optional(),
      apiKey: secret(z.string().min(1)),
    })
    .refine((c) => c.baseUrl || mailchimpDc(c.apiKey), { path: ['apiKey'], message: 'an API key ending in its data centre (…-us6), or a baseUrl' }),
);
export type MailchimpConfig = z.infer<typeof MailchimpConfigSchema>;

/** The data centre a key names (`…-us6` → `us6`). */
export function mailchimpDc(apiKey: string): string | undefined {
  return /-([a-z]+\d+)$/.exec(apiKey)?.[1];
}

export const MAILCHIMP_DATA_TYPES = ['lists', 'members', 'campaigns'] as const;

export const mailchimpSpec = {
  type: 'mailchimp',
  title: 'Mailchimp',
  description: 'Audiences (lists), their members and campaigns from the Mailchimp Marketing API (API key); members incremental on last_changed.',
  configSchema: MailchimpConfigSchema,
  dataTypes: () => [...MAILCHIMP_DATA_TYPES],
  defaultDataTypes: [...MAILCHIMP_DATA_TYPES],
  // Mailchimp limits concurrent connections (10), not requests per window; one reader per stream stays under it.
} satisfies ConnectorSpec<typeof MailchimpConfigSchema>;
