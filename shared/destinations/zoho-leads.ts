import { Readable } from 'node:stream';
import * as z from 'zod';
import { AppError, SourceError } from '../errors';
import type { HttpClient } from '../http/client';
import { write } from './zoho';

/**
 * Zoho CRM calls for seed 004's leads (shared/api-facts/zoho-destination.md), beside the generic destination:
 * search leads by phone, and attach a file to a record as multipart/form-data streamed from its source.
 */
const LeadSchema = z.looseObject({ id: z.union([z.string(), z.number()]).transform(String), Phone: z.string().nullish(), Mobile: z.string().nullish(), Created_Time: z.string().nullish() });
const SearchSchema = z.looseObject({ data: z.array(LeadSchema) });

/** Numbers per search: each is two criteria (Phone, Mobile), and Zoho takes at most 10. */
const PER_SEARCH = 5;

/**
 * Leads whose Phone or Mobile equals one of `numbers` (E.164, as our leads are written), 5 numbers per search
 * with `or` criteria; matches are re-checked here (Zoho's `equals` may behave like `contains`), and of several
 * leads with one number the oldest wins.
 */
export async function findLeadsByPhone(http: HttpClient, module: string, numbers: string[]): Promise<Map<string, string>> {
  const found = new Map<string, { id: string; created: string }>();
  for (let i = 0; i < numbers.length; i += PER_SEARCH) {
    const chunk = numbers.slice(i, i + PER_SEARCH);
    const criteria = `(${chunk.flatMap((n) => [`(Phone:equals:${n})`, `(Mobile:equals:${n})`]).join('or')})`;
    const res = await http.request({ url: `/crm/v3/${module}/search`, query: { criteria, fields: 'id,Phone,Mobile,Created_Time', per_page: 200 }, stream: `${module}/search` });
    if (res.status === 204) continue;
    for (const lead of SearchSchema.parse(res.body).data) {
      for (const n of chunk) {
        if (lead.Phone !== n && lead.Mobile !== n) continue;
        const prev = found.get(n);
        if (!prev || String(lead.Created_Time ?? '') < prev.created) found.set(n, { id: lead.id, created: String(lead.Created_Time ?? '') });
      }
    }
  }
  return new Map([...found].map(([n, v]) => [n, v.id]));
}

/** Creates leads by upsert on Phone (a retry after a crash finds the lead it made), updates by id; per-record items. */
export const upsertLeads = (http: HttpClient, module: string, records: Record<string, unknown>[]) => write(http, 'POST', `/crm/v3/${module}/upsert`, records, { duplicate_check_fields: ['Phone'] });
export const updateLeads = (http: HttpClient, module: string, records: Record<string, unknown>[]) => write(http, 'PUT', `/crm/v3/${module}`, records);

/** Zoho's attachment cap (20 MB per file); larger media is not sent. */
export const MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024;

export class AttachmentTooLargeError extends AppError {
  constructor(readonly size: number) {
    super('attachment_too_large', `the file is ${(size / 1048576).toFixed(1)} MB, over Zoho's ${MAX_ATTACHMENT_BYTES / 1048576} MB attachment limit`, 422);
  }
}

export interface FileSource {
  stream: Readable;
  size?: number;
  contentType: string;
  fileName: string;
}

/** The multipart body around a streamed file, and its length when the file's is known; the byte cap is enforced as the bytes pass. */
function multipart(file: FileSource, boundary: string): { body: Readable; length?: number } {
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.fileName.replace(/["\r\n\\]/g, '_')}"\r\nContent-Type: ${file.contentType}\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  async function* parts() {
    yield head;
    let sent = 0;
    for await (const chunk of file.stream) {
      sent += (chunk as Buffer).length;
      if (sent > MAX_ATTACHMENT_BYTES) throw new AttachmentTooLargeError(sent);
      yield chunk as Buffer;
    }
    yield tail;
  }
  const body = Readable.from(parts(), { objectMode: false });
  body.on('close', () => file.stream.destroy());
  return { body, length: file.size === undefined ? undefined : head.length + file.size + tail.length };
}

/**
 * `POST /crm/v3/{module}/{id}/Attachments` with one part named `file`, streamed from `open()` (called again for
 * each attempt: a stream cannot be sent twice). A file whose Content-Length is over the cap is refused before any
 * byte is sent; one of unknown length is cut when it passes the cap. Memory stays at a few stream buffers
 * whatever the size. Resolves to the attachment id.
 */
export async function attachFile(http: HttpClient, module: string, id: string, open: () => Promise<FileSource>): Promise<string> {
  const boundary = `----switchboard${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
  const res = await http.request({
    method: 'POST',
    url: `/crm/v3/${module}/${encodeURIComponent(id)}/Attachments`,
    stream: `${module}/Attachments`,
    okStatuses: [400],
    upload: async () => {
      const file = await open();
      if (file.size !== undefined && file.size > MAX_ATTACHMENT_BYTES) {
        file.stream.destroy();
        throw new AttachmentTooLargeError(file.size);
      }
      const { body, length } = multipart(file, boundary);
      const headers: Record<string, string> = { 'content-type': `multipart/form-data; boundary=${boundary}` };
      if (length !== undefined) headers['content-length'] = String(length);
      return { body, headers };
    },
  });
  type Item = { code?: string; status?: string; message?: string; details?: { id?: unknown } };
  const body = res.body as (Item & { data?: Item[] }) | null;
  const item: Item = body?.data?.[0] ?? body ?? {};
  if (res.status === 400 || item.status !== 'success') throw new SourceError('target_rejected', `zoho attachment refused: ${item.code ?? res.status}: ${item.message ?? ''}`, { status: 422 });
  return String(item.details?.id ?? '');
}
