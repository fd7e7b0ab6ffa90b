import type { TestStack } from '../helpers/stack';

type Call = (method: string, path: string, body?: unknown) => Promise<{ status: number; body: any; text: string }>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Creates flows over `source` through the API, and runs one to its end on the local queue. */
export function flowKit(stack: TestStack, call: Call, source: () => { integrationId: string; dataType: string }) {
  return {
    async create(body: Record<string, unknown>): Promise<string> {
      const r = await call('POST', '/api/flows', { name: 'actions', source: source(), ...body });
      expect([r.status, r.status === 201 ? '' : r.text]).toEqual([201, '']);
      return r.body.id as string;
    },
    async run(flowId: string) {
      const r = await call('POST', `/api/flows/${flowId}/run`, {});
      expect(r.status).toBe(202);
      await stack.queues.drain();
      return (await call('GET', `/api/flows/${flowId}/runs/${r.body.runId}`)).body;
    },
    async steps(flowId: string, sourceId: string) {
      return (await call('GET', `/api/flows/${flowId}/deliveries?sourceId=${sourceId}`)).body.deliveries[0]?.actions;
    },
  };
}
