import type * as Kms from '@aws-sdk/client-kms';
import type { KeyRing, SealContext } from './sealer';

/** The SDK's KMS module, loaded when a key is first wrapped or opened: half a cold start's SDK loading, and the scheduler never needs it. */
const sdk = (): typeof Kms => require('@aws-sdk/client-kms');

const ctx = (c: SealContext) => ({ tenantId: c.tenantId, integrationId: c.integrationId });

/** KMS wraps the data keys; the encryption context is checked by KMS itself on Decrypt. */
export class KmsKeyRing implements KeyRing {
  static fromEnv(id: string): KmsKeyRing {
    return new KmsKeyRing(() => new (sdk().KMSClient)({}), id);
  }

  private made?: Kms.KMSClient;

  /** `client` is called once, at the first use. */
  constructor(
    private readonly client: () => Kms.KMSClient,
    readonly id: string,
  ) {}

  private get kms(): Kms.KMSClient {
    return (this.made ??= this.client());
  }

  async generateDataKey(context: SealContext) {
    const out = await this.kms.send(new (sdk().GenerateDataKeyCommand)({ KeyId: this.id, KeySpec: 'AES_256', EncryptionContext: ctx(context) }));
    if (!out.Plaintext || !out.CiphertextBlob) throw new Error('KMS GenerateDataKey returned no key');
    return { plaintext: Buffer.from(out.Plaintext), wrapped: Buffer.from(out.CiphertextBlob) };
  }

  async unwrapDataKey(wrapped: Buffer, context: SealContext) {
    const out = await this.kms.send(new (sdk().DecryptCommand)({ CiphertextBlob: wrapped, KeyId: this.id, EncryptionContext: ctx(context) }));
    if (!out.Plaintext) throw new Error('KMS Decrypt returned no key');
    return Buffer.from(out.Plaintext);
  }
}
