import * as z from 'zod';
import { secret, sendsSecrets } from '../secret';
import type { ConnectorSpec } from '../types';

/**
 * Arrivy: tasks (jobs, bookings), entities (crew), groups and custom statuses.
 * REST with `X-Auth-Key` + `X-Auth-Token` headers (Arrivy API docs: Tasks, Entities, Groups).
 */

export const ARRIVY_DEFAULT_BASE_URL = 'https://www.arrivy.com/api';

export const ArrivyConfigSchema = z.lazy(() =>
  z.object({
    /** `https://www.arrivy.com/api`, or `https://app.arrivy.com/api`, or the sandbox host. */
    baseUrl: sendsSecrets(z.url({ protocol: /^https?$/ }).default(ARRIVY_DEFAULT_BASE_URL)),
    authKey: secret(z.string().min(1)),
    authToken: secret(z.string().min(1)),
    /**
     * Incremental runs re-read every task scheduled to start at or after (the previous run's start − this
     * many days): Arrivy can only select tasks by scheduled start, and a task changes around its start
     * (en route, started, complete) and at any time before it (rescheduled, reassigned).
     */
    lookbackDays: z.number().int().min(0).max(365).default(7),
  }),
);
export type ArrivyConfig = z.infer<typeof ArrivyConfigSchema>;

export const ARRIVY_DATA_TYPES = ['tasks', 'entities', 'groups', 'statuses'] as const;
export type ArrivyDataType = (typeof ARRIVY_DATA_TYPES)[number];

export const arrivySpec = {
  type: 'arrivy',
  title: 'Arrivy',
  description: 'Tasks, entities (crew), groups and statuses from Arrivy (auth key and token).',
  configSchema: ArrivyConfigSchema,
  dataTypes: () => [...ARRIVY_DATA_TYPES],
  defaultDataTypes: [...ARRIVY_DATA_TYPES],
  // Seed 001: about 120 requests a minute.
  rateLimit: { requests: 120, windowMs: 60_000 },
} satisfies ConnectorSpec<typeof ArrivyConfigSchema>;
