import * as z from 'zod';
import { secret, sendsSecrets } from '../secret';
import type { ConnectorSpec } from '../types';

/** Twilio SendGrid v3 mail send (api-facts/sendgrid.md). Destination only: nothing is read from it. */
export const SendGridConfigSchema = z.lazy(() =>
  z.object({
    /** `https://api.eu.sendgrid.com` for EU regional subusers. */
    baseUrl: sendsSecrets(z.url().default('https://api.sendgrid.com')),
    /** A key with the mail.send scope (starts `SG.`). */
    apiKey: secret(z.string().min(8).max(512)),
    /** A verified sender, used when the flow names none. */
    from: z.email().max(320).optional(),
  }),
);
export type SendGridConfig = z.infer<typeof SendGridConfigSchema>;

export const sendgridSpec = {
  type: 'sendgrid',
  title: 'SendGrid',
  description: 'Sends mail (flow reports, email actions) through Twilio SendGrid v3 mail send.',
  configSchema: SendGridConfigSchema,
  dataTypes: () => [],
  defaultDataTypes: [],
  destinationOnly: true,
} satisfies ConnectorSpec<typeof SendGridConfigSchema>;
