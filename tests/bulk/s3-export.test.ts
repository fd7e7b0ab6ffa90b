import { CompleteMultipartUploadCommand, CreateMultipartUploadCommand, PutObjectCommand, S3Client, UploadPartCommand } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { bulkRoutes } from '../../shared/api/bulk';
import { createApiHandler } from '../../shared/api/handler';
import * as replies from '../../shared/api/replies';
import { S3Files } from '../../shared/blobs/s3';
import { INLINE_EXPORT_BYTES } from '../../shared/bulk/deliver';
import { openExport } from '../../shared/bulk/export';
import type { HttpEvent } from '../../shared/lambda-types';
import { recordHash } from '../../shared/store/hash';
import { startTestStack, type TestStack } from '../helpers/stack';

const event = (path: string, apiKey: string, query: string): HttpEvent => ({
  version: '2.0',
  rawPath: path,
  rawQueryString: query,
  headers: { authorization: `Bearer ${apiKey}` },
  isBase64Encoded: false,
  requestContext: { http: { method: 'GET', path } },
});

/**
 * The deployed shape: a Lambda answers at most 6 MB, so an export larger than INLINE_EXPORT_BYTES is uploaded
 * to S3 (multipart, as it is read) and answered with a presigned URL. S3 has no local server: aws-sdk-client-mock.
 */
describe('export in AWS: large files go to S3', () => {
  let stack: TestStack;
  let handler: ReturnType<typeof createApiHandler>;
  let id: string;
  const s3 = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' } });
  const files = new S3Files(s3, 'exports-bucket');
  const mock = mockClient(s3);
  const parts = new Map<number, Buffer>();
  let put: Buffer | undefined;

  beforeAll(async () => {
    stack = await startTestStack();
    handler = createApiHandler(() => stack.app, (a) => bulkRoutes(a, async () => files), { replies });
    id = (await stack.svc.create(stack.tenantId, { name: 'f', type: 'file', config: { idColumn: 'id' } })).id;
    const now = new Date().toISOString();
    const record = (dataType: string, n: number) => {
      const data = { id: `r${n}`, notes: 'x'.repeat(2000) };
      return { integrationId: id, dataType, externalId: data.id, data, hash: recordHash(data), syncStatus: 'synced' as const, createdAt: now, updatedAt: now };
    };
    await stack.app.records.write([...Array.from({ length: 3500 }, (_, n) => record('big', n)), ...Array.from({ length: 3 }, (_, n) => record('small', n))]);
    mock.on(CreateMultipartUploadCommand).resolves({ UploadId: 'upload-1' });
    mock.on(UploadPartCommand).callsFake(async (input) => {
      parts.set(input.PartNumber, Buffer.from(input.Body));
      return { ETag: `"etag-${input.PartNumber}"` };
    });
    mock.on(CompleteMultipartUploadCommand).resolves({});
    mock.on(PutObjectCommand).callsFake(async (input) => {
      put = Buffer.from(input.Body);
      return {};
    });
  }, 60_000);
  afterAll(() => stack.close());
  beforeEach(() => {
    mock.resetHistory();
    parts.clear();
    put = undefined;
  });

  it('answers a small export in the body, touching no S3', async () => {
    const res = await handler(event(`/api/integrations/${id}/export`, stack.apiKey, 'dataType=small&format=csv'));
    expect(res.statusCode).toBe(200);
    expect(res.headers!['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.body!.split('\r\n')).toHaveLength(5);
    expect(res.stream).toBeUndefined();
    expect(mock.calls()).toHaveLength(0);
  });

  it('uploads a large one by multipart as it is read and answers a presigned URL', async () => {
    const res = await handler(event(`/api/integrations/${id}/export`, stack.apiKey, 'dataType=big&format=ndjson'));
    expect(res.statusCode).toBe(201);
    const body = JSON.parse(res.body!);
    const expected = [];
    for await (const c of (await openExport(stack.app.records, id, { dataType: 'big', format: 'ndjson' })).chunks) expected.push(c);
    const file = Buffer.from(expected.join(''));
    expect(file.length).toBeGreaterThan(5 * 1024 * 1024 + INLINE_EXPORT_BYTES);

    const create = mock.commandCalls(CreateMultipartUploadCommand)[0].args[0].input;
    expect(create).toMatchObject({ Bucket: 'exports-bucket', ContentType: 'application/x-ndjson', ContentDisposition: 'attachment; filename="big.ndjson"' });
    expect(create.Key).toMatch(new RegExp(`^exports/${stack.tenantId}/${id}/[0-9A-Z]{26}/big\\.ndjson$`));
    expect(parts.size).toBeGreaterThanOrEqual(2);
    expect(Buffer.concat([...parts.keys()].sort((a, b) => a - b).map((k) => parts.get(k)!)).equals(file)).toBe(true);
    expect(mock.commandCalls(CompleteMultipartUploadCommand)[0].args[0].input.MultipartUpload!.Parts).toHaveLength(parts.size);
    expect(put).toBeUndefined();

    expect(body).toEqual({ url: expect.any(String), expiresAt: expect.any(String), bytes: file.length, contentType: 'application/x-ndjson', filename: 'big.ndjson' });
    expect(res.headers!.location).toBe(body.url);
    const url = new URL(body.url);
    expect(url.hostname).toBe('exports-bucket.s3.us-east-1.amazonaws.com');
    expect(decodeURIComponent(url.pathname).slice(1)).toBe(create.Key);
    expect(url.searchParams.get('X-Amz-Expires')).toBe('900');
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
  });
});
