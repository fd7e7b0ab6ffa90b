import { connectorHttp, parseConfig } from '../connectors/context';
import { smtpSettings } from '../connectors/smtp';
import type { SmtpConfig } from '../connectors/smtp/spec';
import type { SendGridConfig } from '../connectors/sendgrid/spec';
import { AppError } from '../errors';
import type { Logger } from '../log';
import { SendGridMailer } from '../mail/sendgrid';
import { SmtpMailer, type SmtpOptions } from '../mail/smtp';
import type { Mailer } from '../mail/types';
import type { App } from './app';
import { IntegrationSecrets } from './secrets';

export const MAIL_TYPES = ['smtp', 'sendgrid'];

/**
 * The mailer of a tenant's `smtp` or `sendgrid` integration, its secrets opened here and nowhere else. A missing
 * integration, or one of another type, is a 409 the caller reports (the flow's settings name it).
 * @example const mailer = await integrationMailer(app, tenantId, settings.email.integrationId);
 */
export async function integrationMailer(
  app: App,
  tenantId: string,
  integrationId: string,
  opts: { log?: Logger; sleep?: (ms: number) => Promise<void>; smtp?: SmtpOptions } = {},
): Promise<Mailer> {
  const i = await app.integrations.get(tenantId, integrationId);
  const connector = i && MAIL_TYPES.includes(i.type) ? app.connector(i.type) : undefined;
  if (!i || !connector) throw new AppError('mail_integration_unavailable', `The mail integration ${integrationId} is gone or is not an smtp or sendgrid integration.`, 409);
  const integrations = new IntegrationSecrets(app);
  const config = parseConfig(connector, await integrations.openConfig(i));
  if (i.type === 'smtp') return new SmtpMailer(smtpSettings(config as SmtpConfig), opts.smtp);
  const from = (config as SendGridConfig).from;
  const http = connectorHttp(connector, config, { integrationId: i.id, log: opts.log, sleep: opts.sleep, limits: app.limits, save: async () => undefined });
  return new SendGridMailer(http, from ? { email: from } : undefined);
}
