/**
 * `npm run package`: the drivers layer (scripts/build-layer.ts), then `osls package` with the given arguments,
 * offline. osls asks CloudFormation for the deployed stack's outputs to reuse an unchanged layer's upload; here a
 * stand-in on 127.0.0.1 answers that no stack exists, so the layer is always zipped afresh. `osls deploy` packages
 * by itself, against the real CloudFormation.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { buildLayer } from './build-layer';

/** CloudFormation's (awsQuery) answer to DescribeStacks for a stack never deployed; osls reads it as "no stack". */
const NO_STACK = '<ErrorResponse><Error><Type>Sender</Type><Code>ValidationError</Code><Message>Stack does not exist</Message></Error></ErrorResponse>';

async function main(args: string[]): Promise<number> {
  console.log(`drivers layer: ${buildLayer()} packages`);
  const server = createServer((req, res) => {
    req.resume();
    res.writeHead(400, { 'content-type': 'text/xml' }).end(NO_STACK);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const osls = spawn(join(__dirname, '..', 'node_modules', '.bin', 'osls'), ['package', ...args], {
      stdio: 'inherit',
      env: { ...process.env, AWS_ENDPOINT_URL_CLOUDFORMATION: `http://127.0.0.1:${port}` },
    });
    return await new Promise<number>((resolve, reject) => osls.on('error', reject).on('exit', (code) => resolve(code ?? 1)));
  } finally {
    server.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
