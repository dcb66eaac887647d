import {
  DescribeKeyCommand,
  GetKeyRotationStatusCommand,
  paginateListAliases,
  paginateListKeys,
  type AliasListEntry,
  type KeyListEntry,
  type KeyMetadata,
} from '@aws-sdk/client-kms';
import { mapWithConcurrency } from '../../util/limiter.js';
import { withoutMetadata } from '../sdk-output.js';
import type { Collector } from '../types.js';

export interface KeyEvidence {
  /** ListKeys entry: KeyId, KeyArn. */
  key: KeyListEntry;
  /**
   * DescribeKey's KeyMetadata: KeyManager (CUSTOMER | AWS), KeyState, Origin, KeySpec,
   * MultiRegion and MultiRegionConfiguration (PRIMARY | REPLICA, the primary key and the replica
   * keys with their regions). Missing when the call failed (see gaps).
   */
  metadata?: KeyMetadata;
  /**
   * GetKeyRotationStatus (KeyRotationEnabled, RotationPeriodInDays, NextRotationDate…), asked
   * only for customer managed symmetric encryption keys. null: not applicable — an AWS managed
   * key (AWS rotates it every year; it is not configurable), an asymmetric or HMAC key, or AWS
   * answered UnsupportedOperationException (imported key material, custom key store). Missing:
   * it could not be read (see gaps), including when DescribeKey failed.
   */
  rotation?: Record<string, unknown> | null;
  /** ListAliases entries that target this key (AWS managed keys carry `alias/aws/<service>`). Missing when ListAliases failed. */
  aliases?: AliasListEntry[];
}

export interface KmsKeys {
  keys: KeyEvidence[];
}

/** True for the keys whose automatic rotation the customer controls (GetKeyRotationStatus applies). */
export function isRotationApplicable(metadata: Pick<KeyMetadata, 'KeyManager' | 'KeySpec'>): boolean {
  return metadata.KeyManager === 'CUSTOMER' && metadata.KeySpec === 'SYMMETRIC_DEFAULT';
}

/** KMS keys of the region, AWS managed ones included, with multi-region configuration, rotation and aliases. */
export const kmsKeys: Collector<KmsKeys> = {
  id: 'kms.keys',
  schema: 'kms.keys.v1',
  title: 'KMS keys with key manager, state, multi-region primary/replicas, automatic rotation and aliases',
  scope: 'region',
  group: 'state',
  operations: ['kms:ListKeys', 'kms:DescribeKey', 'kms:GetKeyRotationStatus', 'kms:ListAliases'],
  async collect(ctx) {
    const client = ctx.clients.kms;
    const listed: KeyListEntry[] = [];
    // Largest pages AWS allows (ListKeys 1000, ListAliases 100; defaults 100 and 50): fewer calls per region.
    for await (const page of paginateListKeys({ client }, { Limit: 1000 })) listed.push(...(page.Keys ?? []));
    ctx.progress(`${listed.length} keys`);

    // One listing of every alias in the region instead of one ListAliases per key.
    const aliases = await ctx.attempt(
      'kms:ListAliases',
      (async () => {
        const all: AliasListEntry[] = [];
        for await (const page of paginateListAliases({ client }, { Limit: 100 })) all.push(...(page.Aliases ?? []));
        return all;
      })(),
    );
    const aliasesByKey = new Map<string, AliasListEntry[]>();
    for (const alias of aliases ?? []) {
      if (!alias.TargetKeyId) continue;
      aliasesByKey.set(alias.TargetKeyId, [...(aliasesByKey.get(alias.TargetKeyId) ?? []), alias]);
    }

    const keys = await mapWithConcurrency(listed, 8, async (key): Promise<KeyEvidence> => {
      const keyId = key.KeyId!;
      const evidence: KeyEvidence = { key };
      const described = await ctx.attempt('kms:DescribeKey', client.send(new DescribeKeyCommand({ KeyId: keyId })), keyId);
      const metadata = described?.KeyMetadata;
      if (metadata) {
        evidence.metadata = metadata;
        if (isRotationApplicable(metadata)) {
          const rotation = await ctx.attempt('kms:GetKeyRotationStatus', client.send(new GetKeyRotationStatusCommand({ KeyId: keyId })), keyId);
          if (rotation !== undefined) evidence.rotation = rotation === null ? null : withoutMetadata(rotation);
        } else {
          evidence.rotation = null;
        }
      }
      if (aliases) evidence.aliases = aliasesByKey.get(keyId) ?? [];
      return evidence;
    });
    return { data: { keys }, recordCount: keys.length };
  },
};
