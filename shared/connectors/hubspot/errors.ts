import { scrub } from '../../log';
import { HubspotErrorSchema } from './wire';

/**
 * Turns HubSpot's error body into the detail of our SourceError: category (or the rate-limit policy), the
 * message, and the correlationId HubSpot support asks for. Tokens are scrubbed; the message is capped.
 * https://developers.hubspot.com/docs/api/error-handling
 * @example describeHubspotError(401, { category: 'INVALID_AUTHENTICATION', message: 'Authentication credentials not found.' })
 *   // → 'INVALID_AUTHENTICATION: Authentication credentials not found.'
 */
export function describeHubspotError(_status: number, body: unknown): string | undefined {
  const parsed = HubspotErrorSchema.safeParse(body);
  if (!parsed.success) return undefined;
  const { message, category, errorType, policyName, correlationId } = parsed.data;
  const kind = policyName ?? category ?? errorType;
  const text = message ? scrub(message).slice(0, 300) : undefined;
  const parts = [kind && text ? `${kind}: ${text}` : (kind ?? text)].filter(Boolean);
  if (!parts.length) return undefined;
  return correlationId ? `${parts[0]}; correlationId ${correlationId}` : parts[0];
}
