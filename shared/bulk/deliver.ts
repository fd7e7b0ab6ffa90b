import type { S3Files } from '../blobs/s3';
import type { ApiReply } from '../lambda-types';
import type { ExportFile } from './export';

/**
 * Largest export answered in the body by a Lambda. Its whole answer must stay under 6 MB as JSON, and a
 * string's escaping can make it several times longer; anything larger goes to S3.
 */
export const INLINE_EXPORT_BYTES = 1024 * 1024;
/** How long a presigned export URL works. */
export const EXPORT_URL_SECONDS = 900;

const headersOf = (file: ExportFile) => ({ 'content-type': file.contentType, 'content-disposition': `attachment; filename="${file.filename}"` });

/** Locally: the file streams from the server as it is read. */
export function streamed(file: ExportFile): ApiReply {
  return { status: 200, headers: headersOf(file), stream: file.chunks };
}

/**
 * In AWS, where a Lambda's answer is buffered and at most 6 MB: an export that ends within
 * `INLINE_EXPORT_BYTES` is answered as is; a larger one is uploaded to S3 as it is read (what was read so far
 * first) and answered 201 `{ url, expiresAt, bytes }` with a presigned GET URL (also in `location`).
 */
export async function viaS3(file: ExportFile, files: S3Files, key: string, now = Date.now()): Promise<ApiReply> {
  const it = file.chunks[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let size = 0;
  for (;;) {
    const next = await it.next();
    if (next.done) return { status: 200, headers: headersOf(file), raw: Buffer.concat(head).toString('utf8') };
    const b = Buffer.from(next.value);
    head.push(b);
    if ((size += b.length) > INLINE_EXPORT_BYTES) break;
  }
  const rest = (async function* () {
    yield* head.splice(0);
    for (let n = await it.next(); !n.done; n = await it.next()) yield n.value;
  })();
  const { bytes } = await files.put(key, rest, file);
  const url = await files.url(key, EXPORT_URL_SECONDS);
  return { status: 201, headers: { location: url }, body: { url, expiresAt: new Date(now + EXPORT_URL_SECONDS * 1000).toISOString(), bytes, contentType: file.contentType, filename: file.filename } };
}
