import { Readable } from 'node:stream';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { config } from '../config';
import { AppError } from '../errors';

/** S3's smallest multipart part; with two parts in flight an upload holds about 10 MB whatever the file's size. */
const PART_SIZE = 5 * 1024 * 1024;

export interface StoredFile {
  key: string;
  bytes: number;
}

/**
 * Files the deployed API hands out by presigned URL (large exports). Thin on purpose: a multipart upload of
 * a stream and a GET URL signed with the function's own role.
 */
export class S3Files {
  constructor(
    private readonly s3: S3Client,
    readonly bucket: string,
  ) {}

  /** Uploads the chunks as they come (multipart, `PART_SIZE` parts); a failed upload aborts its parts. */
  async put(key: string, chunks: AsyncIterable<string | Uint8Array>, meta: { contentType: string; filename: string }): Promise<StoredFile> {
    let bytes = 0;
    const counted = async function* () {
      for await (const c of chunks) {
        const b = typeof c === 'string' ? Buffer.from(c) : c;
        bytes += b.length;
        yield b;
      }
    };
    await new Upload({
      client: this.s3,
      params: { Bucket: this.bucket, Key: key, Body: Readable.from(counted()), ContentType: meta.contentType, ContentDisposition: `attachment; filename="${meta.filename}"` },
      partSize: PART_SIZE,
      queueSize: 2,
    }).done();
    return { key, bytes };
  }

  /** A GET URL for the object, valid `expiresIn` seconds (less if the role's session ends sooner). */
  url(key: string, expiresIn: number): Promise<string> {
    return getSignedUrl(this.s3, new GetObjectCommand({ Bucket: this.bucket, Key: key }), { expiresIn });
  }
}

/** The export bucket of the deployed stack (`EXPORT_BUCKET`, set on the API function by serverless.yml). */
let fromEnv: S3Files | undefined;
export function exportFilesFromEnv(): S3Files {
  const bucket = config().EXPORT_BUCKET;
  if (!bucket) throw new AppError('config_error', 'EXPORT_BUCKET is not set: the deployed API writes large exports there');
  return (fromEnv ??= new S3Files(new S3Client({}), bucket));
}
