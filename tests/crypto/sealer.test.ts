import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DecryptCommand, GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { randomBytes } from 'node:crypto';
import { KmsKeyRing } from '../../shared/crypto/kms-keyring';
import { LocalKeyRing } from '../../shared/crypto/local-keyring';
import { Sealer } from '../../shared/crypto/sealer';

const ctxA = { tenantId: 't1', integrationId: 'i1' };
const ctxB = { tenantId: 't1', integrationId: 'i2' };

describe('Class: Sealer', () => {
  describe('with the local key ring', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-seal-'));
    const file = join(dir, 'keyring.key');
    const sealer = new Sealer(new LocalKeyRing(file));

    it('creates the key file with mode 0600', () => {
      expect(statSync(file).mode & 0o777).toBe(0o600);
    });

    it('round-trips secrets and never stores the plaintext', async () => {
      const sealed = await sealer.sealAll({ token: 'super-secret-token', pw: 'hunter2' }, ctxA);
      expect(sealed.token).toMatch(/^sb1\.[\w-]+\.[\w-]+$/);
      expect(sealed.token).not.toContain('super-secret');
      expect(await sealer.openAll(sealed, ctxA)).toEqual({ token: 'super-secret-token', pw: 'hunter2' });
    });

    it('refuses to open a ciphertext copied onto another integration', async () => {
      const sealed = await sealer.sealAll({ token: 'abc123456' }, ctxA);
      await expect(sealer.openAll(sealed, ctxB)).rejects.toMatchObject({ code: 'secret_unreadable' });
    });

    it('refuses a tampered ciphertext', async () => {
      const sealed = await sealer.sealAll({ token: 'abc123456' }, ctxA);
      const parts = sealed.token.split('.');
      const blob = Buffer.from(parts[2], 'base64url');
      blob[blob.length - 1] ^= 1;
      await expect(sealer.openAll({ token: [parts[0], parts[1], blob.toString('base64url')].join('.') }, ctxA)).rejects.toThrow(/cannot be opened/);
    });

    it('a second key ring on the same file opens what the first sealed (restarts keep secrets)', async () => {
      const sealed = await sealer.sealAll({ token: 'persisted' }, ctxA);
      expect(await new Sealer(new LocalKeyRing(file)).openAll(sealed, ctxA)).toEqual({ token: 'persisted' });
    });
  });

  describe('with KMS', () => {
    it('asks KMS for a data key under the {tenantId, integrationId} context and decrypts under the same context', async () => {
      const kms = mockClient(KMSClient);
      const dataKey = randomBytes(32);
      const wrapped = Buffer.from('wrapped-by-kms');
      kms.on(GenerateDataKeyCommand).resolves({ Plaintext: new Uint8Array(dataKey), CiphertextBlob: new Uint8Array(wrapped) });
      kms.on(DecryptCommand).callsFake((input) => {
        if (input.EncryptionContext?.integrationId !== 'i1') throw Object.assign(new Error('InvalidCiphertextException'), { name: 'InvalidCiphertextException' });
        return { Plaintext: new Uint8Array(dataKey) };
      });
      const sealer = new Sealer(new KmsKeyRing(() => new KMSClient({ region: 'us-east-1' }), 'alias/switchboard-dev'));
      const sealed = await sealer.sealAll({ accessToken: 'tok-1234' }, ctxA);
      expect(kms.commandCalls(GenerateDataKeyCommand)[0].args[0].input).toMatchObject({ KeyId: 'alias/switchboard-dev', KeySpec: 'AES_256', EncryptionContext: ctxA });
      expect(await sealer.openAll(sealed, ctxA)).toEqual({ accessToken: 'tok-1234' });
      expect(kms.commandCalls(DecryptCommand)[0].args[0].input.EncryptionContext).toEqual(ctxA);
      await expect(sealer.openAll(sealed, ctxB)).rejects.toMatchObject({ code: 'secret_unreadable' });
      kms.restore();
    });
  });
});
