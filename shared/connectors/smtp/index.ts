import { SmtpMailer } from '../../mail/smtp';
import { parseAddress } from '../../mail/types';
import { SourceError } from '../../errors';
import type { Connector } from '../types';
import { SmtpConfigSchema, smtpSpec, type SmtpConfig } from './spec';

/** The mail settings of an `smtp` integration's opened config. */
export function smtpSettings(c: SmtpConfig) {
  return { host: c.host, port: c.port, secure: c.secure, username: c.username, password: c.password, from: parseAddress(c.from) };
}

export const smtp: Connector<typeof SmtpConfigSchema> = {
  ...smtpSpec,
  streams: () => [],
  async test(ctx) {
    try {
      await new SmtpMailer(smtpSettings(ctx.config)).verify();
      return { ok: true, message: 'Connection successful' };
    } catch (err) {
      if (err instanceof SourceError) return { ok: false, message: err.message };
      throw err;
    }
  },
};
