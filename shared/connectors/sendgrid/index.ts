import { SourceError } from '../../errors';
import { bearerAuth } from '../../http/auth';
import { describeSendGridError } from '../../mail/sendgrid';
import { testConnection } from '../rest';
import type { Connector } from '../types';
import { SendGridConfigSchema, sendgridSpec } from './spec';

export const sendgrid: Connector<typeof SendGridConfigSchema> = {
  ...sendgridSpec,
  http: (c) => ({ baseUrl: c.baseUrl, auth: bearerAuth(c.apiKey), describeError: describeSendGridError }),
  streams: () => [],
  // GET /v3/scopes lists what the key may do; a key without mail.send would fail every send.
  test: (ctx) =>
    testConnection(ctx, async () => {
      const res = await ctx.http.request<{ scopes?: unknown }>({ url: '/v3/scopes', stream: 'test' });
      const scopes = Array.isArray(res.body?.scopes) ? res.body.scopes : [];
      if (!scopes.includes('mail.send')) throw new SourceError('forbidden', 'The API key works but lacks the mail.send scope.');
    }),
};
