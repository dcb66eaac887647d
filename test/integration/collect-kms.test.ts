import {
  CreateAliasCommand,
  CreateKeyCommand,
  DescribeKeyCommand,
  EnableKeyRotationCommand,
  GetKeyRotationStatusCommand,
  KMSClient,
  ListAliasesCommand,
  ListKeysCommand,
  ReplicateKeyCommand,
  UnsupportedOperationException,
  type KeyMetadata,
} from '@aws-sdk/client-kms';
import { isRotationApplicable, kmsKeys, type KmsKeys } from '../../src/collectors/kms/keys.js';
import { seedClient } from '../support/aws-seed.js';
import { collectOne, dataOf } from '../support/collect-one.js';
import { EAST, PROD, RECORDED_ACCOUNT, SHARED, TWO_ACCOUNTS, WEST, collectThroughProxy, throttledSequence, useMoto, useRecordedResponses } from '../support/collector-suite.js';

const moto = useMoto();

/** Key ids per account, as moto assigned them. */
const seeded = new Map<string, { vault: string; plain: string; signing: string }>();

/**
 * Per account, in us-east-1: a multi-region vault key (rotation on, alias/backup-vault) replicated
 * to us-west-2; a symmetric key without rotation; an RSA signing key (rotation not applicable).
 */
