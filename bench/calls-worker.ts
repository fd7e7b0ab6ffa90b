/**
 * The worker side of the calls bench's memory figure, in its own process (the sandboxes holding the file live in
 * the parent): streams one recording from the RingCentral sandbox into a Zoho attachment with the flow's own code
 * and prints its resident memory and live Buffer memory (ArrayBuffers) before and at the peak (sampled every
 * 5 ms), as one JSON line.
 */
import { applyLocalDefaults } from '../shared/local/settings';
import { bearerAuth } from '../shared/http/auth';
import { HttpClient } from '../shared/http/client';
import { openRecording } from '../shared/connectors/ringcentral/media';
import { attachFile } from '../shared/destinations/zoho-leads';

async function main() {
  applyLocalDefaults();
  const [rcUrl, rcToken, contentPath, warmPath, zohoUrl, zohoToken, leadId, warmUps] = process.argv.slice(2);
  const rc = new HttpClient({ connector: 'ringcentral', integrationId: 'bench', baseUrl: rcUrl, auth: bearerAuth(rcToken) });
  const zoho = new HttpClient({ connector: 'zoho', integrationId: 'bench', baseUrl: zohoUrl, auth: bearerAuth(zohoToken, 'Zoho-oauthtoken') });
  // Small files first, so lazily loaded code and first-use allocations are not counted against the big one. One
  // is enough for our code; it takes about ten (1 MB each) before V8 has optimised undici's WebAssembly HTTP
  // parser, a compilation that holds ~25 MB for a moment, once per process. Collected after each, so what they
  // leave behind is not in the baseline.
  for (let i = 0; i < Number(warmUps ?? 1); i++) {
    await attachFile(zoho, 'Leads', leadId, () => openRecording(rc, rcUrl + warmPath, 'warm', [new URL(rcUrl).origin]));
    global.gc?.();
  }
  const base = process.memoryUsage();
  let peak = base.rss;
  let buffers = base.arrayBuffers;
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
  process.stdout.write(
    JSON.stringify({ attachmentId: id, seconds: (Date.now() - t0) / 1000, baseRssBytes: base.rss, peakRssBytes: peak, baseArrayBufferBytes: base.arrayBuffers, peakArrayBufferBytes: buffers }) + '\n',
  );
}

main().catch((err) => {
  process.stderr.write(String(err?.stack ?? err) + '\n');
  process.exit(1);
});
