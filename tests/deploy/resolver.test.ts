import { z } from 'zod';
import type { ConnectorSpec } from '../../shared/connectors/types';

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
// Plain CommonJS read by osls; typed here by what the test uses.
const lib = require('../../resources/lib') as Lib;
const workers = require('../../resources/workers') as Workers;

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
