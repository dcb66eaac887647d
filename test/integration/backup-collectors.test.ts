/**
 * The AWS Backup collectors over HTTP: moto serves what it implements (backup plans, vaults,
 * report plans); a loopback fault proxy in front of it serves recorded AWS responses for the rest
 * (selections, protected resources, recovery points, jobs, restore testing) in AWS's REST-JSON wire
 * format (epoch-second timestamps), so the SDK's real deserializer, error parsing and retries run.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BackupClient, CreateBackupPlanCommand, CreateBackupVaultCommand, CreateReportPlanCommand } from '@aws-sdk/client-backup';
import { AwsClientFactory } from '../../src/aws/client-factory.js';
import { backupJobs } from '../../src/collectors/backup/backup-jobs.js';
import { backupCopyJobs } from '../../src/collectors/backup/copy-jobs.js';
import { backupProtectedResources } from '../../src/collectors/backup/protected-resources.js';
import { backupRecoveryPoints } from '../../src/collectors/backup/recovery-points.js';
import { backupReportPlans } from '../../src/collectors/backup/report-plans.js';
import { backupRestoreJobs } from '../../src/collectors/backup/restore-jobs.js';
import { backupRestoreTesting } from '../../src/collectors/backup/restore-testing.js';
import { backupSelections } from '../../src/collectors/backup/selections.js';
import { collectSnapshot } from '../../src/collectors/run-collection.js';
import type { Collector } from '../../src/collectors/types.js';
import { validateEnvelope } from '../../src/evidence/envelope.js';
import { LocalEvidenceStore } from '../../src/evidence/local-store.js';
import type { Envelope } from '../../src/evidence/types.js';
import { seedClient } from '../support/aws-seed.js';
import * as rec from '../support/backup-recorded.js';
import { testConfig } from '../support/config.js';
import { startFaultProxy, type CannedResponse, type FaultRule, type ProxiedRequest } from '../support/fault-proxy.js';
import { useMoto } from '../support/moto.js';

const all = [
  backupSelections,
  backupProtectedResources,
  backupRecoveryPoints,
  backupJobs,
  backupCopyJobs,
  backupRestoreJobs,
  backupRestoreTesting,
  backupReportPlans,
] as Collector[];

/** Paths of the listings each collector starts with (REST-JSON; query string after `?`). */
const PATHS = {
  plans: /^\/backup\/plans\/?(\?|$)/,
  selections: /^\/backup\/plans\/([^/?]+)\/selections\/?(\?|$)/,
  selection: /^\/backup\/plans\/([^/?]+)\/selections\/([^/?]+)\/?(\?|$)/,
  protected: /^\/resources\/?(\?|$)/,
  vaults: /^\/backup-vaults\/?(\?|$)/,
  recoveryPoints: /^\/backup-vaults\/([^/?]+)\/recovery-points\/?(\?|$)/,
  backupJobs: /^\/backup-jobs\/?(\?|$)/,
  copyJobs: /^\/copy-jobs\/?(\?|$)/,
  restoreJobs: /^\/restore-jobs\/?(\?|$)/,
  testPlans: /^\/restore-testing\/plans\/?(\?|$)/,
  testPlan: /^\/restore-testing\/plans\/([^/?]+)\/?(\?|$)/,
  testSelections: /^\/restore-testing\/plans\/([^/?]+)\/selections\/?(\?|$)/,
  testSelection: /^\/restore-testing\/plans\/([^/?]+)\/selections\/([^/?]+)\/?(\?|$)/,
  reportPlans: /^\/audit\/report-plans\/?(\?|$)/,
};

const DAILY_RECORDED_ID = '8c1a2e4f-6b3d-4e5a-9f7c-0d2b4a6c8e1f';
const moto = useMoto();
let dailyPlanId: string;

