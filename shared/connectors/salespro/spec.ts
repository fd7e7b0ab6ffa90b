import * as z from 'zod';
import { secret, sendsSecrets } from '../secret';
import type { ConnectorSpec } from '../types';
import { SALESPRO_DATA_TYPES, TablesSchema } from './tables';

/**
 * SalesPro's data is queried through AWS Athena. Without keys the worker Lambda's own role is used (the
 * statements in `deploy.iamStatements`); with keys, that IAM user needs the same permissions.
 */
export const SalesProConfigSchema = z.lazy(() =>
  z
    .object({
      region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'an AWS region such as us-east-1'),
      database: z.string().min(1).max(255),
      workgroup: z.string().min(1).max(128).optional(),
      /** Where Athena writes results, e.g. s3://my-athena-results/salespro/. */
      outputLocation: z.string().regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/, 'an s3:// URI'),
      /** Data catalog; Athena's default is AwsDataCatalog (Glue). */
      catalog: z.string().min(1).max(256).optional(),
      accessKeyId: z.string().regex(/^[A-Z0-9]{16,128}$/).optional(),
      secretAccessKey: secret(z.string().min(1)).optional(),
      sessionToken: secret(z.string().min(1)).optional(),
      /** Endpoint override (a regional/VPC endpoint, or a local stand-in for tests and demos). */
      endpoint: sendsSecrets(z.url().optional()),
      /**
       * Per data type: the Athena table and its id and updated-at columns, when the export differs from the
       * defaults (`<data type>` table, `<entity>_id` else `id`, `updated_at` else `modified`/`last_modified`).
       */
      tables: TablesSchema.optional(),
      /** Incremental reads start this many minutes before the high-water mark, for rows that land late. */
      lookbackMinutes: z.number().int().min(0).max(1440).default(10),
    })
    .refine((c) => !!c.accessKeyId === !!c.secretAccessKey, {
      message: 'accessKeyId and secretAccessKey go together (or leave both out to use the Lambda role)',
      path: ['secretAccessKey'],
    }),
);
export type SalesProConfig = z.infer<typeof SalesProConfigSchema>;

export const salesproSpec = {
  type: 'salespro',
  title: 'SalesPro (AWS Athena)',
  description: 'Credit applications, customers, estimates and lead results from SalesPro, queried with AWS Athena.',
  configSchema: SalesProConfigSchema,
  dataTypes: () => [...SALESPRO_DATA_TYPES],
  defaultDataTypes: [...SALESPRO_DATA_TYPES],
  // Athena's API quotas are per account and region (StartQueryExecution/GetQueryExecution/GetQueryResults
  // have burst/refill quotas around 20 calls/s: https://docs.aws.amazon.com/athena/latest/ug/service-limits.html).
  rateLimit: { requests: 20, windowMs: 1000 },
  deploy: {
    // Athena queries over a large table can run for minutes; the worker needs Lambda's full 15 minutes.
    timeout: 900,
    iamStatements: [
      {
        Effect: 'Allow',
        Action: ['athena:StartQueryExecution', 'athena:GetQueryExecution', 'athena:GetQueryResults', 'athena:StopQueryExecution'],
        // The workgroup is per integration config, unknown when the stack deploys, so any workgroup.
        Resource: ['arn:aws:athena:*:*:workgroup/*'],
      },
      {
        Effect: 'Allow',
        // The tables' columns, checked before the first query; the catalog is per integration config.
        Action: ['athena:GetTableMetadata'],
        Resource: ['arn:aws:athena:*:*:datacatalog/*'],
      },
      {
        Effect: 'Allow',
        Action: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetPartitions'],
        // Athena resolves tables through the Glue catalog with the caller's rights; the database is per
        // integration, so the catalog plus any database/table in it.
        Resource: ['arn:aws:glue:*:*:catalog', 'arn:aws:glue:*:*:database/*', 'arn:aws:glue:*:*:table/*/*'],
      },
      {
        Effect: 'Allow',
        Action: ['s3:GetBucketLocation', 's3:ListBucket'],
        // Both the results bucket (outputLocation) and SalesPro's data bucket are per integration config and
        // not known at deploy time; Athena reads the data and writes results with the caller's rights.
        Resource: ['arn:aws:s3:::*'],
      },
      {
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'],
        Resource: ['arn:aws:s3:::*/*'],
      },
    ],
  },
} satisfies ConnectorSpec<typeof SalesProConfigSchema>;
