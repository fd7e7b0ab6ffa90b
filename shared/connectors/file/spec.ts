import * as z from 'zod';
import type { ConnectorSpec } from '../types';

export const FILE_FORMATS = ['csv', 'ndjson'] as const;
export type FileFormat = (typeof FILE_FORMATS)[number];

export const FileConfigSchema = z.lazy(() =>
  z.object({
    /** The data type the rows become, e.g. leads. */
    dataType: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'lower_snake_case, such as leads').default('records'),
    /** The column (CSV header name, or NDJSON top-level field) holding each row's id: rows are upserts keyed by it. */
    idColumn: z.string().min(1).max(200),
    /** A column holding when the row last changed (any date `Date.parse` reads): an older row never overwrites a newer one. */
    modifiedColumn: z.string().min(1).max(200).optional(),
    /** How uploads are written unless the upload says otherwise (`?format=`). */
    format: z.enum(FILE_FORMATS).default('csv'),
  }),
);
export type FileConfig = z.infer<typeof FileConfigSchema>;

export const fileSpec = {
  type: 'file',
  title: 'File upload (CSV or NDJSON)',
  description: 'Records from uploaded files, such as a spreadsheet of leads: POST /api/integrations/{id}/import with a CSV or NDJSON body.',
  configSchema: FileConfigSchema,
  dataTypes: (config: FileConfig) => [config.dataType],
  defaultDataTypes: ['records'],
  imported: true,
} satisfies ConnectorSpec<typeof FileConfigSchema>;