beforeEach(async () => {
  const backup = seedClient(BackupClient, { endpoint: moto.url, region: rec.REGION });
  await backup.send(new CreateBackupVaultCommand({ BackupVaultName: 'primary' }));
  await backup.send(new CreateBackupVaultCommand({ BackupVaultName: 'dr-copies' }));
  const plan = await backup.send(
    new CreateBackupPlanCommand({
      BackupPlan: { BackupPlanName: 'daily-35d', Rules: [{ RuleName: 'daily', TargetBackupVaultName: 'primary', Lifecycle: { DeleteAfterDays: 35 } }] },
    }),
  );
  dailyPlanId = plan.BackupPlanId!;
  for (const p of rec.reportPlans) {
    await backup.send(
      new CreateReportPlanCommand({
        ReportPlanName: p.ReportPlanName,
        ReportPlanDescription: p.ReportPlanDescription,
        ReportSetting: p.ReportSetting,
        ReportDeliveryChannel: p.ReportDeliveryChannel,
      }),
    );
  }
});

/** Replaces the recorded plan id by moto's, so recorded selections belong to the plan moto serves. */
function forPlan(response: CannedResponse, planId: string): CannedResponse {
  return { ...response, body: response.body.split(DAILY_RECORDED_ID).join(planId) };
}

/** Recorded responses for everything moto does not serve; moto answers the rest. */
function recordedRules(): FaultRule[] {
  const param = (req: ProxiedRequest, re: RegExp, i = 1) => decodeURIComponent(re.exec(req.path)![i]);
  return [
    { match: { path: PATHS.selection }, respond: (req) => forPlan(rec.serveJson(rec.getBackupSelection[param(req, PATHS.selection, 2)]), param(req, PATHS.selection)) },
    { match: { path: PATHS.selections }, respond: (req) => forPlan(rec.servePages(rec.listBackupSelections[DAILY_RECORDED_ID])(req), param(req, PATHS.selections)) },
    { match: { path: PATHS.protected }, respond: rec.servePages(rec.listProtectedResources) },
    { match: { path: PATHS.recoveryPoints }, respond: (req) => rec.servePages(rec.listRecoveryPoints[param(req, PATHS.recoveryPoints)])(req) },
    { match: { path: PATHS.backupJobs }, respond: rec.servePages(rec.listBackupJobs) },
    { match: { path: PATHS.copyJobs }, respond: rec.servePages(rec.listCopyJobs) },
    { match: { path: PATHS.restoreJobs }, respond: rec.servePages(rec.listRestoreJobs) },
    { match: { path: PATHS.testPlans }, respond: rec.servePages(rec.listRestoreTestingPlans) },
    { match: { path: PATHS.testSelection }, respond: (req) => rec.serveJson(rec.getRestoreTestingSelection[`${param(req, PATHS.testSelection)}/${param(req, PATHS.testSelection, 2)}`]) },
    { match: { path: PATHS.testSelections }, respond: (req) => rec.servePages(rec.listRestoreTestingSelections[param(req, PATHS.testSelections)])(req) },
    { match: { path: PATHS.testPlan }, respond: (req) => rec.serveJson(rec.getRestoreTestingPlan[param(req, PATHS.testPlan)]) },
  ];
}

async function collectThrough(proxyUrl: string, collectors: Collector[]) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'proofpack-backup-http-'));
  const config = testConfig({ store: dir, regions: [rec.REGION], period: { start: '2026-03-01', end: '2026-06-30' } });
  const factory = new AwsClientFactory({ endpointUrl: proxyUrl, maxAttempts: 4 });
  try {
    const result = await collectSnapshot(config, {
      store: new LocalEvidenceStore(dir),
      clientFactory: factory,
      endpointUrl: proxyUrl,
      collectors,
      now: () => new Date('2026-03-10T06:00:00Z'),
    });
    const read = async (id: string): Promise<Envelope | undefined> => {
      try {
        const value = JSON.parse(await readFile(path.join(result.path, 'evidence', rec.ACCOUNT, rec.REGION, `${id}.json`), 'utf8')) as unknown;
        validateEnvelope(value);
        return value;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    };
    return { result, read };
  } finally {
    factory.destroy();
  }
}

