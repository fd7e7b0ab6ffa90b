import * as z from 'zod';

/**
 * Request bodies and query strings of the integrations API. Strict: an unknown field is a 400, not ignored. Each is
 * z.lazy, built at its first use: an HTTP function's init builds only what every request needs.
 */
export const CreateIntegrationSchema = z.lazy(() =>
  z.strictObject({
    name: z.string().trim().min(1).max(200),
    type: z.string().min(1).max(64),
    config: z.record(z.string(), z.unknown()).default({}),
    syncInterval: z.number().int().min(1).max(10_080).default(60),
    status: z.enum(['active', 'inactive']).default('active'),
  }),
);
export type CreateIntegration = z.infer<typeof CreateIntegrationSchema>;

export const PatchIntegrationSchema = z.lazy(() =>
  z.strictObject({
    name: z.string().trim().min(1).max(200).optional(),
    config: z.record(z.string(), z.unknown()).optional(),
    syncInterval: z.number().int().min(1).max(10_080).optional(),
    status: z.enum(['active', 'inactive']).optional(),
  }),
);
export type PatchIntegration = z.infer<typeof PatchIntegrationSchema>;

export const isoDate = z.lazy(() => z.iso.date().or(z.iso.datetime({ offset: true })));

export const SyncRequestSchema = z.lazy(() =>
  z
    .strictObject({
      mode: z.enum(['full', 'incremental']).default('incremental'),
      dataTypes: z.array(z.string().min(1)).min(1).optional(),
      dryRun: z.boolean().default(false),
      maxRecords: z.number().int().positive().optional(),
      since: isoDate.optional(),
    })
    .default({ mode: 'incremental', dryRun: false }),
);
export type SyncRequest = z.infer<typeof SyncRequestSchema>;

const limit = () => z.coerce.number().int().min(1).max(1000).default(50);

export const ListQuerySchema = z.lazy(() => z.strictObject({ limit: limit(), cursor: z.string().max(2048).optional() }));

export const DataQuerySchema = z.lazy(() =>
  z.strictObject({
    dataType: z.string().max(128).optional(),
    limit: limit(),
    cursor: z.string().max(2048).optional(),
    modifiedAfter: isoDate.optional(),
    includeDeleted: z.enum(['true', 'false']).optional(),
  }),
);

export const MetricsQuerySchema = z.lazy(() =>
  z
    .strictObject({ startDate: z.iso.date(), endDate: z.iso.date() })
    .refine((q) => q.startDate <= q.endDate, { message: 'startDate must not be after endDate', path: ['endDate'] })
    .refine((q) => Date.parse(q.endDate) - Date.parse(q.startDate) <= 366 * 86_400_000, { message: 'at most 366 days', path: ['endDate'] }),
);
