import * as z from 'zod';
import { secret, sendsSecrets } from '../secret';
import type { ConnectorSpec } from '../types';

/** The seeds' two sheets: marketing leads and marketing spends. */
export const GOOGLE_SHEETS_DEFAULT_TYPES = ['marketing_leads', 'marketing_spends'] as const;

export const SheetSchema = z.lazy(() =>
  z.object({
    /** The data type (stream) this sheet feeds, e.g. marketing_leads. */
    dataType: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'lower_snake_case, such as marketing_leads'),
    /** The id in the sheet's URL: docs.google.com/spreadsheets/d/{spreadsheetId}/edit */
    spreadsheetId: z.string().regex(/^[A-Za-z0-9_-]{1,200}$/, 'the id from the spreadsheet URL'),
    /**
     * An A1 range whose first row is the header: `Leads`, `Leads!A:F`, `'Marketing Spend'!A3:H`,
     * `Leads!A1:F500`. Named ranges are not supported (the range is read in row windows).
     */
    range: z.string().min(1).max(250),
    /**
     * Header name of the column holding each row's id. Without it the id is the 1-based sheet row number,
     * so inserting or deleting rows above a row changes its id.
     */
    idColumn: z.string().min(1).max(200).optional(),
  }),
);
export type Sheet = z.infer<typeof SheetSchema>;

export const GoogleSheetsConfigSchema = z.lazy(() =>
  z
    .object({
      baseUrl: sendsSecrets(z.url().default('https://sheets.googleapis.com')),
      tokenUrl: sendsSecrets(z.url().default('https://oauth2.googleapis.com/token')),
      /** The service account's client_email; share each spreadsheet with it (Viewer). */
      serviceAccountEmail: z.email(),
      /** The service account's private_key (PEM) from its JSON key file. */
      privateKey: secret(z.string().min(1)),
      sheets: z.array(SheetSchema).min(1).max(50),
      /** Rows per request: large sheets are read in windows of this many rows, one page each. */
      chunkRows: z.number().int().min(1).max(10_000).default(1000),
    })
    .refine((c) => new Set(c.sheets.map((s) => s.dataType)).size === c.sheets.length, {
      message: 'each sheet needs its own dataType',
      path: ['sheets'],
    }),
);
export type GoogleSheetsConfig = z.infer<typeof GoogleSheetsConfigSchema>;

export const googleSheetsSpec = {
  type: 'google_sheets',
  title: 'Google Sheets',
  description: 'Rows of Google Sheets (e.g. marketing leads and spends), read with a service account.',
  configSchema: GoogleSheetsConfigSchema,
  dataTypes: (config: GoogleSheetsConfig) => config.sheets.map((s) => s.dataType),
  defaultDataTypes: [...GOOGLE_SHEETS_DEFAULT_TYPES],
  // The seeds' figure; Sheets' own read quota is per minute per user too:
  // https://developers.google.com/workspace/sheets/api/limits
  rateLimit: { requests: 60, windowMs: 60_000 },
} satisfies ConnectorSpec<typeof GoogleSheetsConfigSchema>;
