import { DeleteCommand, GetCommand, PutCommand } from '../store/dynamo';
import type { Db } from '../store/db';

/**
 * Numbers that asked a Twilio account's numbers to stop texting them: `OPTOUT#<twilio integration id>` /
 * `<E.164 number>`. Filled by the Twilio webhook when a STOP keyword arrives (and by a send Twilio refused with
 * 21610, unsubscribed recipient), emptied by START; SMS actions never text a number on it. Twilio's default
 * keywords: https://help.twilio.com/articles/223134027
 */
export const OPT_OUT_WORDS = ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT'];
export const OPT_IN_WORDS = ['START', 'YES', 'UNSTOP'];

const key = (integrationId: string, number: string) => ({ PK: `OPTOUT#${integrationId}`, SK: number });

/** What an inbound text asks for: `out` (a STOP keyword), `in` (START), or nothing. Twilio matches the whole body, any case. */
export function optOutIntent(body: unknown): 'out' | 'in' | undefined {
  const word = typeof body === 'string' ? body.trim().toUpperCase() : '';
  if (OPT_OUT_WORDS.includes(word)) return 'out';
  if (OPT_IN_WORDS.includes(word)) return 'in';
  return undefined;
}

export class OptOutStore {
  constructor(private readonly db: Db) {}

  async add(integrationId: string, number: string, source: 'keyword' | 'twilio_21610'): Promise<void> {
    await this.db.doc.send(new PutCommand({ TableName: this.db.table, Item: { ...key(integrationId, number), number, source, at: new Date().toISOString() } }));
  }

  async remove(integrationId: string, number: string): Promise<void> {
    await this.db.doc.send(new DeleteCommand({ TableName: this.db.table, Key: key(integrationId, number) }));
  }

  async has(integrationId: string, number: string): Promise<boolean> {
    const out = await this.db.doc.send(new GetCommand({ TableName: this.db.table, Key: key(integrationId, number), ConsistentRead: true }));
    return out.Item !== undefined;
  }

  /** Applies an inbound text (the Twilio webhook): a STOP keyword adds its sender, START removes it. */
  async applyInbound(integrationId: string, msg: { from?: unknown; body?: unknown; status?: unknown }): Promise<void> {
    if (typeof msg.from !== 'string' || msg.status !== 'received') return;
    const intent = optOutIntent(msg.body);
    if (intent === 'out') await this.add(integrationId, msg.from, 'keyword');
    else if (intent === 'in') await this.remove(integrationId, msg.from);
  }
}
