import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { AppError } from '../errors';

/** Whose secret this is. Bound into every seal, so a ciphertext copied to another integration fails to open. */
export interface SealContext {
  tenantId: string;
  integrationId: string;
}

/** Wraps and unwraps data keys: KMS in AWS, a local key file on a developer's machine. */
export interface KeyRing {
  readonly id: string;
  generateDataKey(context: SealContext): Promise<{ plaintext: Buffer; wrapped: Buffer }>;
  unwrapDataKey(wrapped: Buffer, context: SealContext): Promise<Buffer>;
}

export class SealError extends AppError {
  constructor(message: string) {
    super('secret_unreadable', message, 500);
  }
}

const PREFIX = 'sb1';

/** Canonical bytes of the context, used as AES-GCM additional data. */
export function contextAad(context: SealContext): Buffer {
  return Buffer.from(JSON.stringify({ integrationId: context.integrationId, tenantId: context.tenantId }));
}

export function aesGcmEncrypt(key: Buffer, plaintext: Buffer, aad: Buffer): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad);
  const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), ct]);
}

export function aesGcmDecrypt(key: Buffer, blob: Buffer, aad: Buffer): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, blob.subarray(0, 12));
  decipher.setAAD(aad);
  decipher.setAuthTag(blob.subarray(12, 28));
  return Buffer.concat([decipher.update(blob.subarray(28)), decipher.final()]);
}

/**
 * Envelope encryption: one fresh data key per `sealAll` call (wrapped by the key ring under the
 * {tenantId, integrationId} context), AES-256-GCM per value with the same context as additional data.
 * A sealed value is `sb1.<wrapped key>.<iv|tag|ciphertext>`, base64url parts, self-contained.
 */
export class Sealer {
  constructor(readonly ring: KeyRing) {}

  async sealAll(values: Record<string, string>, context: SealContext): Promise<Record<string, string>> {
    const names = Object.keys(values);
    if (!names.length) return {};
    const { plaintext, wrapped } = await this.ring.generateDataKey(context);
    const aad = contextAad(context);
    try {
      return Object.fromEntries(
        names.map((n) => [n, `${PREFIX}.${wrapped.toString('base64url')}.${aesGcmEncrypt(plaintext, Buffer.from(values[n], 'utf8'), aad).toString('base64url')}`]),
      );
    } finally {
      plaintext.fill(0);
    }
  }

  async openAll(sealed: Record<string, string>, context: SealContext): Promise<Record<string, string>> {
    const aad = contextAad(context);
    const keys = new Map<string, Buffer>();
    const out: Record<string, string> = {};
    try {
      for (const [name, value] of Object.entries(sealed)) {
        const [prefix, wrappedB64, blobB64] = value.split('.');
        if (prefix !== PREFIX || !wrappedB64 || !blobB64) throw new SealError(`secret "${name}" is not sealed in a known format`);
        let key = keys.get(wrappedB64);
        if (!key) {
          try {
            key = await this.ring.unwrapDataKey(Buffer.from(wrappedB64, 'base64url'), context);
          } catch {
            throw new SealError(`secret "${name}" cannot be opened for this integration`);
          }
          keys.set(wrappedB64, key);
        }
        try {
          out[name] = aesGcmDecrypt(key, Buffer.from(blobB64, 'base64url'), aad).toString('utf8');
        } catch {
          throw new SealError(`secret "${name}" cannot be opened for this integration`);
        }
      }
      return out;
    } finally {
      for (const k of keys.values()) k.fill(0);
    }
  }
}
