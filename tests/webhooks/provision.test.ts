import { secretFields } from '../../shared/connectors/secret';
import { specs } from '../../shared/connectors/specs';
import { PROVIDER_TYPE, type WebhookProvider } from '../../shared/store/webhooks';
import { CONFIG_SECRET_FIELD } from '../../shared/webhooks/provision';

describe('Webhook secrets from the connector config', () => {
  it('are sealed fields of that connector, so a receiver opens them without carrying its spec', () => {
    const fields = Object.entries(CONFIG_SECRET_FIELD) as [WebhookProvider, string][];
    expect(fields.map(([p]) => p).sort()).toEqual(['hubspot', 'twilio']);
    for (const [provider, field] of fields) {
      const spec = specs.find((s) => s.type === PROVIDER_TYPE[provider])!;
      expect([provider, secretFields(spec.configSchema)]).toEqual([provider, expect.arrayContaining([field])]);
    }
  });
});
