import { DecryptCommand, GenerateDataKeyCommand, type KMSClient } from '@aws-sdk/client-kms';
import type { KeyRing, SealContext } from './sealer';

const ctx = (c: SealContext) => ({ tenantId: c.tenantId, integrationId: c.integrationId });

/** KMS wraps the data keys; the encryption context is checked by KMS itself on Decrypt. */
export class KmsKeyRing implements KeyRing {
  constructor(
    private readonly kms: KMSClient,
    readonly id: string,
  ) {}

  async generateDataKey(context: SealContext) {
    const out = await this.kms.send(new GenerateDataKeyCommand({ KeyId: this.id, KeySpec: 'AES_256', EncryptionContext: ctx(context) }));
    if (!out.Plaintext || !out.CiphertextBlob) throw new Error('KMS GenerateDataKey returned no key');
    return { plaintext: Buffer.from(out.Plaintext), wrapped: Buffer.from(out.CiphertextBlob) };
  }

  async unwrapDataKey(wrapped: Buffer, context: SealContext) {
    const out = await this.kms.send(new DecryptCommand({ CiphertextBlob: wrapped, KeyId: this.id, EncryptionContext: ctx(context) }));
    if (!out.Plaintext) throw new Error('KMS Decrypt returned no key');
    return Buffer.from(out.Plaintext);
  }
}
