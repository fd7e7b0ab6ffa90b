import { jsonSender, readBody, type RunningServer, startServer, urlOf } from './kit';

/**
 * A fake GA4 Measurement Protocol (shared/api-facts/ga4-measurement-protocol.md): `POST /mp/collect?measurement_id=
 * &api_secret=` answers 204 for anything it receives, as Google does (a bad secret or event is dropped silently,
 * counted here in `dropped`); `POST /debug/mp/collect` records nothing and answers `{validationMessages: [...]}`
 * (client_id required, ≤ 25 events, names ≤ 40 characters starting with a letter, reserved prefixes refused,
 * ≤ 25 params, string values ≤ 100 characters). It does not check the secret, as Google's does not.
 */
export interface Ga4Sandbox extends RunningServer {
  /** Events accepted by /mp/collect with the right secret, with the request's client_id. */
  events: Array<{ client_id: string; name: string; params: Record<string, unknown> }>;
  /** Requests to /mp/collect whose secret was wrong or whose payload was invalid (still 204). */
  dropped: number;
  requests: Array<{ path: string; measurementId: string | null }>;
}

const RESERVED = /^(_|firebase_|ga_|google_|gtag\.)/;

export function validate(body: unknown): Array<{ fieldPath: string; description: string; validationCode: string }> {
  const out: Array<{ fieldPath: string; description: string; validationCode: string }> = [];
  const b = body as { client_id?: unknown; events?: Array<{ name?: unknown; params?: Record<string, unknown> }> } | null;
  if (!b || typeof b !== 'object') return [{ fieldPath: '', description: 'Unable to parse Measurement Protocol JSON payload.', validationCode: 'VALUE_INVALID' }];
  if (typeof b.client_id !== 'string' || !b.client_id) out.push({ fieldPath: 'client_id', description: 'Measurement requires a client_id.', validationCode: 'VALUE_REQUIRED' });
  const events = Array.isArray(b.events) ? b.events : [];
  if (events.length > 25) out.push({ fieldPath: 'events', description: 'Measurement has more than 25 events.', validationCode: 'EXCEEDED_MAX_ENTITIES' });
  events.forEach((e, i) => {
    const name = typeof e.name === 'string' ? e.name : '';
    if (!/^[A-Za-z][A-Za-z0-9_]{0,39}$/.test(name))
      out.push({ fieldPath: 'events', description: `Event at index: [${i}] has invalid name [${name}]. Names must start with an alphabetic character.`, validationCode: 'NAME_INVALID' });
    else if (RESERVED.test(name)) out.push({ fieldPath: 'events', description: `Event at index: [${i}] has name [${name}] which is reserved.`, validationCode: 'NAME_RESERVED' });
    const params = Object.entries(e.params ?? {});
    if (params.length > 25) out.push({ fieldPath: `events[${i}].params`, description: 'Event has more than 25 params.', validationCode: 'EXCEEDED_MAX_ENTITIES' });
    for (const [k, v] of params)
      if (typeof v === 'string' && v.length > 100)
        out.push({ fieldPath: `events[${i}].params.${k}`, description: `Event param [${k}] has a value longer than 100 characters.`, validationCode: 'VALUE_OUT_OF_BOUNDS' });
  });
  return out;
}

export async function startGa4Sandbox(opts: { measurementId: string; apiSecret: string }): Promise<Ga4Sandbox> {
  const send = jsonSender('application/json; charset=utf-8');
  const events: Ga4Sandbox['events'] = [];
  const requests: Ga4Sandbox['requests'] = [];
  const state = { dropped: 0 };
  const server = await startServer(
    async (req, res) => {
      const url = urlOf(req);
      const raw = await readBody(req);
      requests.push({ path: url.pathname, measurementId: url.searchParams.get('measurement_id') });
      if (req.method !== 'POST') return send(res, 405, undefined);
      let body: unknown;
      try {
        body = JSON.parse(raw);
      } catch {
        body = null;
      }
      if (url.pathname === '/debug/mp/collect') return send(res, 200, { validationMessages: validate(body) });
      if (url.pathname !== '/mp/collect') return send(res, 404, undefined);
      const ok = url.searchParams.get('measurement_id') === opts.measurementId && url.searchParams.get('api_secret') === opts.apiSecret && validate(body).length === 0;
      if (!ok) state.dropped++;
      else {
        const b = body as { client_id: string; events: Array<{ name: string; params?: Record<string, unknown> }> };
        for (const e of b.events) events.push({ client_id: b.client_id, name: e.name, params: e.params ?? {} });
      }
      send(res, 204, undefined);
    },
    (res) => send(res, 204, undefined),
  );
  return {
    ...server,
    events,
    requests,
    get dropped() {
      return state.dropped;
    },
  };
}
