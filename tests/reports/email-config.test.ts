import { EmailConfigSchema } from '../../shared/reports/email-config';

/** The manual's data/email_config.json, verbatim. */
const seedFile = {
  smtp_server: 'smtp.example.com',
  smtp_port: 587,
  use_tls: true,
  sender_email: 'integration@example.com',
  sender_name: 'RC-Zoho Integration',
  recipients: [{ name: 'Admin', email: 'admin@example.com', receive_daily: true, receive_errors: true }],
  report_settings: { send_empty_reports: false, include_charts: true },
};

describe('EmailConfigSchema', () => {
  it("accepts the seed's file as is and keeps its values", () => {
    expect(EmailConfigSchema.parse(seedFile)).toEqual(seedFile);
  });

  it('fills report_settings when the file leaves them out (the manual\'s second example)', () => {
    const { report_settings: _, ...second } = seedFile;
    expect(EmailConfigSchema.parse(second).report_settings).toEqual({ send_empty_reports: false, include_charts: true });
  });

  it('refuses unknown keys, a bad address and recipients with nowhere to send from', () => {
    expect(EmailConfigSchema.safeParse({ ...seedFile, smtp_password: 'x' }).success).toBe(false);
    expect(EmailConfigSchema.safeParse({ ...seedFile, recipients: [{ email: 'not-an-address' }] }).success).toBe(false);
    const { smtp_server: _, ...noServer } = seedFile;
    expect(EmailConfigSchema.safeParse(noServer).success).toBe(false);
    expect(EmailConfigSchema.safeParse({ ...noServer, integrationId: 'int_1' }).success).toBe(true);
  });
});
