import * as z from 'zod';
import { secret, sendsSecrets } from '../secret';
import type { ConnectorSpec } from '../types';

/**
 * Five9 Configuration Web Services (SOAP 1.1, HTTP Basic): contact records and the Call Log report.
 * https://documentation.five9.com/bundle/api-config-web/page/config-web-services/introduction/web-services-platform.htm
 */

/** v13, US data centre; other centres: api.five9.eu, api.five9.ca, api.eu.five9.com. */
export const FIVE9_DEFAULT_BASE_URL = 'https://api.five9.com/wsadmin/v13/AdminWebService';

export const Five9ConfigSchema = z.lazy(() =>
  z.object({
    /** The AdminWebService endpoint, with its version and data centre. */
    baseUrl: sendsSecrets(z.url({ protocol: /^https?$/ }).default(FIVE9_DEFAULT_BASE_URL)),
    /** An administrator with the VCC Administrator role; Five9 answers one request at a time per user. */
    username: z.string().min(1).max(256),
    password: secret(z.string().min(1)),
    /** A report that exists in Dashboards & Reports, by folder and name as the user's locale shows them. */
    reportFolder: z.string().min(1).max(256).default('Call Log Reports'),
    reportName: z.string().min(1).max(256).default('Call Log'),
    /** The report column that identifies a call (the Call Log's `CALL ID`). */
    callIdColumn: z.string().min(1).default('CALL ID'),
    /** How far back a full run reads calls. */
    historyDays: z.number().int().min(1).max(366).default(30),
    /** One report per window. */
    windowHours: z.number().int().min(1).max(168).default(24),
    /** The most rows a report returns (`getReportResultCsv`: 50,000); a window that comes back this full is halved. */
    maxReportRows: z.number().int().min(10).max(50_000).default(50_000),
    /** A report still running after this long fails the data type (retryably); Five9 says keep windows small. */
    reportTimeoutMinutes: z.number().int().min(1).max(14).default(10),
    /** Incremental runs re-read this much before the end of the last window: calls land in the log as they end. */
    overlapMinutes: z.number().int().min(0).max(1440).default(60),
    /** The contact field partitioned by prefix (`number1 = "92%"`) to read the whole contact table 1,000 at most per call. */
    contactPartitionField: z.string().min(1).max(64).default('number1'),
  }),
);
export type Five9Config = z.infer<typeof Five9ConfigSchema>;

export const FIVE9_DATA_TYPES = ['contacts', 'calls'] as const;

export const five9Spec = {
  type: 'five9',
  title: 'Five9',
  description: 'Contact records and the Call Log report (runReport → isReportRunning → getReportResultCsv) from Five9 Configuration Web Services (SOAP, Basic auth).',
  configSchema: Five9ConfigSchema,
  dataTypes: () => [...FIVE9_DATA_TYPES],
  defaultDataTypes: [...FIVE9_DATA_TYPES],
  // Seed 001: 30 requests a minute, under every request group's per-minute limit (runReport 16, results 20,
  // queries 450), since runReport is at most one request in three.
  rateLimit: { requests: 30, windowMs: 60_000 },
} satisfies ConnectorSpec<typeof Five9ConfigSchema>;
