import type { Connector, ConnectorSpec } from '../connectors/types';
import { App, appFromEnv } from '../services/app';

/**
 * Module-scope wiring for a Lambda: built on first use, then reused by every warm invocation. The entry names
 * what its bundle carries: `specs`, the declarations it reads (the whole catalog, shared/connectors/specs.ts, for
 * the API functions), and `connectors`, whose code it runs (their specs come with them). A sync worker passes its
 * own connector alone, so no other connector's spec is in its bundle; a function that reads no spec
 * (notifications, flowDispatch, dailySummary, settings, webhooks, the scheduler) passes `{}`, and
 * tests/layering.test.ts checks that none of its code reads the specs map.
 */
export function lazyApp({ specs = [], connectors = [] }: { specs?: ConnectorSpec[]; connectors?: Connector[] }): () => App {
  let app: App | undefined;
  return () => (app ??= appFromEnv(specs, connectors));
}
