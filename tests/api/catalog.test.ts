import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectors } from '../../shared/connectors/all';
import { specs } from '../../shared/connectors/specs';
import { api } from '../helpers/http';
import { startTestStack, type TestStack } from '../helpers/stack';

/**
 * The whole catalog as a dashboard reads it: every registered connector, each config a valid JSON Schema that
 * accepts the configs other tools send (issue 13's interface contract) and marks the secrets write-only.
 * (That each worker bundle carries only its own drivers is checked on the packaged zips in tests/deploy.)
 */
type Template = { type: string; title: string; dataTypes: string[]; secretFields: string[]; destinationOnly?: boolean; imported?: boolean; configSchema: Record<string, unknown> };

const CONTRACT: Record<string, { config: Record<string, unknown>; secrets: string[]; dataTypes: string[] }> = {
  pipedrive: { config: { baseUrl: 'https://api.pipedrive.com/api/v2', apiToken: 't' }, secrets: ['apiToken'], dataTypes: ['deals', 'persons', 'organizations', 'activities'] },
  woocommerce: { config: { baseUrl: 'https://shop.example/wp-json/wc/v3', consumerKey: 'ck_1', consumerSecret: 'cs_1' }, secrets: ['consumerSecret'], dataTypes: ['orders', 'customers', 'products'] },
  stripe: { config: { baseUrl: 'https://api.stripe.com/v1', apiKey: 'sk_test_1' }, secrets: ['apiKey'], dataTypes: ['customers', 'charges', 'invoices', 'subscriptions'] },
  mailchimp: { config: { baseUrl: 'https://us6.api.mailchimp.com/3.0', apiKey: 'k-us6' }, secrets: ['apiKey'], dataTypes: ['lists', 'members', 'campaigns'] },
  activecampaign: { config: { baseUrl: 'https://acme.api-us1.com/api/3', apiKey: 'k' }, secrets: ['apiKey'], dataTypes: ['contacts', 'deals'] },
};

describe('Catalog: GET /api/integrations/templates', () => {
  let stack: TestStack;
  let templates: Template[];
  const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
  addFormats(ajv);
  ajv.addKeyword('x-secret');
  ajv.addKeyword('x-sends-secrets');

  beforeAll(async () => {
    stack = await startTestStack({ port: 0, dataDir: mkdtempSync(join(tmpdir(), 'sb-catalog-')) });
    const r = await api(stack.url!, stack.apiKey)('GET', '/api/integrations/templates');
    expect(r.status).toBe(200);
    templates = r.body.templates;
  });
  afterAll(() => stack.close());

  it('lists every registered connector once, each with code, a worker entry and data types (destination-only types: neither)', () => {
    expect(templates.map((t) => t.type)).toEqual(specs.map((s) => s.type));
    expect(connectors.map((c) => c.type).sort()).toEqual(specs.map((s) => s.type).sort());
    for (const t of templates) {
      if (t.destinationOnly) {
        expect([t.type, t.dataTypes]).toEqual([t.type, []]);
        continue;
      }
      expect([t.type, existsSync(join(__dirname, '../../functions/workers', `${t.type.replace(/_/g, '-')}.ts`))]).toEqual([t.type, !t.imported]);
      expect([t.type, typeof t.title, t.dataTypes.length > 0 || ['database', 'custom_api', 'twilio', 'cdk'].includes(t.type)]).toEqual([t.type, 'string', true]);
    }
    expect(templates.filter((t) => t.destinationOnly).map((t) => t.type)).toEqual(expect.arrayContaining(['smtp', 'sendgrid']));
  });

  it('gives each a configSchema that is a valid JSON Schema (2020-12), its secrets write-only', () => {
    for (const t of templates) {
      expect([t.type, ajv.validateSchema(t.configSchema), ajv.errors ?? null]).toEqual([t.type, true, null]);
      expect(() => ajv.compile(t.configSchema)).not.toThrow();
      const props = (t.configSchema.properties ?? {}) as Record<string, Record<string, unknown>>;
      for (const f of t.secretFields) expect([t.type, f, props[f]]).toEqual([t.type, f, expect.objectContaining({ writeOnly: true, 'x-secret': true })]);
    }
  });

  it.each(Object.keys(CONTRACT))('%s accepts the contract config, requires its secrets and offers the contract data types', (type) => {
    const t = templates.find((x) => x.type === type)!;
    const c = CONTRACT[type];
    const validate = ajv.compile(t.configSchema);
    expect([validate(c.config), validate.errors ?? null]).toEqual([true, null]);
    expect(t.secretFields).toEqual(c.secrets);
    for (const s of c.secrets) expect(validate({ ...c.config, [s]: undefined })).toBe(false);
    expect(t.dataTypes).toEqual(c.dataTypes);
  });
});
