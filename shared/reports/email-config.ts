import * as z from 'zod';

/**
 * seed 004's `data/email_config.json`, accepted exactly as its manual shows it (snake_case kept), so a user pastes
 * the file into a flow's `settings.email`. The file carries no SMTP credentials; `integrationId` (ours, optional)
 * names an `smtp` or `sendgrid` integration whose sealed secrets send the mail. Without one, mail goes
 * unauthenticated to `smtp_server`:`smtp_port` (STARTTLS required when `use_tls`).
 *
 * @example
 * EmailConfigSchema.parse({ smtp_server: 'smtp.example.com', smtp_port: 587, use_tls: true,
 *   sender_email: 'integration@example.com', recipients: [{ name: 'Admin', email: 'admin@example.com', receive_daily: true, receive_errors: true }],
 *   report_settings: { send_empty_reports: false, include_charts: true } });
 */
export const EmailRecipientSchema = z.lazy(() =>
  z.strictObject({
    name: z.string().trim().max(200).optional(),
    email: z.email().max(320),
    /** Gets every run's report and the daily one. */
    receive_daily: z.boolean().default(true),
    /** Gets the report of a run that had errors. */
    receive_errors: z.boolean().default(true),
  }),
);
export type EmailRecipient = z.infer<typeof EmailRecipientSchema>;

export const ReportSettingsSchema = z.lazy(() =>
  z.strictObject({
    /** Off: a run that processed nothing and failed nothing sends no mail (the report is still stored). */
    send_empty_reports: z.boolean().default(false),
    include_charts: z.boolean().default(true),
  }),
);

export const EmailConfigSchema = z.lazy(() =>
  z
    .strictObject({
      smtp_server: z.string().trim().min(1).max(253).optional(),
      smtp_port: z.number().int().min(1).max(65_535).default(587),
      use_tls: z.boolean().default(true),
      sender_email: z.email().max(320).optional(),
      sender_name: z.string().trim().max(200).optional(),
      recipients: z.array(EmailRecipientSchema).max(100).default([]),
      report_settings: ReportSettingsSchema.default({ send_empty_reports: false, include_charts: true }),
      /** An `smtp` or `sendgrid` integration of the tenant that sends the reports (its sealed credentials). */
      integrationId: z.string().min(1).max(64).optional(),
    })
    .refine((c) => c.smtp_server !== undefined || c.integrationId !== undefined || c.recipients.length === 0, {
      message: 'name smtp_server or an smtp/sendgrid integrationId to send reports to recipients',
      path: ['smtp_server'],
    })
    .refine((c) => c.integrationId !== undefined || c.recipients.length === 0 || c.sender_email !== undefined, {
      message: 'sender_email is needed when mail goes straight to smtp_server',
      path: ['sender_email'],
    }),
);
export type EmailConfig = z.infer<typeof EmailConfigSchema>;