test('moto serves plans, vaults and report plans; recorded AWS responses the rest; every envelope validates', async () => {
  const proxy = await startFaultProxy({ target: moto.url, rules: recordedRules() });
  try {
    const { result, read } = await collectThrough(proxy.url, all);

    expect(result.gaps).toEqual([]);
    expect(result.envelopes).toBe(all.length);

    // Selections: the plan is moto's; its selections and their details are the recorded ones.
    const selections = (await read('backup.selections'))!.data as { plans: Array<{ plan: { BackupPlanId: string; BackupPlanName: string }; selections: Array<{ details: { BackupPlanId: string; BackupSelection: { SelectionName: string } } }> }> };
    expect(selections.plans.map((p) => [p.plan.BackupPlanId, p.plan.BackupPlanName])).toEqual([[dailyPlanId, 'daily-35d']]);
    expect(selections.plans[0].selections.map((s) => [s.details.BackupPlanId, s.details.BackupSelection.SelectionName])).toEqual([
      [dailyPlanId, 'databases'],
      [dailyPlanId, 'tagged-soc2'],
      [dailyPlanId, 'volumes-except-scratch'],
    ]);

    // Recovery points: vaults from moto, recovery points recorded.
    const points = (await read('backup.recovery-points'))!.data as { vaults: Array<{ vault: { BackupVaultName: string }; recoveryPoints: unknown[] }> };
    expect(points.vaults.map((v) => [v.vault.BackupVaultName, v.recoveryPoints.length]).sort()).toEqual([
      ['dr-copies', 1],
      ['primary', 3],
    ]);

    // Report plans straight from moto.
    const reports = (await read('backup.report-plans'))!.data as { reportPlans: Array<{ ReportPlanName: string; ReportSetting: { ReportTemplate: string } }> };
    expect(reports.reportPlans.map((p) => [p.ReportPlanName, p.ReportSetting.ReportTemplate]).sort()).toEqual([
      ['daily_backup_jobs', 'BACKUP_JOB_REPORT'],
      ['restore_jobs', 'RESTORE_JOB_REPORT'],
    ]);

    // The SDK's own deserializer turns the recorded wire bodies into exactly what the mocked
    // tests replay (toSdkShape): the recorded fixtures are in AWS's wire format.
    for (const [id, records] of [
      ['backup.backup-jobs', rec.backupJobs],
      ['backup.copy-jobs', rec.copyJobs],
      ['backup.restore-jobs', rec.restoreJobs],
    ] as const) {
      expect(((await read(id))!.data as { jobs: unknown[] }).jobs).toEqual(JSON.parse(JSON.stringify(rec.toSdkShape(records))));
    }
    expect(((await read('backup.protected-resources'))!.data as { resources: unknown[] }).resources).toEqual(
      JSON.parse(JSON.stringify(rec.toSdkShape(rec.protectedResources))),
    );

    // On the wire: the window's jobs, then those created in the 7 days before it that completed in it.
    const queries = proxy.requests
      .filter((r) => PATHS.backupJobs.test(r.path) && !r.path.includes('nextToken='))
      .map((r) => Object.fromEntries([...new URL(r.path, 'http://x').searchParams].map(([k, v]) => [k, /^\d{4}-|^\d+(\.\d+)?$/.test(v) && k !== 'maxResults' ? new Date(Number.isNaN(Number(v)) ? v : Number(v) * 1000).toISOString() : v])));
    expect(queries).toEqual([
      { createdAfter: '2026-03-01T00:00:00.000Z', createdBefore: '2026-03-10T06:00:00.000Z', maxResults: '1000' },
      {
        createdAfter: '2026-02-22T00:00:00.000Z',
        createdBefore: '2026-03-01T00:00:00.000Z',
        completeAfter: '2026-03-01T00:00:00.000Z',
        completeBefore: '2026-03-10T06:00:00.000Z',
        maxResults: '1000',
      },
    ]);
  } finally {
    await proxy.stop();
  }
});

