import * as z from 'zod';
import { secret, sendsSecrets } from '../secret';
import type { ConnectorSpec } from '../types';

/** An SMTP server flows send mail through (reports, email actions). Destination only: nothing is read from it. */
export const SmtpConfigSchema = z.lazy(() =>
  z.object({
    host: sendsSecrets(z.string().trim().min(1).max(253).regex(/^[A-Za-z0-9.:[\]-]+$/, 'a host name or IP address')),
    port: sendsSecrets(z.number().int().min(1).max(65_535).default(587)),
    /** TLS from the first byte (port 465). Off: STARTTLS, required whenever a password is sent. */
    secure: z.boolean().default(false),
    username: z.string().min(1).max(320).optional(),
    password: secret(z.string().min(1).max(1024)).optional(),
    /** The sender address, `Name <address>` or a bare address. */
    from: z.string().trim().min(3).max(400),
  }),
);
export type SmtpConfig = z.infer<typeof SmtpConfigSchema>;

export const smtpSpec = {
  type: 'smtp',
  title: 'SMTP',
  description: 'Sends mail (flow reports, email actions) through your SMTP server; STARTTLS is required whenever a password is sent.',
  configSchema: SmtpConfigSchema,
  dataTypes: () => [],
  defaultDataTypes: [],
  destinationOnly: true,
} satisfies ConnectorSpec<typeof SmtpConfigSchema>;
