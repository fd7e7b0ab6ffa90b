import * as z from 'zod';

/**
 * The one place that reads `process.env`. Deployed values come from serverless.yml; local defaults make
 * `npm start` work with nothing set.
 */
const ConfigSchema = z.object({
  STAGE: z.string().default('local'),
  TABLE_NAME: z.string().default('switchboard'),
  /** KMS key id or alias; when absent, secrets are sealed with the local keyring file. */
  KMS_KEY_ID: z.string().optional(),
  SWITCHBOARD_DATA_DIR: z.string().default('.data'),
  /** SQS queue URLs are `${QUEUE_URL_PREFIX}${connectorType}`; locally queues are in process. */
  QUEUE_URL_PREFIX: z.string().optional(),
  /** Lambda function names are `${FUNCTION_NAME_PREFIX}${key}` (the testConnection function invokes workers); locally in process. */
  FUNCTION_NAME_PREFIX: z.string().optional(),
  /** Seconds before the Lambda deadline at which a sync checkpoints and re-enqueues a continuation. */
  SYNC_SAFETY_MARGIN_S: z.coerce.number().int().positive().default(60),
  /**
   * Tenant-supplied URLs (connector base and token URLs, notification channels) may reach loopback only when
   * this is set (local stack and tests, whose sandboxes listen on 127.0.0.1). Private, link-local and metadata
   * addresses are refused always.
   */
  ALLOW_LOOPBACK_TARGETS: z
    .enum(['true', 'false', '1', '0'])
    .default('false')
    .transform((v) => v === 'true' || v === '1'),
  /**
   * Private addresses a tenant's database host (or SDK endpoint) may resolve to, for databases in the
   * customer's VPC: host names, IPs or CIDRs, comma or space separated (the `privateTargetAllowlist` stage
   * parameter of serverless.yml). Private, unique-local and CGNAT ranges only: loopback, link-local (the
   * metadata service) and reserved addresses stay refused whatever it says.
   */
  PRIVATE_TARGET_ALLOWLIST: z
    .string()
    .default('')
    .transform((v) => v.split(/[\s,]+/).filter(Boolean)),
  PUBLIC_BASE_URL: z.string().default('http://127.0.0.1:3000'),
  /**
   * Sign-in for people (README "Sign-in"): the OIDC provider's issuer and the audience (client id) its tokens
   * are for, from the `oidcIssuer` / `oidcAudience` stage parameters. Empty: API keys only.
   */
  OIDC_ISSUER: z.string().default(''),
  OIDC_AUDIENCE: z.string().default(''),
  /** The claims naming a person's tenant and role; a token without the tenant claim is looked up by the user claim. */
  OIDC_TENANT_CLAIM: z.string().min(1).default('tenant'),
  OIDC_ROLE_CLAIM: z.string().min(1).default('role'),
  OIDC_USER_CLAIM: z.string().min(1).default('sub'),
  /** The only signing algorithms accepted (API Gateway's JWT authorizer takes RSA keys). */
  OIDC_ALGORITHMS: z
    .string()
    .default('RS256')
    .transform((v) => v.split(/[\s,]+/).filter(Boolean)),
  /** The S3 bucket the deployed API writes large exports to; locally exports stream from the server instead. */
  EXPORT_BUCKET: z.string().optional(),
  /**
   * The store client's AWS settings (shared/store/dynamo.ts), read as the SDK reads them: Lambda sets the region
   * and the function role's credentials; AWS_ENDPOINT_URL_DYNAMODB points the client at another server.
   */
  AWS_REGION: z.string().optional(),
  AWS_DEFAULT_REGION: z.string().optional(),
  AWS_ENDPOINT_URL_DYNAMODB: z.string().optional(),
  AWS_ACCESS_KEY_ID: z.string().optional(),
  AWS_SECRET_ACCESS_KEY: z.string().optional(),
  AWS_SESSION_TOKEN: z.string().optional(),
});

export type Config = z.infer<typeof ConfigSchema>;

let cached: Config | undefined;
export function config(): Config {
  cached ??= ConfigSchema.parse(process.env);
  return cached;
}
/** Tests and the local stack change the environment before first use; this forgets the parsed copy. */
export function resetConfig(): void {
  cached = undefined;
}
