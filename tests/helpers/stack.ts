import { connectors } from '../../shared/connectors/all';
import { setLogSink } from '../../shared/log';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../shared/local/stack';
import { IntegrationService } from '../../shared/services/integrations';


export interface TestStack extends LocalStack {
  tenantId: string;
  apiKey: string;
  svc: IntegrationService;
  logs: string[];
}

/**
 * An in-memory Switchboard (dynalite, in-process queues, local key ring) with one tenant. Logs are captured
 * in `logs` instead of printed, so tests can grep them for secrets.
 */
export async function startTestStack(opts: Partial<LocalStackOptions> = {}): Promise<TestStack> {
  const logs: string[] = [];
  setLogSink((line) => logs.push(line));
  // Backoff waits are shortened; Retry-After still holds, because the rate limiter observes it for real.
  const stack = await startLocalStack({ connectors, queue: { retryDelayMs: 0, pollMs: 10 }, engine: { sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 20))) }, ...opts });
  const { tenantId, apiKey } = await stack.app.tenants.createTenant('test');
  return { ...stack, tenantId, apiKey, svc: new IntegrationService(stack.app), logs };
}
