import * as z from 'zod';
import type { ConnectorSpec } from '../../shared/connectors/types';
import { coreFunctions, coreResources, type Statement, type Template } from './cfn';

/**
 * resources/workers.js without osls: a connector declared in the registry becomes a worker, a queue, a DLQ,
 * a role and alarms with no hand edit, and a registry entry without a worker entry stops the build.
 */

interface WorkerEntry {
  key: string;
  handler: string;
  timeout: number;
  memorySize: number;
  visibilityTimeout: number;
  queueId: string;
  dlqId: string;
  roleId: string;
}
interface Lib {
  workerEntries(specs: ConnectorSpec[], exists?: (rel: string) => boolean): WorkerEntry[];
}
interface Workers {
  buildFunctions(entries: WorkerEntry[]): Record<string, { handler: string; role: string; timeout: number; events: Array<{ sqs: { arn: unknown } }> }>;
  buildResources(entries: WorkerEntry[], prefix: string): { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };
}
type Resolve = { resolveVariable: (v: string) => Promise<string | undefined> };
type Functions = Record<string, { handler: string; role: string; events: Array<{ httpApi?: { method: string; path: string; authorizer?: { name: string } } }> }>;
// Plain CommonJS read by osls; typed here by what the test uses.
const lib = require('../../resources/lib') as Lib;
const workers = require('../../resources/workers') as Workers;
const sso = require('../../resources/sso') as {
  authorizers(r: Resolve): Promise<Record<string, unknown>>;
};
/** osls's variable resolver for the stage parameters given (others empty, as their defaults). */
const params = (p: Record<string, string> = {}): Resolve => ({ resolveVariable: async (v) => p[v.replace(/^param:/, '')] ?? '' });

const spec = (type: string, deploy?: ConnectorSpec['deploy']): ConnectorSpec => ({
  type,
  title: type,
  description: type,
  configSchema: z.object({}),
  dataTypes: () => ['things'],
  defaultDataTypes: ['things'],
  deploy,
});

describe('resources/workers.js', () => {
  it('turns a new registry entry into a worker, its queue, DLQ, role and alarms', () => {
    const entries = lib.workerEntries([spec('acme_crm', { timeout: 120, memorySize: 1024 })], () => true);
    const fns = workers.buildFunctions(entries);
    expect(Object.keys(fns)).toEqual(['workerAcmeCrm']);
    expect(fns.workerAcmeCrm).toMatchObject({ handler: 'functions/workers/acme-crm.handler', role: 'WorkerAcmeCrmRole', timeout: 120 });
    expect(fns.workerAcmeCrm.events[0].sqs.arn).toEqual({ 'Fn::GetAtt': ['WorkerAcmeCrmQueue', 'Arn'] });

    const { Resources } = workers.buildResources(entries, 'switchboard-test');
    expect(Resources.WorkerAcmeCrmQueue.Properties).toMatchObject({
      QueueName: 'switchboard-test-acme-crm',
      VisibilityTimeout: 720,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': ['WorkerAcmeCrmDlq', 'Arn'] }, maxReceiveCount: 5 },
    });
    expect(Resources.WorkerAcmeCrmDlq.Type).toBe('AWS::SQS::Queue');
    expect(Resources.WorkerAcmeCrmRole.Type).toBe('AWS::IAM::Role');
    expect(Resources.WorkerAcmeCrmDlqAlarm.Type).toBe('AWS::CloudWatch::Alarm');
    expect(Resources.WorkerAcmeCrmErrorsAlarm.Type).toBe('AWS::CloudWatch::Alarm');
  });

  it('defaults to 900 s / 512 MB, with a visibility timeout six times the function timeout', () => {
    const [w] = lib.workerEntries([spec('plain')], () => true);
    expect([w.timeout, w.memorySize, w.visibilityTimeout]).toEqual([900, 512, 5400]);
  });

  it('fails loudly when a connector has no worker entry', () => {
    expect(() => lib.workerEntries([spec('hubspot'), spec('ghost_crm')], (rel) => rel !== 'functions/workers/ghost-crm.ts')).toThrow(
      'Connector "ghost_crm" is in shared/connectors/specs.ts but has no worker entry functions/workers/ghost-crm.ts',
    );
  });

  it('refuses two connector types that map to the same queue', () => {
    expect(() => lib.workerEntries([spec('a_b'), spec('a-b')], () => true)).toThrow('same worker/queue name "a-b"');
  });
});

