/**
 * An HTTP-date in the preferred IMF-fixdate form (RFC 9110 §5.6.7), e.g. `Fri, 18 Sep 2026 12:02:56 GMT`:
 * what `If-Modified-Since` carries. A server that parses only HTTP-dates ignores an ISO 8601 value, silently
 * turning every incremental read into a full one.
 */
export function httpDate(at: string | number): string {
  return new Date(typeof at === 'string' ? Date.parse(at) : at).toUTCString();
}
