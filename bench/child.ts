/**
 * Runs one server of the benchmark in its own process, as DynamoDB and the vendor are in production: the
 * store (`dynalite`) or the HubSpot sandbox (`hubspot <contacts>`). Prints one JSON line with its address,
 * then answers each `cpu` line on stdin with the CPU seconds it has used (the work it did, whatever else
 * the machine was running).
 */
import { createInterface } from 'node:readline';
import { startDynalite } from '../shared/local/dynamo';
import { startHubspotSandbox } from '../tests/sandboxes/hubspot';

// A clean exit on SIGTERM, so a --cpu-prof profile is written.
process.once('SIGTERM', () => process.exit(0));

async function main() {
  const [what, n] = process.argv.slice(2);
  if (what === 'dynalite') {
    const d = await startDynalite();
    process.stdout.write(JSON.stringify({ url: d.endpoint }) + '\n');
  } else if (what === 'hubspot') {
    const s = await startHubspotSandbox({ contacts: Number(n), companies: 0, deals: 0, rateLimit: false, keepAliveTimeout: 30_000 });
    process.stdout.write(JSON.stringify({ url: s.url, token: s.token }) + '\n');
  } else throw new Error(`unknown server ${what}`);
  createInterface({ input: process.stdin }).on('line', () => {
    const u = process.cpuUsage();
    process.stdout.write(JSON.stringify({ cpuSeconds: (u.user + u.system) / 1e6 }) + '\n');
  });
}
void main();
