import * as z from 'zod';
import type { Page, ReadContext, RejectedRecord, SourceRecord, Stream } from '../types';
import { readXml, xmlList, xmlText } from '../../xml/xml';
import type { Five9Config } from './spec';
import { five9Call } from './soap';

/**
 * Contacts through `getContactRecords`, which has no paging, no sort and no modified-since filter, and
 * answers at most 1,000 records a call (Configuration Web Services, "Domain limits"). The table is read by
 * partitions of one field, by prefix with the `%` wildcard (`number1 = "92%"`): a partition that comes back
 * at the cap is split into its ten longer prefixes. Every run reads everything; unchanged records cost no
 * writes. Records whose partition field is empty are never matched by a prefix and are not read.
 */
export const FIVE9_CONTACT_CAP = 1000;
/** The response column we ask Five9 to fill with its internal contact id (`contactIdField`). */
export const CONTACT_ID_FIELD = 'contactId';
const DIGITS = '0123456789'.split('');
/** Longer than any phone number: a prefix this long still at the cap is reported, not split. */
const MAX_PREFIX = 20;

const ResponseSchema = z.object({
  return: z
    .union([
      z.literal(''),
      z.object({
        fields: xmlList(xmlText),
        records: xmlList(z.object({ values: z.union([z.literal(''), z.object({ data: xmlList(xmlText) })]) })).optional(),
      }),
    ])
    .optional(),
});

const CursorSchema = z.object({ pending: z.array(z.string()).min(1) });

export const contactsStream: Stream<Five9Config> = {
  name: 'contacts',
  async *read(ctx: ReadContext<Five9Config>, cursor: unknown): AsyncIterable<Page> {
    const stored = CursorSchema.safeParse(cursor);
    const pending = ctx.resuming && stored.success ? [...stored.data.pending] : [...DIGITS];
    const field = ctx.config.contactPartitionField;
    while (pending.length) {
      const prefix = pending.shift()!;
      const lookupCriteria = { contactIdField: CONTACT_ID_FIELD, criteria: { field, value: `${prefix}%` } };
      const node = await five9Call(ctx.http, ctx.config.username, 'getContactRecords', { lookupCriteria }, 'contacts');
      const ret = readXml(ResponseSchema, node || {}, 'five9/contacts getContactRecords').return || { fields: [], records: [] };
      const rows = ret.records ?? [];
      const rejected: RejectedRecord[] = [];
      if (rows.length >= FIVE9_CONTACT_CAP) {
        if (prefix.length < MAX_PREFIX) pending.unshift(...DIGITS.map((d) => prefix + d));
        else rejected.push({ reason: `more than ${FIVE9_CONTACT_CAP} contacts have ${field} = ${prefix}: only the first ${FIVE9_CONTACT_CAP} are read` });
      }
      const records: SourceRecord[] = [];
      for (const row of rows) {
        const data = row.values === '' ? [] : row.values.data;
        const record = Object.fromEntries(ret.fields.map((f, i) => [f, data[i] ?? '']));
        const id = record[CONTACT_ID_FIELD];
        if (id) records.push({ id, data: record });
        else rejected.push({ reason: `contact without ${CONTACT_ID_FIELD}` });
      }
      yield { records, rejected, cursor: pending.length ? { pending } : null };
    }
  },
};