test('each collector’s first listing throttled twice is retried by the SDK and succeeds without a gap', async () => {
  const throttled: Record<string, RegExp> = {
    'backup.selections': PATHS.plans,
    'backup.protected-resources': PATHS.protected,
    'backup.recovery-points': PATHS.vaults,
    'backup.backup-jobs': PATHS.backupJobs,
    'backup.copy-jobs': PATHS.copyJobs,
    'backup.restore-jobs': PATHS.restoreJobs,
    'backup.restore-testing': PATHS.testPlans,
    'backup.report-plans': PATHS.reportPlans,
  };
  const base = recordedRules();
  // A throttling rule answers its first two requests with 429 ThrottlingException, then serves
  // the recorded response (or passes through to moto).
  const rules: FaultRule[] = Object.values(throttled).map((re) => {
    const recorded = base.find((r) => String(r.match.path) === String(re));
    return { match: { path: re }, throttle: 2, protocol: 'rest-json', ...(recorded?.respond ? { respond: recorded.respond } : {}) };
  });
  const proxy = await startFaultProxy({ target: moto.url, rules: [...rules, ...base] });
  try {
    // One run per collector, each with its own clients: the SDK's adaptive retry mode slows a
    // client down after throttling, and eight throttled listings on one client take ~25 s.
    const runs = await Promise.all(all.map(async (collector) => ({ id: collector.id, ...(await collectThrough(proxy.url, [collector])) })));

    for (const { id, result, read } of runs) {
      expect({ id, gaps: result.gaps }).toEqual({ id, gaps: [] });
      const seen = proxy.requests.filter((r) => throttled[id].test(r.path)).map((r) => r.throttled);
      expect({ id, first: seen.slice(0, 3) }).toEqual({ id, first: [true, true, false] });
      const envelope = await read(id);
      expect({ id, complete: envelope?.complete }).toEqual({ id, complete: true });
    }
    // All pages were still read after the retries.
    const read = (id: string) => runs.find((r) => r.id === id)!.read(id);
    expect((await read('backup.backup-jobs'))!.recordCount).toBe(rec.backupJobs.length);
    expect((await read('backup.protected-resources'))!.provenance.calls[0]).toMatchObject({ pages: 3, records: rec.protectedResources.length });
  } finally {
    await proxy.stop();
  }
}, 120_000);

test('AWS’s REST-JSON 403 AccessDeniedException becomes a denied gap naming the operation', async () => {
  const proxy = await startFaultProxy({
    target: moto.url,
    rules: [
      { match: { path: PATHS.restoreJobs }, respond: rec.accessDenied('ListRestoreJobs') },
      { match: { path: PATHS.recoveryPoints }, respond: rec.accessDenied('ListRecoveryPointsByBackupVault') },
      ...recordedRules(),
    ],
  });
  try {
    const { result, read } = await collectThrough(proxy.url, [backupRestoreJobs, backupRecoveryPoints] as Collector[]);

    expect(await read('backup.restore-jobs')).toBeUndefined();
    const recoveryPoints = await read('backup.recovery-points');
    expect(recoveryPoints!.complete).toBe(false);
    expect(result.gaps.map((g) => [g.collector, g.kind, g.operation, g.errorCode, g.resource ?? null])).toEqual([
      ['backup.recovery-points', 'denied', 'backup:ListRecoveryPointsByBackupVault', 'AccessDeniedException', 'dr-copies'],
      ['backup.recovery-points', 'denied', 'backup:ListRecoveryPointsByBackupVault', 'AccessDeniedException', 'primary'],
      ['backup.restore-jobs', 'denied', 'backup:ListRestoreJobs', 'AccessDeniedException', null],
    ]);
    expect(result.gaps[2].message).toContain('is not authorized to perform: backup:ListRestoreJobs');
  } finally {
    await proxy.stop();
  }
});
