import { existsSync, mkdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { dirname } from 'node:path';
import { randomBytes } from 'node:crypto';
import { aesGcmDecrypt, aesGcmEncrypt, contextAad, type KeyRing, type SealContext } from './sealer';

/**
 * The developer-machine stand-in for KMS: a 256-bit master key in a file (created on first use, mode 0600)
 * wraps the data keys, with the same encryption context as KMS would bind.
 */
export class LocalKeyRing implements KeyRing {
  readonly id: string;
  private readonly master: Buffer;

  constructor(file: string) {
    if (!existsSync(file)) {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
    }
    chmodSync(file, 0o600);
    this.master = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    if (this.master.length !== 32) throw new Error(`local key file ${file} does not hold a 256-bit key`);
    this.id = `local:${file}`;
  }

  async generateDataKey(context: SealContext) {
    const plaintext = randomBytes(32);
    return { plaintext, wrapped: aesGcmEncrypt(this.master, plaintext, contextAad(context)) };
  }

  async unwrapDataKey(wrapped: Buffer, context: SealContext) {
    return aesGcmDecrypt(this.master, wrapped, contextAad(context));
  }
}
