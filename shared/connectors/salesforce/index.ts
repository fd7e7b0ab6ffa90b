import * as z from 'zod';
import { MalformedPageError } from '../../errors';
import { bearerAuth, oauth2Auth, type Auth } from '../../http/auth';
import { fetchToken } from '../../http/token';
import { incrementalStart, mapRecords, maxIso, RestCursorSchema, type Incremental } from '../rest';
import type { Connector, Page, ReadContext, Stream } from '../types';
import { describeSalesforceError, parseLimitInfo, salesforceGet } from './request';
import { buildSoql } from './soql';
import { DEFAULT_API_VERSION, DEFAULT_TOKEN_URL, salesforceObjects, salesforceSpec, type SalesforceConfig, type SalesforceObject } from './spec';

/**
 * SystemModstamp is stamped when a transaction starts, so a long transaction can commit a record older than
 * a mark we already passed. Five minutes of re-reading catches those; duplicates are free (upserts).
 */
export const SALESFORCE_LOOKBACK_MS = 5 * 60_000;

/**
 * The query envelope. `nextRecordsUrl` is present while `done` is false.
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_query.htm
 */
export const QueryResultSchema = z.object({
  totalSize: z.number().int().nonnegative(),
  done: z.boolean(),
  // Only ever a path on the same instance: a URL to another host would receive our bearer token.
  nextRecordsUrl: z.string().regex(/^\/services\/data\/v\d+\.\d\/query(All)?\/[A-Za-z0-9-]+$/).optional(),
  records: z.array(z.record(z.string(), z.unknown())),
});

/** Drops `attributes` ({type, url}) from a record and from its relationship sub-records. */
export function stripAttributes(value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === 'attributes') continue;
    out[k] = v && typeof v === 'object' && !Array.isArray(v) ? stripAttributes(v as Record<string, unknown>) : v;
  }
  return out;
}

const incremental: Incremental = { field: 'SystemModstamp', param: 'q', in: 'query', format: 'iso', lookbackMs: SALESFORCE_LOOKBACK_MS };
const recordDef = {
  id: 'Id',
  incremental,
  // IsDeleted is only selected by incremental runs: dropped so a record stores the same either way, carried as `deleted`.
  map: (r: Record<string, unknown>) => {
    const { IsDeleted: _, ...rest } = stripAttributes(r);
    return rest;
  },
  deleted: (r: Record<string, unknown>) => r.IsDeleted === true,
};

/**
 * Reads one SObject: a SOQL query, then its `nextRecordsUrl` pages. The cursor is `{next, since, hwm}` like
 * every REST stream's: `next` is the query locator path while a run is in progress, `hwm` the greatest
 * SystemModstamp seen. SOQL (the `since` bound inside `q`) is what the declarative reader cannot express.
 */
