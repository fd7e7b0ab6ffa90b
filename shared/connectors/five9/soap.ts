import type { HttpClient } from '../../http/client';
import { type FaultRule, operation, soapCall } from '../../xml/soap';
import { toXml, type XmlNode, type XmlValue } from '../../xml/xml';

/** Five9's service namespace (v13 and the unversioned endpoint; older versions used …/v2/ etc.). */
export const FIVE9_NS = 'http://service.admin.ws.five9.com/';

const nextMinute = (now: number) => Math.floor(now / 60_000) * 60_000 + 60_000;

/**
 * Five9's faults (Configuration Web Services, "Exceptions"). Limits are counted per minute, hour and day in
 * the data centre's zone: a quota fault waits for the next minute at least, and a longer wait is the
 * engine's (the error stays retryable with its retryAt). A `SessionClosedFault` is another request with
 * the same user in flight (Five9 serves one at a time per user): it clears once that one is answered.
 */
export const FIVE9_FAULTS: Record<string, FaultRule> = {
  OperationsLimitExceededFault: { code: 'rate_limited', retryable: true, retryAt: nextMinute },
  SessionClosedFault: { code: 'session_busy', retryable: true },
  ServiceUnavailableFault: { code: 'source_unavailable', retryable: true },
  AccessDisallowedFault: { code: 'forbidden' },
  ReportNotFoundFault: { code: 'report_not_found' },
  CrmFieldNotFoundFault: { code: 'field_not_found' },
};

/** In-flight calls per Five9 user in this process: the next waits for the previous one. */
const queues = new Map<string, Promise<unknown>>();

/**
 * One Configuration Web Services call, serialised per user. Answers the `<op>Response` element.
 * @example const res = await five9Call(ctx.http, user, 'runReport', { folderName, reportName, criteria }, 'calls');
 */
export async function five9Call(http: HttpClient, user: string, op: string, content: XmlValue, stream?: string): Promise<XmlNode> {
  const url = http.opts.baseUrl ?? '';
  const key = `${url} ${user}`;
  const previous = queues.get(key) ?? Promise.resolve();
  const call = previous.catch(() => undefined).then(() =>
    soapCall({ http, url, faults: FIVE9_FAULTS }, op, operation(FIVE9_NS, op, toXml(content)), stream),
  );
  queues.set(key, call);
  try {
    return (await call)[`${op}Response`];
  } finally {
    if (queues.get(key) === call) queues.delete(key);
  }
}
