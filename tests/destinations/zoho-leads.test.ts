import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { openRecording, type Media } from '../../shared/connectors/ringcentral/media';
import { AttachmentTooLargeError, attachFile, MAX_ATTACHMENT_BYTES } from '../../shared/destinations/zoho-leads';
import { bearerAuth } from '../../shared/http/auth';
import { HttpClient } from '../../shared/http/client';
import { startRingCentralSandbox, type RingCentralSandbox } from '../sandboxes/ringcentral';
import { makeZohoRecords, startZohoSandbox, type ZohoSandbox } from '../sandboxes/zoho';

const noWait = async () => undefined;

describe('Function: attachFile (a RingCentral recording streamed into a Zoho attachment)', () => {
  let rc: RingCentralSandbox;
  let zoho: ZohoSandbox;
  let rcHttp: HttpClient;
  let zohoHttp: HttpClient;
  let lead: string;
  const attachPath = () => `/crm/v3/Leads/${lead}/Attachments`;
  const attachRequests = () => zoho.requests.filter((r) => r.method === 'POST' && r.path === attachPath());

  beforeAll(async () => {
    rc = await startRingCentralSandbox({ accessToken: 'rc-token' });
    zoho = await startZohoSandbox({ accessToken: '1000.access.test', records: { Leads: makeZohoRecords('Leads', 1) } });
    rcHttp = new HttpClient({ connector: 'ringcentral', integrationId: 'rc', baseUrl: rc.url, auth: bearerAuth('rc-token'), sleep: noWait });
    zohoHttp = new HttpClient({ connector: 'zoho', integrationId: 'zoho', baseUrl: zoho.url, auth: bearerAuth('1000.access.test', 'Zoho-oauthtoken'), sleep: noWait });
    lead = zoho.records('Leads')[0].id;
  });
  afterAll(async () => {
    await rc.close();
    await zoho.close();
  });

  /** Opens the recording at `path` as the flow does, counting the opens and keeping each stream. */
  function opener(path: string) {
    const opened: Media[] = [];
    const open = async () => {
      const media = await openRecording(rcHttp, rc.url + path, 'r1', [new URL(rc.url).origin]);
      opened.push(media);
      return media;
    };
    return { open, opened };
  }

  it('sends the recording as the multipart part `file`, byte for byte', async () => {
    const bytes = randomBytes(300_000);
    rc.addMedia('/rec/1', bytes, 'audio/wav');
    const { open, opened } = opener('/rec/1');
    const id = await attachFile(zohoHttp, 'Leads', lead, open);
    const stored = zoho.attachments.find((a) => a.id === id)!;
    expect(stored).toMatchObject({ parentId: lead, fileName: 'recording-r1.wav', contentType: 'audio/wav' });
    expect(stored.bytes.equals(bytes)).toBe(true);
    expect(opened).toHaveLength(1);
  });

  it('downloads the recording again for each attempt after a 5xx, and sends it whole the second time', async () => {
    const bytes = randomBytes(200_000);
    rc.addMedia('/rec/2', bytes);
    const { open, opened } = opener('/rec/2');
    zoho.failNext(1, 503);
    const before = attachRequests().length;
    const id = await attachFile(zohoHttp, 'Leads', lead, open);
    expect(attachRequests().slice(before).map((r) => r.status)).toEqual([503, 200]);
    expect(opened).toHaveLength(2);
    expect(opened[0].stream.destroyed).toBe(true);
    expect(zoho.attachments.find((a) => a.id === id)!.bytes.equals(bytes)).toBe(true);
  });

  it('refuses a recording whose Content-Length is over the cap before sending a byte to Zoho', async () => {
    rc.addMedia('/rec/big', Buffer.alloc(MAX_ATTACHMENT_BYTES + 1));
    const { open, opened } = opener('/rec/big');
    const before = attachRequests().length;
    const err = await attachFile(zohoHttp, 'Leads', lead, open).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AttachmentTooLargeError);
    expect((err as AttachmentTooLargeError).size).toBe(MAX_ATTACHMENT_BYTES + 1);
    expect(attachRequests()).toHaveLength(before);
    expect(opened[0].stream.destroyed).toBe(true);
  });

  it('cuts off a file of unknown length as it passes the cap, with the same error, and Zoho keeps nothing', async () => {
    const chunk = Buffer.alloc(64 * 1024, 1);
    let read = 0;
    const endless = Readable.from(
      (function* () {
        for (;;) {
          read += chunk.length;
          yield chunk;
        }
      })(),
    );
    const attached = zoho.attachments.length;
    let opens = 0;
    const open = async () => (opens++, { stream: endless, contentType: 'audio/mpeg', fileName: 'voicemail-v1.mp3' });
    const err = await attachFile(zohoHttp, 'Leads', lead, open).catch((e: unknown) => e);
    // The caller's own error, not a network failure to retry (which would download the file again).
    expect(err).toBeInstanceOf(AttachmentTooLargeError);
    expect(opens).toBe(1);
    expect((err as AttachmentTooLargeError).size).toBeGreaterThan(MAX_ATTACHMENT_BYTES);
    // Read no further than the cap and what was already buffered ahead of it.
    expect(read).toBeLessThan(MAX_ATTACHMENT_BYTES + 1024 * 1024);
    expect(endless.destroyed).toBe(true);
    expect(zoho.attachments).toHaveLength(attached);
  });
});