function sobjectStream(obj: SalesforceObject): Stream<SalesforceConfig> {
  return {
    name: obj.name,
    async *read(ctx: ReadContext<SalesforceConfig>, rawCursor: unknown): AsyncIterable<Page> {
      const parsed = RestCursorSchema.safeParse(rawCursor ?? null);
      const stored = parsed.success ? parsed.data : null;
      const resuming = ctx.resuming && typeof stored?.next === 'string';
      let since = resuming ? stored?.since : incrementalStart(ctx as ReadContext<unknown>, stored?.hwm, SALESFORCE_LOOKBACK_MS);
      let hwm = stored?.hwm;
      let next = resuming ? (stored?.next as string) : undefined;
      // An incremental run asks queryAll, which also returns records deleted since (IsDeleted, in the recycle
      // bin for 15 days), so deletions are caught without a full run; a full run's deletion pass covers the rest.
      // https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_queryall.htm
      const withDeleted = since !== undefined;
      const fields = withDeleted ? [...obj.fields, 'IsDeleted'] : obj.fields;
      // Defaults again in case a caller hands over a config that did not go through the schema.
      const queryPath = `/services/data/${ctx.config.apiVersion ?? DEFAULT_API_VERSION}/${withDeleted ? 'queryAll' : 'query'}`;

      for (let page = 1; ; page++) {
        const got = next
          ? await salesforceGet(ctx.http, { url: next, stream: obj.name, nextPage: true })
          : await salesforceGet(ctx.http, { url: queryPath, query: { q: buildSoql({ sobject: obj.sobject, fields, since }) }, stream: obj.name });
        if (got.kind === 'locator-expired') {
          // The query is ordered by SystemModstamp, so everything below the mark has been read: start a new
          // query just below it rather than from the beginning.
          if (hwm) since = maxIso(since, new Date(Date.parse(hwm) - SALESFORCE_LOOKBACK_MS).toISOString());
          ctx.log.warn('salesforce query locator expired, restarting the query from the high-water mark', { stream: obj.name, since });
          next = undefined;
          continue;
        }
        const body = QueryResultSchema.safeParse(got.res.body);
        if (!body.success) {
          throw new MalformedPageError(`salesforce/${obj.name}: page ${page} is not a query result (${body.error.issues[0]?.path.join('.') || 'body'}: ${body.error.issues[0]?.message})`);
        }
        const { records, rejected, hwm: pageHwm } = mapRecords(recordDef, body.data.records);
        hwm = maxIso(hwm, pageHwm);
        const info = parseLimitInfo(got.res.headers['sforce-limit-info']);
        if (info && info.apiUsage >= 0.9 * info.apiLimit) ctx.log.warn('salesforce daily API allowance nearly used', { stream: obj.name, ...info });
        const more = !body.data.done && body.data.nextRecordsUrl !== undefined;
        next = more ? body.data.nextRecordsUrl : undefined;
        yield { records, rejected, cursor: more ? { next, since, hwm } : { hwm }, info: info ? { ...info, totalSize: body.data.totalSize } : { totalSize: body.data.totalSize } };
        if (!more) return;
      }
    },
  };
}

/** OAuth2: a bearer token; with a refresh token (and client id), refreshed on 401 and re-sealed. */
function salesforceAuth(config: SalesforceConfig, save: (patch: Partial<SalesforceConfig>) => Promise<void>): Auth {
  if (!config.refreshToken || !config.clientId) return bearerAuth(config.accessToken);
  const { refreshToken, clientId, clientSecret, tokenUrl } = config;
  return oauth2Auth({
    tokens: { accessToken: config.accessToken },
    // https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_refresh_token_flow.htm
    obtain: () =>
      fetchToken(tokenUrl ?? DEFAULT_TOKEN_URL, {
        grant_type: 'refresh_token',
        refresh_token: refreshToken,
        client_id: clientId,
        ...(clientSecret ? { client_secret: clientSecret } : {}),
      }),
    onToken: async (tok) => {
      const patch: Partial<SalesforceConfig> = { accessToken: tok.access_token };
      if (tok.instance_url && tok.instance_url.replace(/\/+$/, '') !== config.instanceUrl.replace(/\/+$/, '')) patch.instanceUrl = tok.instance_url;
      await save(patch);
    },
  });
}

export const salesforce: Connector<typeof salesforceSpec.configSchema> = {
  ...salesforceSpec,
  http: (config, save) => ({ baseUrl: config.instanceUrl, auth: salesforceAuth(config, save), describeError: describeSalesforceError }),
  streams: (config) => salesforceObjects(config).map(sobjectStream),
  /** One cheap SOQL call: proves the token, the instance and read access to the first object. */
  async test(ctx) {
    const obj = salesforceObjects(ctx.config)[0];
    try {
      const got = await salesforceGet(ctx.http, {
        url: `/services/data/${ctx.config.apiVersion ?? DEFAULT_API_VERSION}/query`,
        query: { q: buildSoql({ sobject: obj.sobject, fields: ['Id'], limit: 1 }) },
      });
      if (got.kind !== 'ok' || !QueryResultSchema.safeParse(got.res.body).success) return { ok: false, message: 'Salesforce answered with something that is not a query result' };
      const info = parseLimitInfo(got.res.headers['sforce-limit-info']);
      return { ok: true, message: `Connected to Salesforce ${ctx.config.apiVersion ?? DEFAULT_API_VERSION}${info ? ` (API usage ${info.apiUsage}/${info.apiLimit} today)` : ''}` };
    } catch (err) {
      return { ok: false, message: (err as Error).message };
    }
  },
};
