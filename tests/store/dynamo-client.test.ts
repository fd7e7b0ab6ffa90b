import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { resetConfig } from '../../shared/config';
import { isConditionalCheckFailed } from '../../shared/errors';
import { DynamoClient, GetCommand, PutCommand, type DynamoError } from '../../shared/store/dynamo';

interface Seen {
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}
type Answer = { status: number; body: unknown } | 'reset' | 'silent';

/** A loopback stand-in for DynamoDB that answers each request with the next of `answers` and keeps what it was sent. */
async function fakeDynamo(answers: Answer[], host = '127.0.0.1', timeoutMs?: number) {
  const seen: Seen[] = [];
  const server = createServer(async (req, res) => {
    seen.push({ headers: req.headers, body: JSON.parse(await text(req)) });
    const answer = answers.shift() ?? { status: 500, body: { __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: 'no answer left' } };
    if (answer === 'reset') return void req.socket.destroy();
    if (answer === 'silent') return;
    res.writeHead(answer.status, { 'Content-Type': 'application/x-amz-json-1.0', 'x-amzn-RequestId': 'req-1' }).end(JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const endpoint = `http://${host.includes(':') ? `[${host}]` : host}:${(server.address() as AddressInfo).port}`;
  const waits: number[] = [];
  const client = new DynamoClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' }, timeoutMs, sleep: async (ms) => void waits.push(ms) });
  return {
    endpoint,
    client,
    seen,
    waits,
    close: () => (client.destroy(), server.closeAllConnections(), new Promise((resolve) => server.close(resolve))),
  };
}

const error = (name: string, message = 'refused') => ({ status: 400, body: { __type: `com.amazonaws.dynamodb.v20120810#${name}`, message } });
const get = new GetCommand({ TableName: 't', Key: { PK: 'a', SK: 'b' } });

describe('Class: DynamoClient', () => {
  describe('Method: send', () => {
    it('drops a connection that never answers and retries the call, then fails naming the wait', async () => {
      const fake = await fakeDynamo(['silent', { status: 200, body: { Item: { PK: { S: 'a' } } } }, 'silent', 'silent', 'silent', 'silent', 'silent'], '127.0.0.1', 100);
      try {
        expect(await fake.client.send(get)).toEqual({ Item: { PK: 'a' } });
        expect(fake.seen).toHaveLength(2);
        await expect(fake.client.send(get)).rejects.toMatchObject({ code: 'ETIMEDOUT', message: 'DynamoDB did not answer within 100 ms' });
        expect(fake.seen).toHaveLength(7);
      } finally {
        await fake.close();
      }
    });

    it('retries throttling with jittered waits and answers the document shape: numbers as numbers', async () => {
      const fake = await fakeDynamo([
        error('ProvisionedThroughputExceededException'),
        error('ProvisionedThroughputExceededException'),
        { status: 200, body: { Item: { PK: { S: 'a' }, n: { N: '42' }, f: { N: '3.5' }, l: { L: [{ N: '1' }, { S: 'x' }] }, m: { M: { ok: { BOOL: true } } } } } },
      ]);
      try {
        expect(await fake.client.send(get)).toEqual({ Item: { PK: 'a', n: 42, f: 3.5, l: [1, 'x'], m: { ok: true } } });
        expect(fake.seen).toHaveLength(3);
        expect(fake.waits).toHaveLength(2);
        // Full jitter under the SDK's throttling base (500 ms, doubling).
        fake.waits.forEach((ms, i) => expect(ms).toBeLessThanOrEqual(500 * 2 ** i));
      } finally {
        await fake.close();
      }
    });

    it('retries a 5xx and a reset connection', async () => {
      const fake = await fakeDynamo(['reset', { status: 503, body: {} }, { status: 200, body: {} }]);
      try {
        expect(await fake.client.send(get)).toEqual({});
        expect(fake.seen).toHaveLength(3);
      } finally {
        await fake.close();
      }
    });

    it('gives up after 5 tries with the last error, named and with its status', async () => {
      const fake = await fakeDynamo(Array.from({ length: 6 }, () => error('ThrottlingException', 'slow down')));
      try {
        await expect(fake.client.send(get)).rejects.toMatchObject({ name: 'ThrottlingException', message: 'slow down', $metadata: { httpStatusCode: 400, requestId: 'req-1' } });
        expect(fake.seen).toHaveLength(5);
      } finally {
        await fake.close();
      }
    });

    it.each(['ConditionalCheckFailedException', 'ValidationException'])('never retries %s, and names it as the SDK did', async (name) => {
      const fake = await fakeDynamo([error(name, 'The conditional request failed'), { status: 200, body: {} }]);
      try {
        const err = (await fake.client.send(new PutCommand({ TableName: 't', Item: { PK: 'a', SK: 'b' }, ConditionExpression: 'attribute_not_exists(PK)' })).catch((e: unknown) => e)) as DynamoError;
        expect(err).toBeInstanceOf(Error);
        expect(err.name).toBe(name);
        expect(err.message).toBe('The conditional request failed');
        expect(err.$metadata.httpStatusCode).toBe(400);
        expect(isConditionalCheckFailed(err)).toBe(name === 'ConditionalCheckFailedException');
        expect(fake.seen).toHaveLength(1);
      } finally {
        await fake.close();
      }
    });

    it('marshals as the document client did: undefined values removed, class instances as maps, binary as base64 and back', async () => {
      class Point {
        constructor(
          readonly x: number,
          readonly y?: number,
        ) {}
      }
      const fake = await fakeDynamo([{ status: 200, body: {} }, { status: 200, body: { Item: { PK: { S: 'a' }, b: { B: 'AQID' } } } }]);
      try {
        await fake.client.send(new PutCommand({ TableName: 't', Item: { PK: 'a', gone: undefined, nested: { keep: 1, gone: undefined }, at: new Point(1), b: Buffer.from([1, 2, 3]) } }));
        expect(fake.seen[0].body).toEqual({ TableName: 't', Item: { PK: { S: 'a' }, nested: { M: { keep: { N: '1' } } }, at: { M: { x: { N: '1' } } }, b: { B: 'AQID' } } });
        const out = await fake.client.send(get);
        expect(Buffer.from(out.Item!.b as Uint8Array)).toEqual(Buffer.from([1, 2, 3]));
      } finally {
        await fake.close();
      }
    });

    it('reaches an IPv6 endpoint: the host bracketed in the Host header it signs, bare for the socket', async () => {
      const fake = await fakeDynamo([{ status: 200, body: {} }], '::1');
      try {
        await fake.client.send(get);
        expect(fake.seen[0].headers.host).toBe(new URL(fake.endpoint).host);
        expect(fake.seen[0].headers.authorization).toMatch(/SignedHeaders=content-length;content-type;host;/);
      } finally {
        await fake.close();
      }
    });

    it("signs with SigV4 for DynamoDB in the region, with the environment's credentials and session token (what Lambda gives)", async () => {
      const before = { ...process.env };
      Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'AKIDENV', AWS_SECRET_ACCESS_KEY: 'envsecret', AWS_SESSION_TOKEN: 'session-token' });
      resetConfig();
      const fake = await fakeDynamo([{ status: 200, body: {} }]);
      const client = new DynamoClient({ endpoint: fake.endpoint, region: 'us-east-1' });
      try {
        await client.send(get);
        const { headers } = fake.seen[0];
        expect(headers['x-amz-target']).toBe('DynamoDB_20120810.GetItem');
        expect(headers['content-type']).toBe('application/x-amz-json-1.0');
        expect(headers['x-amz-security-token']).toBe('session-token');
        const date = String(headers['x-amz-date']).slice(0, 8);
        expect(date).toMatch(/^\d{8}$/);
        expect(headers.authorization).toMatch(
          new RegExp(`^AWS4-HMAC-SHA256 Credential=AKIDENV/${date}/us-east-1/dynamodb/aws4_request, SignedHeaders=[a-z0-9;-]*x-amz-security-token;x-amz-target, Signature=[0-9a-f]{64}$`),
        );
        expect(JSON.stringify(fake.seen)).not.toContain('envsecret');
      } finally {
        client.destroy();
        await fake.close();
        process.env = before;
        resetConfig();
      }
    });

    it("without credentials in the environment, takes the SDK's default chain (a developer's profile)", async () => {
      const dir = mkdtempSync(join(tmpdir(), 'sb-aws-'));
      writeFileSync(join(dir, 'credentials'), '[dev]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = profilesecret\n');
      writeFileSync(join(dir, 'config'), '');
      const before = { ...process.env };
      for (const k of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']) delete process.env[k];
      // Were the profile not found, the chain must not go on to the instance metadata address: it is not loopback.
      Object.assign(process.env, { AWS_PROFILE: 'dev', AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'), AWS_CONFIG_FILE: join(dir, 'config'), AWS_EC2_METADATA_DISABLED: 'true' });
      resetConfig();
      const fake = await fakeDynamo([{ status: 200, body: {} }, { status: 200, body: {} }]);
      const client = new DynamoClient({ endpoint: fake.endpoint, region: 'eu-west-1' });
      try {
        await client.send(get);
        await client.send(get);
        for (const { headers } of fake.seen) expect(headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDPROFILE\/\d{8}\/eu-west-1\/dynamodb\/aws4_request, /);
        expect(fake.seen[0].headers['x-amz-security-token']).toBeUndefined();
      } finally {
        client.destroy();
        await fake.close();
        process.env = before;
        resetConfig();
      }
    });
  });
});