describe('resources/core.js', () => {
  let roles: Template['Resources'];
  beforeAll(() => {
    roles = coreResources().Resources;
  }, 60_000);
  /** The actions of a role's `access` policy (its log-group policy aside). */
  const access = (roleId: string) => {
    const role = roles[roleId];
    expect(role?.Type).toBe('AWS::IAM::Role');
    const policies = role.Properties.Policies as Array<{ PolicyName: string; PolicyDocument: { Statement: Statement[] } }>;
    return policies.find((p) => p.PolicyName === 'access')!.PolicyDocument.Statement.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
  };
  const routes = (events: Array<{ httpApi?: { method: string; path: string } }>) => events.map((e) => `${e.httpApi!.method} ${e.httpApi!.path}`).sort();

  it('routes each path of the webhook and notification settings to the settings function, and only the receivers to webhooks', async () => {
    const fns = coreFunctions() as Functions;
    expect(fns.settings).toMatchObject({ handler: 'functions/settings.handler', role: 'SettingsRole' });
    expect(routes(fns.settings.events)).toEqual(
      ['ANY /api/integrations/{id}/events', 'ANY /api/integrations/{id}/webhook', 'ANY /api/notifications/channels', 'ANY /api/notifications/channels/{id}', 'ANY /api/notifications/deliveries'],
    );
    expect(fns.webhooks).toMatchObject({ handler: 'functions/webhooks.handler', role: 'WebhooksRole' });
    expect(routes(fns.webhooks.events)).toEqual(['POST /webhooks/{proxy+}']);
  });

  it('lets the public webhooks function open secrets and enqueue, never seal', async () => {
    const actions = access('WebhooksRole');
    expect(actions).toEqual(expect.arrayContaining(['kms:Decrypt', 'sqs:SendMessage', 'dynamodb:PutItem']));
    expect(actions).not.toContain('kms:GenerateDataKey');
    expect(actions.filter((a) => a.startsWith('sqs:') && a !== 'sqs:SendMessage')).toEqual([]);
  });

  it('lets the settings function seal, never open a secret or touch a queue', async () => {
    const actions = access('SettingsRole');
    expect(actions).toEqual(expect.arrayContaining(['kms:GenerateDataKey', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:DeleteItem']));
    expect(actions.filter((a) => a.startsWith('kms:'))).toEqual(['kms:GenerateDataKey']);
    expect(actions.filter((a) => a.startsWith('sqs:'))).toEqual([]);
  });
});

describe('resources/sso.js', () => {
  const idp = { oidcIssuer: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Example', oidcAudience: '4f2ph1ogq2kr9example' };

  it('without an issuer: API keys only, no authorizer and no /sso routes', async () => {
    expect(await sso.authorizers(params())).toEqual({});
    const fns = coreFunctions() as Functions;
    expect(fns.api.events.map((e) => e.httpApi)).toContainEqual({ method: 'ANY', path: '/api/{proxy+}' });
    expect(fns.api.events.filter((e) => e.httpApi!.path.startsWith('/sso/'))).toEqual([]);
    expect(fns.dailySummary.events.filter((e) => e.httpApi).map((e) => e.httpApi!.path)).toEqual(['/api/notifications/summary']);
  });

  it('with an issuer: the JWT authorizer from the stage parameters, and /sso twins of every route behind it', async () => {
    expect(await sso.authorizers(params(idp))).toEqual({ sso: { type: 'jwt', identitySource: '$request.header.Authorization', issuerUrl: idp.oidcIssuer, audience: [idp.oidcAudience] } });
    const fns = coreFunctions(idp) as Functions;
    expect(fns.api.events.map((e) => e.httpApi)).toEqual(expect.arrayContaining([{ method: 'ANY', path: '/api/{proxy+}' }, { method: 'ANY', path: '/sso/api/{proxy+}', authorizer: { name: 'sso' } }]));
    const http = (fn: { events: Array<{ httpApi?: { path: string } }> }) => fn.events.flatMap((e) => (e.httpApi ? [e.httpApi.path] : []));
    for (const fn of [fns.api, fns.apiFlows, fns.apiBulk, fns.settings, fns.dailySummary]) {
      const plain = http(fn).filter((p) => !p.startsWith('/sso/'));
      expect(http(fn).filter((p) => p.startsWith('/sso/')).sort()).toEqual(plain.map((p) => `/sso${p}`).sort());
    }
    expect(fns.dailySummary.events.some((e) => !e.httpApi)).toBe(true);
    expect(http(fns.webhooks)).toEqual(['/webhooks/{proxy+}']);
  });

  it('refuses an issuer without an audience', async () => {
    await expect(sso.authorizers(params({ oidcIssuer: idp.oidcIssuer }))).rejects.toThrow('oidcAudience');
  });
});
