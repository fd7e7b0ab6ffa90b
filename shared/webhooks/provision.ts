import { randomBytes } from 'node:crypto';
import * as z from 'zod';
import { AppError } from '../errors';
import { redact } from '../log';
import type { App } from '../services/app';
import type { IntegrationItem } from '../store/integrations';
import { parse } from '../validate';
import { PROVIDER_TYPE, type WebhookConfig, type WebhookProvider } from '../store/webhooks';

const HeaderName = z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$/, 'an HTTP header name');

/** `PUT /api/integrations/{id}/webhook`. Strict: an unknown field is a 400. */
export const WebhookSettingsSchema = z.strictObject({
  /** The vendor's own secret (HubSpot app client secret, Twilio auth token). Ignored for CDK/generic, whose secret we generate. */
  secret: z.string().min(8).max(512).optional(),
  /** The exact URL given to the vendor (signatures cover it); default: our public base URL + the webhook path. */
  publicUrl: z.url({ protocol: /^https?$/ }).max(2048).optional(),
  /** HubSpot v1/v2 signatures carry no timestamp (replayable): off unless asked for. */
  allowLegacySignatures: z.boolean().optional(),
  /** Generic: the header carrying the signature (default X-Signature) and the timestamp (default X-Timestamp). */
  signatureHeader: HeaderName.optional(),
  timestampHeader: HeaderName.optional(),
  /** Generic: a header carrying the sender's event id, shown in the event log (events dedupe on the signed content). */
  idHeader: HeaderName.optional(),
  /** Generic: store the body's objects as records of this data type, keyed by `idPath` (default "id"). */
  dataType: z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_-]{0,63}$/).optional(),
  idPath: z.string().min(1).max(200).optional(),
  /** CDK/generic: replace the generated secret with a new one (shown once). */
  rotateSecret: z.boolean().optional(),
});
export type WebhookSettings = z.infer<typeof WebhookSettingsSchema>;

export function providerOf(type: string): WebhookProvider | undefined {
  return (Object.entries(PROVIDER_TYPE) as [WebhookProvider, string][]).find(([, t]) => t === type)?.[0];
}

/** The connector config field that holds the vendor's own webhook secret, used when none is set here. */
export const CONFIG_SECRET_FIELD: Partial<Record<WebhookProvider, string>> = { hubspot: 'clientSecret', twilio: 'authToken' };

/** Providers where we choose the secret (CDK's Authorization value, our generic HMAC secret). */
const WE_CHOOSE: WebhookProvider[] = ['cdk', 'generic'];

export function webhookUrls(app: App, i: IntegrationItem, provider: WebhookProvider, cfg?: WebhookConfig) {
  const base = `${app.publicBaseUrl.replace(/\/+$/, '')}/webhooks/${provider}/${i.id}`;
  const publicUrl = cfg?.publicUrl ?? base;
  return { url: provider === 'cdk' ? `${publicUrl}/v1/webhook/event/{channel}` : publicUrl, publicUrl };
}

function describe(app: App, i: IntegrationItem, provider: WebhookProvider, cfg: WebhookConfig | undefined) {
  return {
    provider,
    ...webhookUrls(app, i, provider, cfg),
    secretConfigured: Boolean(cfg?.secret || configSecret(i, provider)),
    allowLegacySignatures: cfg?.allowLegacySignatures ?? false,
    ...(provider === 'generic'
      ? {
          signatureHeader: cfg?.signatureHeader ?? 'X-Signature',
          timestampHeader: cfg?.timestampHeader ?? 'X-Timestamp',
          idHeader: cfg?.idHeader ?? null,
          dataType: cfg?.dataType ?? null,
          idPath: cfg?.idPath ?? null,
        }
      : {}),
  };
}

/** The vendor's secret as the connector config holds it, sealed (a secret field of the connector's schema). */
export function configSecret(i: IntegrationItem, provider: WebhookProvider): string | undefined {
  const field = CONFIG_SECRET_FIELD[provider];
  const v = field === undefined ? undefined : i.config[field];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** Where webhooks go and whether a secret is set (never the secret). */
export async function webhookStatus(app: App, tenantId: string, id: string) {
  const i = await app.integrations.require(tenantId, id);
  const provider = requireProvider(i);
  return describe(app, i, provider, await app.webhooks.config(i.id));
}

function requireProvider(i: IntegrationItem): WebhookProvider {
  const provider = providerOf(i.type);
  if (!provider) throw new AppError('webhooks_not_supported', `Integrations of type ${i.type} do not receive webhooks.`, 400);
  return provider;
}

/**
 * Sets an integration's webhook settings. The secret is sealed under {tenantId, integrationId}; where we choose
 * it (CDK, generic) it is generated on first configuration (or `rotateSecret`) and answered that one time only.
 * Also writes the pointer the public webhook route resolves the integration by.
 */
export async function configureWebhook(app: App, tenantId: string, id: string, body: unknown) {
  const input = parse(WebhookSettingsSchema, body ?? {});
  const i = await app.integrations.require(tenantId, id);
  const provider = requireProvider(i);
  const store = app.webhooks;
  const cur = await store.config(i.id);
  const ctx = { tenantId, integrationId: i.id };

  let sealed = cur?.secret;
  let shown: Record<string, string> = {};
  if (WE_CHOOSE.includes(provider)) {
    if (input.secret !== undefined) throw new AppError('secret_generated', 'This provider’s secret is generated by Switchboard; use rotateSecret to replace it.', 400, [{ path: 'secret', message: 'not accepted for this provider' }]);
    if (!sealed || input.rotateSecret) {
      const token = randomBytes(32).toString('base64url');
      // Fortellis sends back exactly the Authorization value configured on the sink.
      const plain = provider === 'cdk' ? `Bearer ${token}` : `whsec_${token}`;
      redact(plain);
      sealed = (await app.sealer.sealAll({ s: plain }, ctx)).s;
      shown = provider === 'cdk' ? { authorization: plain } : { secret: plain };
    }
  } else {
    if (input.rotateSecret) throw new AppError('secret_not_generated', 'This provider’s secret is the vendor’s own: send it as secret.', 400, [{ path: 'rotateSecret', message: 'not accepted for this provider' }]);
    if (input.secret !== undefined) {
      redact(input.secret);
      sealed = (await app.sealer.sealAll({ s: input.secret }, ctx)).s;
    }
  }

  const next: WebhookConfig = {
    secret: sealed,
    publicUrl: input.publicUrl ?? cur?.publicUrl,
    allowLegacySignatures: input.allowLegacySignatures ?? cur?.allowLegacySignatures ?? false,
    signatureHeader: input.signatureHeader ?? cur?.signatureHeader,
    timestampHeader: input.timestampHeader ?? cur?.timestampHeader,
    idHeader: input.idHeader ?? cur?.idHeader,
    dataType: input.dataType ?? cur?.dataType,
    idPath: input.idPath ?? cur?.idPath,
    updatedAt: new Date().toISOString(),
  };
  await store.putConfig(i.id, next);
  await store.putPointer(i.id, tenantId, i.type);
  return { ...describe(app, i, provider, next), ...shown };
}
