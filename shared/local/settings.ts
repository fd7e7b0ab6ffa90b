import { resetConfig } from '../config';

/**
 * What every local tool runs with: `npm start`, the CLI and the bench all start through startLocalStack, so an
 * integration that syncs under one syncs under the others. Loopback is allowed because the sandboxes and a
 * developer's own services listen there; a deployed function never calls this and keeps refusing it. A value
 * set in the environment wins (ALLOW_LOOPBACK_TARGETS=false tries the refusal locally).
 */
const LOCAL_DEFAULTS: Record<string, string> = { ALLOW_LOOPBACK_TARGETS: 'true' };

export function applyLocalDefaults(env: NodeJS.ProcessEnv = process.env): void {
  for (const [k, v] of Object.entries(LOCAL_DEFAULTS)) env[k] ??= v;
  resetConfig();
}
