/**
 * The worker side of the calls bench's memory figure, in its own process (the sandboxes holding the file live in
 * the parent): streams one recording from the RingCentral sandbox into a Zoho attachment with the flow's own code
 * and prints its resident memory before and at the peak, and the peak of live Buffer memory (sampled every 5 ms),
 * as one JSON line.
 */
import { applyLocalDefaults } from '../shared/local/settings';
import { bearerAuth } from '../shared/http/auth';
import { HttpClient } from '../shared/http/client';
import { openRecording } from '../shared/connectors/ringcentral/media';
import { attachFile } from '../shared/destinations/zoho-leads';

async function main() {
  applyLocalDefaults();
  const [rcUrl, rcToken, contentPath, warmPath, zohoUrl, zohoToken, leadId] = process.argv.slice(2);
  const rc = new HttpClient({ connector: 'ringcentral', integrationId: 'bench', baseUrl: rcUrl, auth: bearerAuth(rcToken) });
  const zoho = new HttpClient({ connector: 'zoho', integrationId: 'bench', baseUrl: zohoUrl, auth: bearerAuth(zohoToken, 'Zoho-oauthtoken') });
  // A small file first, so lazily loaded code and first-use allocations are not counted against the big one.
  await attachFile(zoho, 'Leads', leadId, () => openRecording(rc, rcUrl + warmPath, 'warm', [new URL(rcUrl).origin]));
  global.gc?.();
  const base = process.memoryUsage().rss;
  let peak = base;
  let buffers = 0;
  const sample = () => {
    const m = process.memoryUsage();
    peak = Math.max(peak, m.rss);
    buffers = Math.max(buffers, m.arrayBuffers);
  };
  const timer = setInterval(sample, 5);
  const t0 = Date.now();
  const id = await attachFile(zoho, 'Leads', leadId, () => openRecording(rc, rcUrl + contentPath, 'bench', [new URL(rcUrl).origin]));
  clearInterval(timer);
  sample();
  process.stdout.write(JSON.stringify({ attachmentId: id, seconds: (Date.now() - t0) / 1000, baseRssBytes: base, peakRssBytes: peak, peakArrayBufferBytes: buffers }) + '\n');
}

main().catch((err) => {
  process.stderr.write(String(err?.stack ?? err) + '\n');
  process.exit(1);
});
