/**
 * A URL fit for a delivery log: no userinfo, query or fragment, and long token-like path segments masked
 * (a Slack incoming-webhook URL carries its credential in the path: /services/T…/B…/<token>).
 */
export function safeLogUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '(invalid url)';
  }
  if (parsed.hostname === 'hooks.slack.com') return `${parsed.protocol}//${parsed.host}/services/***`;
  const path = parsed.pathname
    .split('/')
    .map((seg) => (seg.length >= 16 && /^[A-Za-z0-9_-]+$/.test(seg) && /\d/.test(seg) && /[A-Za-z]/.test(seg) ? '***' : seg))
    .join('/');
  return `${parsed.protocol}//${parsed.host}${path}`;
}
