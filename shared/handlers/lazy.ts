import type { Connector } from '../connectors/types';
import { specs } from '../connectors/specs';
import { App, appFromEnv } from '../services/app';

/** Module-scope wiring for a Lambda: built on first use, then reused by every warm invocation. */
export function lazyApp(connectors: Connector[] = []): () => App {
  let app: App | undefined;
  return () => (app ??= appFromEnv(specs, connectors));
}
