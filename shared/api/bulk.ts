import { ulid } from 'ulid';
import type { S3Files } from '../blobs/s3';
import { streamed, viaS3 } from '../bulk/deliver';
import { openExport } from '../bulk/export';
import { importFile } from '../bulk/import';
import { ExportLinkSchema, ExportQuerySchema, ImportQuerySchema, ImportResultSchema } from '../bulk/schemas';
import type { App } from '../services/app';
import { parse } from '../validate';
import type { Route } from './router';

/** Largest upload: a Lambda takes at most 6 MB of request, and API Gateway may hand it a body base64-encoded. */
export const MAX_IMPORT_BYTES = 4 * 1024 * 1024;

/**
 * Bulk export of a data type and import into a file integration. `files`: where the deployed API puts large
 * exports (S3), asked for only when an export is answered, so a missing bucket fails exports alone; without it
 * (the local server) an export streams in the answer.
 */
export function bulkRoutes(app: App, files?: () => Promise<S3Files>): Route[] {
  return [
    {
      method: 'GET',
      path: '/api/integrations/{id}/export',
      auth: true,
      summary: 'Every record of a data type as NDJSON or CSV (streamed; in AWS a large one answers a presigned URL)',
      query: ExportQuerySchema,
      responses: {
        200: { description: 'The file: NDJSON (one Integration Data Object a line) or CSV (RFC 4180)', raw: ['application/x-ndjson', 'text/csv'], headers: { 'content-disposition': 'attachment, with the file name' } },
        201: { description: 'In AWS, an export over 1 MB: written to S3, to download from `url` (presigned) until `expiresAt`', body: () => ExportLinkSchema, headers: { location: 'The download URL' } },
      },
      errors: ['integration_not_found', 'too_many_columns'],
      handle: async (req) => {
        const q = parse(ExportQuerySchema, req.query, 'query');
        const i = await app.integrations.require(req.tenantId!, req.params.id);
        const file = await openExport(app.records, i.id, {
          dataType: q.dataType,
          format: q.format,
          modifiedAfter: q.modifiedAfter && new Date(q.modifiedAfter).toISOString(),
          includeDeleted: q.includeDeleted === 'true',
        });
        return files ? viaS3(file, await files(), `exports/${i.tenantId}/${i.id}/${ulid()}/${file.filename}`) : streamed(file);
      },
    },
    {
      method: 'POST',
      path: '/api/integrations/{id}/import',
      auth: true,
      rawBody: { mediaTypes: ['text/csv', 'application/x-ndjson'], headers: [] },
      maxBody: MAX_IMPORT_BYTES,
      summary: 'Upserts the rows of a CSV or NDJSON body into a file integration, as a run; per-row errors by row number',
      query: ImportQuerySchema,
      responses: { 200: { description: 'The import: its run, figures, row errors (and a dry run\'s first rows)', body: () => ImportResultSchema } },
      errors: ['integration_not_found', 'not_importable', 'empty_body', 'invalid_file'],
      handle: async (req) => {
        const q = parse(ImportQuerySchema, req.query, 'query');
        const i = await app.integrations.require(req.tenantId!, req.params.id);
        return { status: 200, body: await importFile(app, i, req.rawBody, { format: q.format, dryRun: q.dryRun === 'true' }) };
      },
    },
  ];
}
