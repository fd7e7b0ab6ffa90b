import * as z from 'zod';
import { FILE_FORMATS } from '../connectors/file/spec';
import { isoDate } from '../services/schemas';
import { EXPORT_FORMATS } from './export';

const flag = z.lazy(() => z.enum(['true', 'false']));

export const ExportQuerySchema = z.lazy(() =>
  z.strictObject({
    dataType: z.string().min(1).max(128),
    format: z.enum(EXPORT_FORMATS).default('ndjson'),
    modifiedAfter: isoDate.optional(),
    includeDeleted: flag.optional(),
  }),
);

export const ImportQuerySchema = z.lazy(() =>
  z.strictObject({
    /** Overrides the integration's configured format for this upload. */
    format: z.enum(FILE_FORMATS).optional(),
    /** Parse and compare only: nothing is written and no run is recorded; the answer previews the first rows. */
    dryRun: flag.optional(),
  }),
);

const RowErrorSchema = z.lazy(() => z.strictObject({ row: z.number().int(), id: z.string().optional(), reason: z.string() }));

/** What an import answers: its run, figures, the first row errors and, for a dry run, the first rows. */
export const ImportResultSchema = z.lazy(() =>
  z.strictObject({
    /** The run the import is recorded as (none for a dry run). */
    runId: z.string().nullable(),
    status: z.enum(['succeeded', 'partial']),
    dryRun: z.boolean(),
    dataType: z.string(),
    stats: z.strictObject({ processed: z.number(), created: z.number(), updated: z.number(), unchanged: z.number(), deleted: z.number(), failed: z.number() }),
    errors: z.array(RowErrorSchema),
    preview: z.array(z.strictObject({ row: z.number().int(), id: z.string(), data: z.record(z.string(), z.unknown()) })).optional(),
  }),
);
export type ImportResult = z.infer<typeof ImportResultSchema>;
export type RowError = z.infer<typeof RowErrorSchema>;

/** A large export in AWS: where to download it (a presigned S3 URL) until when. */
export const ExportLinkSchema = z.lazy(() =>
  z.strictObject({
    url: z.string(),
    expiresAt: z.string(),
    bytes: z.number().int(),
    contentType: z.string(),
    filename: z.string(),
  }),
);
