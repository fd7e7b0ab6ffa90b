/**
 * Runs one server of the benchmark in its own process, as DynamoDB and the vendor are in production: the
 * store (`dynalite`) or the HubSpot sandbox (`hubspot <contacts>`). Prints one JSON line with its address.
 */
import { startDynalite } from '../shared/local/dynamo';
import { startHubspotSandbox } from '../tests/sandboxes/hubspot';

async function main() {
  const [what, n] = process.argv.slice(2);
  if (what === 'dynalite') {
    const d = await startDynalite();
    process.stdout.write(JSON.stringify({ url: d.endpoint }) + '\n');
  } else if (what === 'hubspot') {
    const s = await startHubspotSandbox({ contacts: Number(n), companies: 0, deals: 0, rateLimit: false });
    process.stdout.write(JSON.stringify({ url: s.url, token: s.token }) + '\n');
  } else throw new Error(`unknown server ${what}`);
}
void main();
