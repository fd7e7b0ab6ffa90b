import type { Connector } from '../types';
import { fileSpec } from './spec';

/** Nothing to read from: a file integration's records arrive by import (`readFileRows`), never by a sync. */
export const file: Connector<typeof fileSpec.configSchema> = {
  ...fileSpec,
  streams: () => [],
  test: async () => ({ ok: true, message: 'Nothing to connect to: records arrive by POST /api/integrations/{id}/import.' }),
};
