/**
 * The AWS Backup current-state collectors (selections, protected resources, recovery points,
 * restore testing, report plans) against recorded AWS responses replayed with
 * aws-sdk-client-mock, run through collectSnapshot so envelopes are validated as in production.
 */
import {
  BackupClient,
  GetBackupSelectionCommand,
  GetRestoreTestingSelectionCommand,
  ListBackupPlansCommand,
  ListProtectedResourcesCommand,
  ListRecoveryPointsByBackupVaultCommand,
  ListReportPlansCommand,
  ListRestoreTestingPlansCommand,
} from '@aws-sdk/client-backup';
import { STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { backupProtectedResources } from '../../../src/collectors/backup/protected-resources.js';
import { backupRecoveryPoints, RECOVERY_POINT_FIELDS } from '../../../src/collectors/backup/recovery-points.js';
import { backupReportPlans } from '../../../src/collectors/backup/report-plans.js';
import { backupRestoreTesting } from '../../../src/collectors/backup/restore-testing.js';
import { backupSelections } from '../../../src/collectors/backup/selections.js';
import { backupJobs } from '../../../src/collectors/backup/backup-jobs.js';
import { backupCopyJobs } from '../../../src/collectors/backup/copy-jobs.js';
import { backupRestoreJobs } from '../../../src/collectors/backup/restore-jobs.js';
import type { Collector } from '../../../src/collectors/types.js';
import type { CallRecord } from '../../../src/evidence/types.js';
import * as rec from '../../support/backup-recorded.js';
import { accessDeniedError, collectOnce, replayCallerIdentity, replayRecordedBackup } from '../../support/backup-mocks.js';

const backup = mockClient(BackupClient);
const sts = mockClient(STSClient);

beforeEach(() => {
  backup.reset();
  sts.reset();
  replayCallerIdentity(sts);
  replayRecordedBackup(backup);
});
afterAll(() => {
  backup.restore();
  sts.restore();
});

function call(calls: CallRecord[], operation: string, parameters?: Record<string, unknown>): CallRecord | undefined {
  return calls.find((c) => c.operation === operation && (!parameters || JSON.stringify(c.parameters) === JSON.stringify(parameters)));
}

describe('backup.selections', () => {
  test('lists every selection of every plan across pages, with GetBackupSelection details', async () => {
    const { result, envelope } = await collectOnce(backupSelections as Collector);

    expect(result.gaps).toEqual([]);
    expect(envelope).toMatchObject({ collector: 'backup.selections', schema: 'backup.selections.v1', complete: true, recordCount: 3 });
    const data = envelope!.data as { plans: Array<{ plan: { BackupPlanName: string }; selections: Array<{ selection: { SelectionName: string }; details: { BackupSelection: Record<string, unknown>; CreationDate: string } }> }> };
    expect(data.plans.map((p) => [p.plan.BackupPlanName, p.selections.map((s) => s.selection.SelectionName)])).toEqual([
      ['daily-35d', ['databases', 'tagged-soc2', 'volumes-except-scratch']],
      ['hourly-critical', []],
    ]);
    const byName = Object.fromEntries(data.plans[0].selections.map((s) => [s.selection.SelectionName, s.details]));
    expect(byName['databases'].BackupSelection.Resources).toEqual([
      'arn:aws:rds:us-east-1:123456789012:db:care-records',
      'arn:aws:dynamodb:us-east-1:123456789012:table/appointments',
    ]);
    expect(byName['tagged-soc2'].BackupSelection).toMatchObject({
      Resources: ['*'],
      Conditions: { StringEquals: [{ ConditionKey: 'aws:ResourceTag/soc2', ConditionValue: 'in-scope' }] },
    });
    expect(byName['volumes-except-scratch'].BackupSelection).toMatchObject({
      NotResources: ['arn:aws:ec2:us-east-1:123456789012:volume/vol-0ffee0ddba11c0de1'],
      ListOfTags: [{ ConditionType: 'STRINGEQUALS', ConditionKey: 'backup', ConditionValue: 'daily' }],
    });
    // SDK Dates are written as ISO strings; the SDK's $metadata is not evidence.
    expect(byName['databases'].CreationDate).toBe('2025-11-02T10:15:01.002Z');
    expect(byName['databases']).not.toHaveProperty('$metadata');

    // Provenance: the daily plan's selections came in two pages, three records.
    const calls = envelope!.provenance.calls;
    expect(call(calls, 'backup:ListBackupSelections', { BackupPlanId: '8c1a2e4f-6b3d-4e5a-9f7c-0d2b4a6c8e1f' })).toMatchObject({ pages: 2, records: 3, outcome: 'ok' });
    expect(calls.filter((c) => c.operation === 'backup:GetBackupSelection')).toHaveLength(3);
  });

  test('AccessDenied on ListBackupPlans is a denied gap naming the operation, and no envelope', async () => {
    backup.on(ListBackupPlansCommand).rejects(accessDeniedError('ListBackupPlans'));

    const { result, envelope } = await collectOnce(backupSelections as Collector);

    expect(envelope).toBeUndefined();
    expect(result.gaps).toEqual([
      expect.objectContaining({ collector: 'backup.selections', kind: 'denied', operation: 'backup:ListBackupPlans', errorCode: 'AccessDeniedException' }),
    ]);
  });

  test('AccessDenied on one GetBackupSelection keeps the others and marks the envelope incomplete', async () => {
    backup
      .on(GetBackupSelectionCommand, { SelectionId: 'c2d4e6f8-0a1b-4c3d-9e5f-7a8b9c0d1e2f' })
      .rejects(accessDeniedError('GetBackupSelection'));

    const { result, envelope } = await collectOnce(backupSelections as Collector);

    expect(envelope!.complete).toBe(false);
    expect(result.gaps).toEqual([
      expect.objectContaining({
        kind: 'denied',
        operation: 'backup:GetBackupSelection',
        resource: '8c1a2e4f-6b3d-4e5a-9f7c-0d2b4a6c8e1f/c2d4e6f8-0a1b-4c3d-9e5f-7a8b9c0d1e2f',
      }),
    ]);
    const selections = (envelope!.data as { plans: Array<{ selections: Array<{ selection: { SelectionName: string }; details?: unknown }> }> }).plans[0].selections;
    expect(selections.map((s) => [s.selection.SelectionName, s.details !== undefined])).toEqual([
      ['databases', true],
      ['tagged-soc2', false],
      ['volumes-except-scratch', true],
    ]);
  });
});

describe('backup.protected-resources', () => {
  test('keeps every protected resource across three pages', async () => {
    const { envelope } = await collectOnce(backupProtectedResources as Collector);

    const resources = (envelope!.data as { resources: Array<Record<string, unknown>> }).resources;
    expect(resources.map((r) => r.ResourceType)).toEqual(['RDS', 'DynamoDB', 'EBS', 'EFS', 'S3']);
    expect(resources[0]).toEqual({
      ResourceArn: 'arn:aws:rds:us-east-1:123456789012:db:care-records',
      ResourceType: 'RDS',
      ResourceName: 'care-records',
      LastBackupTime: '2026-03-10T05:41:17.215Z',
      LastBackupVaultArn: 'arn:aws:backup:us-east-1:123456789012:backup-vault:primary',
      LastRecoveryPointArn: 'arn:aws:rds:us-east-1:123456789012:snapshot:awsbackup:job-4b3d5c8e-2f1a-4d6b-9c7e-1a2b3c4d5e6f',
    });
    expect(envelope!.recordCount).toBe(5);
    expect(call(envelope!.provenance.calls, 'backup:ListProtectedResources')).toMatchObject({ pages: 3, records: 5, parameters: { MaxResults: 1000 } });
  });

  test('a listing whose page token repeats stops instead of asking for the same page forever', async () => {
    backup.on(ListProtectedResourcesCommand).callsFake(() => rec.toSdkShape({ Results: rec.protectedResources.slice(0, 1), NextToken: 'same' }));

    const { envelope } = await collectOnce(backupProtectedResources as Collector);

    expect(backup.commandCalls(ListProtectedResourcesCommand)).toHaveLength(2);
    expect(envelope!.recordCount).toBe(2);
  });

  test('AccessDenied is a denied gap naming ListProtectedResources, and no envelope', async () => {
    backup.on(ListProtectedResourcesCommand).rejects(accessDeniedError('ListProtectedResources'));

    const { result, envelope } = await collectOnce(backupProtectedResources as Collector);

    expect(envelope).toBeUndefined();
    expect(result.gaps).toEqual([expect.objectContaining({ kind: 'denied', operation: 'backup:ListProtectedResources' })]);
  });
});

describe('backup.recovery-points', () => {
  test('lists every vault’s recovery points across pages, keeping only the fields that matter', async () => {
    const { envelope } = await collectOnce(backupRecoveryPoints as Collector);

    const vaults = (envelope!.data as { vaults: Array<{ vault: Record<string, unknown>; recoveryPoints: Array<Record<string, unknown>> }> }).vaults;
    expect(vaults.map((v) => [v.vault.BackupVaultName, v.recoveryPoints.length])).toEqual([
      ['primary', 3],
      ['dr-copies', 1],
    ]);
    expect(envelope!.recordCount).toBe(4);
    // The vault head is only its identity; lock settings live in backup.vaults.
    expect(vaults[0].vault).toEqual({ BackupVaultName: 'primary', BackupVaultArn: 'arn:aws:backup:us-east-1:123456789012:backup-vault:primary', VaultType: 'BACKUP_VAULT' });
    const rds = vaults[0].recoveryPoints[0];
    expect(rds).toMatchObject({
      ResourceType: 'RDS',
      IsEncrypted: true,
      EncryptionKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/5f0e2c1a-7b9d-4e3f-a1c2-6d8e0b4f2a97',
      Status: 'COMPLETED',
      CreationDate: '2026-03-10T05:02:11.583Z',
      CalculatedLifecycle: { DeleteAt: '2026-04-14T05:41:17.215Z' },
      Lifecycle: { DeleteAfterDays: 35, OptInToArchiveForSupportedResources: false },
    });
    // Fields no control reads are dropped; everything kept is in RECOVERY_POINT_FIELDS.
    expect(rds).not.toHaveProperty('IamRoleArn');
    expect(rds).not.toHaveProperty('IndexStatus');
    for (const point of vaults.flatMap((v) => v.recoveryPoints)) {
      for (const key of Object.keys(point)) expect(RECOVERY_POINT_FIELDS).toContain(key);
    }
    // A copy names the vault it came from.
    expect(vaults[1].recoveryPoints[0].SourceBackupVaultArn).toBe('arn:aws:backup:us-west-2:123456789012:backup-vault:secondary');
    expect(call(envelope!.provenance.calls, 'backup:ListRecoveryPointsByBackupVault', { BackupVaultName: 'primary', MaxResults: 1000 })).toMatchObject({ pages: 2, records: 3 });
  });

  test('AccessDenied on one vault’s listing leaves that vault without recoveryPoints and the envelope incomplete', async () => {
    backup.on(ListRecoveryPointsByBackupVaultCommand, { BackupVaultName: 'dr-copies' }).rejects(accessDeniedError('ListRecoveryPointsByBackupVault'));

    const { result, envelope } = await collectOnce(backupRecoveryPoints as Collector);

    expect(envelope!.complete).toBe(false);
    expect(result.gaps).toEqual([expect.objectContaining({ kind: 'denied', operation: 'backup:ListRecoveryPointsByBackupVault', resource: 'dr-copies' })]);
    const vaults = (envelope!.data as { vaults: Array<{ vault: { BackupVaultName: string }; recoveryPoints?: unknown[] }> }).vaults;
    expect(vaults.map((v) => [v.vault.BackupVaultName, v.recoveryPoints?.length])).toEqual([
      ['primary', 3],
      ['dr-copies', undefined],
    ]);
    expect(envelope!.recordCount).toBe(3);
  });
});

describe('backup.restore-testing', () => {
  test('collects plans and their selections (paginated) with Get details', async () => {
    const { result, envelope } = await collectOnce(backupRestoreTesting as Collector);

    expect(result.gaps).toEqual([]);
    const [plan] = (envelope!.data as { plans: Array<{ plan: Record<string, unknown>; details: Record<string, unknown>; selections: Array<{ selection: Record<string, unknown>; details: Record<string, unknown> }> }> }).plans;
    expect(plan.plan).toMatchObject({ RestoreTestingPlanName: 'weekly_restore_test', ScheduleExpression: 'cron(0 2 ? * SUN *)', LastExecutionTime: '2026-03-08T02:00:00.000Z' });
    expect(plan.details.RecoveryPointSelection).toEqual({ Algorithm: 'LATEST_WITHIN_WINDOW', IncludeVaults: ['*'], ExcludeVaults: [], RecoveryPointTypes: ['SNAPSHOT'], SelectionWindowDays: 7 });
    expect(plan.selections.map((s) => [s.selection.RestoreTestingSelectionName, s.details.ProtectedResourceArns])).toEqual([
      ['ebs_volumes', ['*']],
      ['rds_care_records', ['arn:aws:rds:us-east-1:123456789012:db:care-records']],
    ]);
    expect(plan.selections[0].details.ProtectedResourceConditions).toEqual({ StringEquals: [{ Key: 'aws:ResourceTag/soc2', Value: 'in-scope' }], StringNotEquals: [] });
    expect(call(envelope!.provenance.calls, 'backup:ListRestoreTestingSelections', { RestoreTestingPlanName: 'weekly_restore_test' })).toMatchObject({ pages: 2, records: 2 });
  });

  test('AccessDenied on ListRestoreTestingPlans is a denied gap and no envelope; on one selection, an incomplete envelope', async () => {
    backup.on(ListRestoreTestingPlansCommand).rejects(accessDeniedError('ListRestoreTestingPlans'));
    const denied = await collectOnce(backupRestoreTesting as Collector);
    expect(denied.envelope).toBeUndefined();
    expect(denied.result.gaps).toEqual([expect.objectContaining({ kind: 'denied', operation: 'backup:ListRestoreTestingPlans' })]);

    backup.reset();
    replayRecordedBackup(backup);
    backup
      .on(GetRestoreTestingSelectionCommand, { RestoreTestingSelectionName: 'rds_care_records' })
      .rejects(accessDeniedError('GetRestoreTestingSelection'));
    const partial = await collectOnce(backupRestoreTesting as Collector);
    expect(partial.envelope!.complete).toBe(false);
    expect(partial.result.gaps).toEqual([
      expect.objectContaining({ kind: 'denied', operation: 'backup:GetRestoreTestingSelection', resource: 'weekly_restore_test/rds_care_records' }),
    ]);
  });
});

describe('backup.report-plans', () => {
  test('keeps every report plan across pages', async () => {
    const { envelope } = await collectOnce(backupReportPlans as Collector);

    const plans = (envelope!.data as { reportPlans: Array<Record<string, unknown>> }).reportPlans;
    expect(plans.map((p) => p.ReportPlanName)).toEqual(['daily_backup_jobs', 'restore_jobs']);
    expect(plans[0]).toMatchObject({ ReportSetting: { ReportTemplate: 'BACKUP_JOB_REPORT' }, LastSuccessfulExecutionTime: '2026-03-10T01:00:00.000Z' });
    expect(plans[1]).not.toHaveProperty('LastSuccessfulExecutionTime');
    expect(call(envelope!.provenance.calls, 'backup:ListReportPlans')).toMatchObject({ pages: 2, records: 2 });
  });

  test('AccessDenied is a denied gap naming ListReportPlans, and no envelope', async () => {
    backup.on(ListReportPlansCommand).rejects(accessDeniedError('ListReportPlans'));

    const { result, envelope } = await collectOnce(backupReportPlans as Collector);

    expect(envelope).toBeUndefined();
    expect(result.gaps).toEqual([expect.objectContaining({ kind: 'denied', operation: 'backup:ListReportPlans' })]);
  });
});

describe.each([
  backupSelections,
  backupProtectedResources,
  backupRecoveryPoints,
  backupJobs,
  backupCopyJobs,
  backupRestoreJobs,
  backupRestoreTesting,
  backupReportPlans,
] as Collector[])('$id operations', (collector) => {
  test('the operations it declares (the IAM policy is derived from them) are exactly the ones it sends', async () => {
    const { envelope } = await collectOnce(collector);

    const sent = [...new Set(envelope!.provenance.calls.map((c) => c.operation))].sort();
    expect(sent).toEqual([...collector.operations].sort());
  });
});

test('the recorded fixtures are the estate the assertions above describe', () => {
  // Guards the fixtures themselves: a paginated case needs several pages.
  expect(rec.listProtectedResources).toHaveLength(3);
  expect(rec.listRecoveryPoints.primary).toHaveLength(2);
  expect(rec.listReportPlans).toHaveLength(2);
});
