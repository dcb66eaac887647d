/**
 * Replays the recorded AWS Backup responses (backup-recorded.ts) through aws-sdk-client-mock, and
 * runs one collector through `collectSnapshot` exactly as production does (envelope validation,
 * provenance, gaps), returning the snapshot and the envelope it wrote.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  BackupClient,
  BackupServiceException,
  GetBackupSelectionCommand,
  GetRestoreTestingPlanCommand,
  GetRestoreTestingSelectionCommand,
  ListBackupJobsCommand,
  ListBackupPlansCommand,
  ListBackupSelectionsCommand,
  ListBackupVaultsCommand,
  ListCopyJobsCommand,
  ListProtectedResourcesCommand,
  ListRecoveryPointsByBackupVaultCommand,
  ListReportPlansCommand,
  ListRestoreJobsCommand,
  ListRestoreTestingPlansCommand,
  ListRestoreTestingSelectionsCommand,
} from '@aws-sdk/client-backup';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsStub } from 'aws-sdk-client-mock';
import { AwsClientFactory } from '../../src/aws/client-factory.js';
import { collectSnapshot, type CollectResult } from '../../src/collectors/run-collection.js';
import type { Collector } from '../../src/collectors/types.js';
import { validateEnvelope } from '../../src/evidence/envelope.js';
import { LocalEvidenceStore } from '../../src/evidence/local-store.js';
import type { Envelope } from '../../src/evidence/types.js';
import * as rec from './backup-recorded.js';
import { testConfig } from './config.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type BackupStub = AwsStub<any, any, any>;

/** Answers every Backup listing of the recorded estate, page by page (by NextToken). */
export function replayRecordedBackup(backup: BackupStub): void {
  const sdk = <T>(wire: unknown) => rec.toSdkShape<T>(wire);
  backup.on(ListBackupPlansCommand).callsFake(() => sdk(rec.listBackupPlans));
  backup.on(ListBackupSelectionsCommand).callsFake((input) => sdk(rec.pageFor(rec.listBackupSelections[input.BackupPlanId], input.NextToken)));
  backup.on(GetBackupSelectionCommand).callsFake((input) => sdk(rec.getBackupSelection[input.SelectionId]));
  backup.on(ListProtectedResourcesCommand).callsFake((input) => sdk(rec.pageFor(rec.listProtectedResources, input.NextToken)));
  backup.on(ListBackupVaultsCommand).callsFake(() => sdk(rec.listBackupVaults));
  backup
    .on(ListRecoveryPointsByBackupVaultCommand)
    .callsFake((input) => sdk(rec.pageFor(rec.listRecoveryPoints[input.BackupVaultName], input.NextToken)));
  backup.on(ListBackupJobsCommand).callsFake((input) => sdk(rec.pageFor(rec.listBackupJobs, input.NextToken)));
  backup.on(ListCopyJobsCommand).callsFake((input) => sdk(rec.pageFor(rec.listCopyJobs, input.NextToken)));
  backup.on(ListRestoreJobsCommand).callsFake((input) => sdk(rec.pageFor(rec.listRestoreJobs, input.NextToken)));
  backup.on(ListRestoreTestingPlansCommand).callsFake((input) => sdk(rec.pageFor(rec.listRestoreTestingPlans, input.NextToken)));
  backup.on(GetRestoreTestingPlanCommand).callsFake((input) => sdk(rec.getRestoreTestingPlan[input.RestoreTestingPlanName]));
  backup
    .on(ListRestoreTestingSelectionsCommand)
    .callsFake((input) => sdk(rec.pageFor(rec.listRestoreTestingSelections[input.RestoreTestingPlanName], input.NextToken)));
  backup
    .on(GetRestoreTestingSelectionCommand)
    .callsFake((input) => sdk(rec.getRestoreTestingSelection[`${input.RestoreTestingPlanName}/${input.RestoreTestingSelectionName}`]));
  backup.on(ListReportPlansCommand).callsFake((input) => sdk(rec.pageFor(rec.listReportPlans, input.NextToken)));
}

/** STS answers GetCallerIdentity for the recorded account (the runner asks once per account). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function replayCallerIdentity(sts: AwsStub<any, any, any>): void {
  sts.on(GetCallerIdentityCommand).resolves({
    Account: rec.ACCOUNT,
    Arn: `arn:aws:sts::${rec.ACCOUNT}:assumed-role/proofpack-read/proofpack`,
    UserId: 'AROAEXAMPLEID:proofpack',
  });
}

/** The error the SDK raises for AWS's REST-JSON 403 AccessDeniedException (Backup does not model it). */
export function accessDeniedError(action: string): BackupServiceException {
  return new BackupServiceException({
    name: 'AccessDeniedException',
    $fault: 'client',
    $metadata: { httpStatusCode: 403, requestId: 'd1e2f3a4-denied' },
    message: `User: arn:aws:sts::${rec.ACCOUNT}:assumed-role/proofpack-read/proofpack is not authorized to perform: backup:${action} on resource: *`,
  });
}

export interface CollectedOnce {
  result: CollectResult;
  /** The envelope written for account × us-east-1, or undefined when none was written. */
  envelope?: Envelope;
  dir: string;
}

/** Runs `collector` for the recorded account in us-east-1 through collectSnapshot, into `dir` (a new temp folder by default). */
export async function collectOnce(
  collector: Collector,
  options: { now?: () => Date; dir?: string; period?: { start: string; end: string } } = {},
): Promise<CollectedOnce> {
  const dir = options.dir ?? (await mkdtemp(path.join(os.tmpdir(), 'proofpack-backup-')));
  const config = testConfig({ store: dir, regions: [rec.REGION], ...(options.period ? { period: options.period } : {}) });
  const factory = new AwsClientFactory({ maxAttempts: 1 });
  try {
    const result = await collectSnapshot(config, { store: new LocalEvidenceStore(dir), clientFactory: factory, collectors: [collector], now: options.now });
    let envelope: Envelope | undefined;
    try {
      const value = JSON.parse(await readFile(path.join(result.path, 'evidence', rec.ACCOUNT, rec.REGION, `${collector.id}.json`), 'utf8')) as unknown;
      validateEnvelope(value);
      envelope = value;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    return { result, envelope, dir };
  } finally {
    factory.destroy();
  }
}

export { BackupClient, STSClient };
