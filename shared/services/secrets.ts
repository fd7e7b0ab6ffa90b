import { secretFields } from '../connectors/secret';
import type { ConnectorSpec } from '../connectors/types';
import { UnknownTypeError, ValidationError } from '../errors';
import { redact } from '../log';
import type { IntegrationItem } from '../store/integrations';
import type { App } from './app';
import { MASK } from './views';

/**
 * An integration's secrets, sealed at rest: what the code that runs a connector needs (workers, the connection
 * test, flows), apart from the integrations API (`IntegrationService`), so a worker's bundle holds neither the
 * API's request schemas nor its validation.
 */
export class IntegrationSecrets {
  constructor(readonly app: App) {}

  spec(type: string): ConnectorSpec {
    const spec = this.app.specs.get(type);
    if (!spec) throw new UnknownTypeError(type, [...this.app.specs.keys()]);
    return spec;
  }

  /** The config with its secrets opened: only workers, flows and the test-connection path call this. */
  async openConfig(i: IntegrationItem): Promise<Record<string, unknown>> {
    const spec = this.spec(i.type);
    const sealed = Object.fromEntries(secretFields(spec.configSchema).filter((k) => typeof i.config[k] === 'string').map((k) => [k, i.config[k] as string]));
    const opened = await this.app.sealer.openAll(sealed, { tenantId: i.tenantId, integrationId: i.id });
    for (const v of Object.values(opened)) redact(v);
    return { ...i.config, ...opened };
  }

  /** Re-seals secrets a connector changed (a refreshed OAuth token) onto the stored integration. */
  async saveSecrets(i: IntegrationItem, patch: Record<string, unknown>): Promise<void> {
    const spec = this.spec(i.type);
    const sealed = await this.sealSecrets(spec, patch, { tenantId: i.tenantId, integrationId: i.id });
    await this.app.integrations.update(i.tenantId, i.id, (cur) => ({ ...cur, config: { ...cur.config, ...sealed } }));
  }

  async sealSecrets(spec: ConnectorSpec, config: Record<string, unknown>, ctx: { tenantId: string; integrationId: string }) {
    const secrets = secretFields(spec.configSchema);
    const plain: Record<string, string> = {};
    for (const k of secrets) {
      const v = config[k];
      if (v === undefined || v === null) continue;
      if (typeof v !== 'string') throw new ValidationError(`config.${k} must be a string`, [{ path: `config.${k}`, message: 'must be a string' }]);
      if (v === MASK) throw new ValidationError(`config.${k} must be the real secret, not "***"`, [{ path: `config.${k}`, message: 'must be the secret itself' }]);
      plain[k] = v;
      redact(v);
    }
    return { ...config, ...(await this.app.sealer.sealAll(plain, ctx)) };
  }
}
