import type { Readable } from 'node:stream';
import * as z from 'zod';
import { SourceError } from '../../errors';
import type { HttpClient } from '../../http/client';

/**
 * A call's recording or voicemail, opened as a stream from RingCentral's media server with the integration's
 * token (https://developers.ringcentral.com/guide/basics/media): a recording's `contentUri` directly; a
 * voicemail through its message-store record, whose `attachments[]` of type AudioRecording carry the content
 * `uri`. The token only goes to the configured platform host or its media twin (`platform.` → `media.`), never
 * to a host a call record names otherwise.
 */
export interface Media {
  stream: Readable;
  /** Bytes, when the media server says (Content-Length). */
  size?: number;
  contentType: string;
  fileName: string;
}

const MessageSchema = z.looseObject({
  attachments: z.array(z.looseObject({ id: z.union([z.string(), z.number()]).transform(String), uri: z.string(), type: z.string().optional(), contentType: z.string().optional() })).default([]),
});

const EXT: Record<string, string> = { 'audio/mpeg': 'mp3', 'audio/mp3': 'mp3', 'audio/wav': 'wav', 'audio/x-wav': 'wav', 'audio/ogg': 'ogg' };

/** The origins the token may be sent to: the configured one and, for `platform.*`, its `media.*` twin. */
export function mediaOrigins(baseUrl: string): string[] {
  const u = new URL(baseUrl);
  const out = [u.origin];
  if (u.hostname.startsWith('platform.')) out.push(`${u.protocol}//media.${u.hostname.slice('platform.'.length)}${u.port ? `:${u.port}` : ''}`);
  return out;
}

function vetted(uri: string, origins: string[]): string {
  let origin: string;
  try {
    origin = new URL(uri).origin;
  } catch {
    throw new SourceError('media_refused', `ringcentral media: "${uri.slice(0, 100)}" is not a URL`);
  }
  if (!origins.includes(origin)) throw new SourceError('media_refused', `ringcentral media: ${origin} is not a RingCentral host of this integration; the token is not sent there`);
  return uri;
}

async function download(http: HttpClient, uri: string, origins: string[], name: string): Promise<Media> {
  const res = await http.request({ url: vetted(uri, origins), download: true, headers: { accept: 'audio/*, */*' }, stream: 'media' });
  const contentType = (res.headers['content-type'] ?? 'audio/mpeg').split(';')[0].trim();
  const length = Number(res.headers['content-length']);
  return { stream: res.stream!, size: Number.isFinite(length) && res.headers['content-length'] !== undefined ? length : undefined, contentType, fileName: `${name}.${EXT[contentType] ?? 'bin'}` };
}

export async function openRecording(http: HttpClient, contentUri: string, id: string, origins: string[]): Promise<Media> {
  return download(http, contentUri, origins, `recording-${id}`);
}

export async function openVoicemail(http: HttpClient, messageUri: string, id: string, origins: string[]): Promise<Media | undefined> {
  const res = await http.request({ url: vetted(messageUri, origins), stream: 'media' });
  const audio = MessageSchema.parse(res.body).attachments.find((a) => (a.type ?? 'AudioRecording') === 'AudioRecording');
  return audio && download(http, audio.uri, origins, `voicemail-${id}`);
}