async function seedKeys(): Promise<void> {
  await moto.reset();
  for (const account of [PROD, SHARED]) {
    const east = seedClient(KMSClient, { endpoint: moto.url, region: EAST, account });
    const vault = await east.send(new CreateKeyCommand({ MultiRegion: true, Description: 'backup vault key' }));
    const vaultId = vault.KeyMetadata!.KeyId!;
    await east.send(new EnableKeyRotationCommand({ KeyId: vaultId }));
    await east.send(new CreateAliasCommand({ AliasName: 'alias/backup-vault', TargetKeyId: vaultId }));
    await east.send(new ReplicateKeyCommand({ KeyId: vaultId, ReplicaRegion: WEST }));
    const plain = await east.send(new CreateKeyCommand({ Description: 'app data key' }));
    const signing = await east.send(new CreateKeyCommand({ KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY', Description: 'release signing' }));
    seeded.set(account, { vault: vaultId, plain: plain.KeyMetadata!.KeyId!, signing: signing.KeyMetadata!.KeyId! });
  }
}

describe('kms.keys against moto (2 accounts × 2 regions)', () => {
  beforeAll(seedKeys);

  test('keys keep multi-region primary/replica, rotation where applicable, and aliases', async () => {
    const run = await collectOne([kmsKeys], { regions: [EAST, WEST], accounts: TWO_ACCOUNTS, endpointUrl: moto.url });

    expect(run.result.gaps).toEqual([]);
    for (const account of [PROD, SHARED]) {
      const ids = seeded.get(account)!;
      const east = await run.envelope(account, EAST);
      expect(east).toMatchObject({ complete: true, recordCount: 3 });
      const byId = Object.fromEntries(dataOf<KmsKeys>(east).keys.map((k) => [k.key.KeyId!, k]));
      expect(Object.keys(byId).sort()).toEqual([ids.vault, ids.plain, ids.signing].sort());

      // The primary is the key whose own ARN is the PrimaryKey ARN. (moto 5.2 shares one
      // MultiRegionConfiguration object between a primary and its replica, so once the replica has
      // been described the primary also says MultiRegionKeyType REPLICA; the recorded-response test
      // below covers MultiRegionKeyType PRIMARY.)
      expect(byId[ids.vault].metadata).toMatchObject({
        Arn: `arn:aws:kms:${EAST}:${account}:key/${ids.vault}`,
        KeyManager: 'CUSTOMER',
        KeyState: 'Enabled',
        KeySpec: 'SYMMETRIC_DEFAULT',
        MultiRegion: true,
        MultiRegionConfiguration: {
          PrimaryKey: { Arn: `arn:aws:kms:${EAST}:${account}:key/${ids.vault}`, Region: EAST },
          ReplicaKeys: [{ Arn: `arn:aws:kms:${WEST}:${account}:key/${ids.vault}`, Region: WEST }],
        },
      });
      expect(byId[ids.vault].rotation).toMatchObject({ KeyRotationEnabled: true });
      expect(byId[ids.vault].aliases!.map((a) => a.AliasName)).toEqual(['alias/backup-vault']);
      expect(byId[ids.plain].rotation).toMatchObject({ KeyRotationEnabled: false });
      expect(byId[ids.plain].aliases).toEqual([]);
      // Rotation does not apply to an asymmetric key: null, and GetKeyRotationStatus was never asked.
      expect(byId[ids.signing].rotation).toBeNull();
      const rotationCalls = east!.provenance.calls.filter((c) => c.operation === 'kms:GetKeyRotationStatus').map((c) => c.parameters.KeyId);
      expect(rotationCalls.sort()).toEqual([ids.vault, ids.plain].sort());

      const west = dataOf<KmsKeys>(await run.envelope(account, WEST));
      expect(west.keys).toHaveLength(1);
      expect(west.keys[0].metadata).toMatchObject({
        Arn: `arn:aws:kms:${WEST}:${account}:key/${ids.vault}`,
        MultiRegionConfiguration: { MultiRegionKeyType: 'REPLICA', PrimaryKey: { Arn: `arn:aws:kms:${EAST}:${account}:key/${ids.vault}`, Region: EAST } },
      });
    }
  });

  test('AccessDenied on ListKeys is a denied gap naming the operation, and no envelope is written', async () => {
    const { run } = await collectThroughProxy([kmsKeys], {
      regions: [EAST],
      accounts: [TWO_ACCOUNTS[0]],
      target: moto.url,
      rules: [
        {
          match: { target: 'ListKeys' },
          respond: {
            status: 400,
            headers: { 'content-type': 'application/x-amz-json-1.1' },
            body: JSON.stringify({
              __type: 'AccessDeniedException',
              message: `User: arn:aws:sts::${PROD}:assumed-role/proofpack-read/proofpack is not authorized to perform: kms:ListKeys on resource: * because no identity-based policy allows the kms:ListKeys action`,
            }),
          },
        },
      ],
    });

    expect(run.result.gaps).toEqual([
      expect.objectContaining({ collector: 'kms.keys', account: PROD, region: EAST, kind: 'denied', operation: 'kms:ListKeys', errorCode: 'AccessDeniedException' }),
    ]);
    expect(await run.envelope(PROD, EAST)).toBeUndefined();
  });

  test('AccessDenied on GetKeyRotationStatus (a key policy without the grant) is a gap for that key; rotation is left out, not null', async () => {
    const ids = seeded.get(PROD)!;
    const { run } = await collectThroughProxy([kmsKeys], {
      regions: [EAST],
      accounts: [TWO_ACCOUNTS[0]],
      target: moto.url,
      rules: [
        {
          match: { target: 'GetKeyRotationStatus' },
          respond: (req) =>
            req.body.includes(ids.plain)
              ? {
                  status: 400,
                  headers: { 'content-type': 'application/x-amz-json-1.1' },
                  body: JSON.stringify({ __type: 'AccessDeniedException', message: 'not authorized to perform: kms:GetKeyRotationStatus (key policy)' }),
                }
              : { status: 200, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: JSON.stringify({ KeyRotationEnabled: true, KeyId: ids.vault, RotationPeriodInDays: 365 }) },
        },
      ],
    });

    expect(run.result.gaps).toEqual([expect.objectContaining({ kind: 'denied', operation: 'kms:GetKeyRotationStatus', resource: ids.plain })]);
    const envelope = await run.envelope(PROD, EAST);
    expect(envelope?.complete).toBe(false);
    const byId = Object.fromEntries(dataOf<KmsKeys>(envelope).keys.map((k) => [k.key.KeyId!, k]));
    expect('rotation' in byId[ids.plain]).toBe(false);
    expect(byId[ids.vault].rotation).toMatchObject({ KeyRotationEnabled: true, RotationPeriodInDays: 365 });
    expect(byId[ids.signing].rotation).toBeNull();
  });

  test('a throttled DescribeKey is retried by the SDK and succeeds without a gap', async () => {
    const { run, requests } = await collectThroughProxy([kmsKeys], { regions: [WEST], accounts: [TWO_ACCOUNTS[0]], maxAttempts: 4, target: moto.url, rules: [{ match: { target: 'DescribeKey' }, throttle: 2 }] });

    expect(throttledSequence(requests, 'DescribeKey')).toEqual([true, true, false]);
    expect(run.result.gaps).toEqual([]);
    expect(dataOf<KmsKeys>(await run.envelope(PROD, WEST)).keys[0].metadata?.MultiRegionConfiguration?.MultiRegionKeyType).toBe('REPLICA');
  });
});

describe('kms.keys on recorded responses (pagination, AWS managed keys, unsupported rotation)', () => {
  const kms = useRecordedResponses(KMSClient);
  const ACCOUNT = RECORDED_ACCOUNT;
  const arn = (id: string) => `arn:aws:kms:us-east-1:${ACCOUNT}:key/${id}`;
  const AWS_MANAGED = '0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0';
  const CUSTOMER = 'mrk-1234abcd12ab34cd56ef1234567890ab';
  const IMPORTED = '0987dcba-09fe-87dc-65ba-ab0987654321';
  /** KeyMetadata shaped like DescribeKey's (KMS API reference example). */
  const metadata: Record<string, KeyMetadata> = {
    [AWS_MANAGED]: {
      AWSAccountId: ACCOUNT, KeyId: AWS_MANAGED, Arn: arn(AWS_MANAGED), CreationDate: new Date('2024-02-01T10:00:00Z'), Enabled: true,
      Description: 'Default key that protects my Backup data when no other key is defined', KeyUsage: 'ENCRYPT_DECRYPT', KeyState: 'Enabled',
      Origin: 'AWS_KMS', KeyManager: 'AWS', CustomerMasterKeySpec: 'SYMMETRIC_DEFAULT', KeySpec: 'SYMMETRIC_DEFAULT', EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'], MultiRegion: false,
    },
    [CUSTOMER]: {
      AWSAccountId: ACCOUNT, KeyId: CUSTOMER, Arn: arn(CUSTOMER), CreationDate: new Date('2025-03-12T08:31:07Z'), Enabled: true, Description: '',
      KeyUsage: 'ENCRYPT_DECRYPT', KeyState: 'Enabled', Origin: 'AWS_KMS', KeyManager: 'CUSTOMER', CustomerMasterKeySpec: 'SYMMETRIC_DEFAULT',
      KeySpec: 'SYMMETRIC_DEFAULT', EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'], MultiRegion: true,
      MultiRegionConfiguration: {
        MultiRegionKeyType: 'PRIMARY',
        PrimaryKey: { Arn: arn(CUSTOMER), Region: 'us-east-1' },
        ReplicaKeys: [{ Arn: `arn:aws:kms:eu-west-1:${ACCOUNT}:key/${CUSTOMER}`, Region: 'eu-west-1' }],
      },
    },
    [IMPORTED]: {
      AWSAccountId: ACCOUNT, KeyId: IMPORTED, Arn: arn(IMPORTED), CreationDate: new Date('2025-06-01T12:00:00Z'), Enabled: true, Description: 'BYOK',
      KeyUsage: 'ENCRYPT_DECRYPT', KeyState: 'Enabled', Origin: 'EXTERNAL', ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE', KeyManager: 'CUSTOMER',
      CustomerMasterKeySpec: 'SYMMETRIC_DEFAULT', KeySpec: 'SYMMETRIC_DEFAULT', EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'], MultiRegion: false,
    },
  };

  test('ListKeys and ListAliases are followed page by page; AWS managed keys are kept with rotation null; UnsupportedOperationException is null', async () => {
    const markers: Array<string | undefined> = [];
    kms.on(ListKeysCommand).callsFake((input: { Marker?: string }) => {
      markers.push(input.Marker);
      return input.Marker === undefined
        ? { Keys: [{ KeyId: AWS_MANAGED, KeyArn: arn(AWS_MANAGED) }, { KeyId: CUSTOMER, KeyArn: arn(CUSTOMER) }], NextMarker: 'AQICAHh-page-2', Truncated: true }
        : { Keys: [{ KeyId: IMPORTED, KeyArn: arn(IMPORTED) }], Truncated: false };
    });
    kms.on(ListAliasesCommand).callsFake((input: { Marker?: string }) =>
      input.Marker === undefined
        ? {
            Aliases: [
              { AliasName: 'alias/aws/backup', AliasArn: `arn:aws:kms:us-east-1:${ACCOUNT}:alias/aws/backup`, TargetKeyId: AWS_MANAGED },
              // A predefined alias whose AWS managed key does not exist yet has no TargetKeyId.
              { AliasName: 'alias/aws/dynamodb', AliasArn: `arn:aws:kms:us-east-1:${ACCOUNT}:alias/aws/dynamodb` },
            ],
            NextMarker: 'alias-page-2',
            Truncated: true,
          }
        : { Aliases: [{ AliasName: 'alias/claims', AliasArn: `arn:aws:kms:us-east-1:${ACCOUNT}:alias/claims`, TargetKeyId: CUSTOMER }], Truncated: false },
    );
    kms.on(DescribeKeyCommand).callsFake((input: { KeyId: string }) => ({ KeyMetadata: metadata[input.KeyId] }));
    kms.on(GetKeyRotationStatusCommand, { KeyId: CUSTOMER }).resolves({
      KeyRotationEnabled: true, KeyId: arn(CUSTOMER), RotationPeriodInDays: 365, NextRotationDate: new Date('2026-03-12T08:31:07Z'),
    });
    kms.on(GetKeyRotationStatusCommand, { KeyId: IMPORTED }).rejects(
      new UnsupportedOperationException({ $metadata: { httpStatusCode: 400 }, message: `${arn(IMPORTED)} origin is EXTERNAL which is not valid for this operation.` }),
    );

    const run = await collectOne([kmsKeys], { regions: ['us-east-1'] });

    expect(run.result.gaps).toEqual([]);
    expect(markers).toEqual([undefined, 'AQICAHh-page-2']);
    const envelope = await run.envelope(ACCOUNT, 'us-east-1');
    const byId = Object.fromEntries(dataOf<KmsKeys>(envelope).keys.map((k) => [k.key.KeyId!, k]));
    expect(Object.keys(byId)).toEqual([AWS_MANAGED, CUSTOMER, IMPORTED]);
    expect(byId[AWS_MANAGED]).toMatchObject({ metadata: { KeyManager: 'AWS' }, rotation: null, aliases: [{ AliasName: 'alias/aws/backup' }] });
    expect(byId[CUSTOMER]).toMatchObject({
      metadata: { MultiRegionConfiguration: { MultiRegionKeyType: 'PRIMARY', ReplicaKeys: [{ Region: 'eu-west-1' }] } },
      rotation: { KeyRotationEnabled: true, RotationPeriodInDays: 365, NextRotationDate: '2026-03-12T08:31:07.000Z' },
      aliases: [{ AliasName: 'alias/claims' }],
    });
    expect(byId[IMPORTED].rotation).toBeNull();
    // Asked only for the two customer managed symmetric keys; the imported one answered "unsupported" (absent, not a gap).
    expect(kms.commandCalls(GetKeyRotationStatusCommand).map((c) => c.args[0].input.KeyId).sort()).toEqual([CUSTOMER, IMPORTED].sort());
    expect(envelope!.provenance.calls).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ operation: 'kms:ListKeys', pages: 2, records: 3 }),
        expect.objectContaining({ operation: 'kms:ListAliases', pages: 2 }),
        expect.objectContaining({ operation: 'kms:GetKeyRotationStatus', parameters: { KeyId: IMPORTED }, outcome: 'absent', errorCode: 'UnsupportedOperationException' }),
      ]),
    );
  });
});

describe('isRotationApplicable', () => {
  test('only customer managed symmetric encryption keys', () => {
    expect(isRotationApplicable({ KeyManager: 'CUSTOMER', KeySpec: 'SYMMETRIC_DEFAULT' })).toBe(true);
    expect(isRotationApplicable({ KeyManager: 'AWS', KeySpec: 'SYMMETRIC_DEFAULT' })).toBe(false);
    expect(isRotationApplicable({ KeyManager: 'CUSTOMER', KeySpec: 'RSA_2048' })).toBe(false);
    expect(isRotationApplicable({ KeyManager: 'CUSTOMER', KeySpec: 'HMAC_256' })).toBe(false);
  });
});
