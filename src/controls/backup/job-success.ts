import { makeException, plural } from '../support/exceptions.js';
import { buildInventory, scopeOfArn } from '../support/inventory.js';
import { bool, text, timeOf, type Json } from '../support/records.js';
import type { Control, ControlException, Measurement } from '../types.js';

const FAILED_STATES = new Set(['FAILED', 'EXPIRED', 'ABORTED', 'PARTIAL']);
const PENDING_STATES = new Set(['CREATED', 'PENDING', 'RUNNING', 'ABORTING']);

const pct = (rate: number) => `${(Math.round(rate * 10_000) / 100).toFixed(2)}%`;

/** Backup jobs of the period succeed at or above the target rate, per resource and overall; each failed job is listed. */
export const jobSuccess: Control = {
  id: 'backup.job-success',
  title: 'Backup jobs in the period succeed at or above the target rate, per resource and overall; each failed job is listed',
  requires: ['backup.backup-jobs'],
  optional: ['s3.buckets', 'rds.instances', 'rds.clusters', 'dynamodb.tables'],
  measure:
    'Jobs created in the period (ListBackupJobs, deduplicated by BackupJobId across overlapping snapshots, latest state kept; composite parents left out, their child jobs counted) of in-scope resources. Success rate = COMPLETED / (COMPLETED + FAILED + EXPIRED + ABORTED + PARTIAL), overall and per resource, against targets.backupSuccessRate; jobs still running at the last capture are not counted. Each failed, expired, aborted or partial job is listed; a rate below the target is a failure. The population is complete only where the coverage ledger shows no backup-jobs gap; a gap makes the control unevaluable.',
  evaluate({ view, config, coverage }) {
    const range = view.period;
    const target = config.targets.backupSuccessRate;
    const scopeTags = config.scope.tags ?? {};
    const inventory = buildInventory(view);
    const exceptions: ControlException[] = [];
    const perResource = new Map<string, { account: string; region: string; ok: number; failed: number; evidence: Set<string> }>();
    let ok = 0;
    let failed = 0;
    let pending = 0;
    let unknownScope = 0;
    let jobs = 0;
    for (const r of view.records<Json>('backup.backup-jobs')) {
      const job = r.record;
      const created = timeOf(job, 'CreationDate');
      if (!created || created < range.from || created >= range.to) continue;
      if (bool(job, 'IsParent') === true) continue;
      const arn = text(job, 'ResourceArn') ?? '';
      const scope = scopeOfArn(inventory, arn, scopeTags);
      if (scope === 'out') continue;
      if (scope === 'unknown') {
        unknownScope += 1;
        continue;
      }
      jobs += 1;
      const state = (text(job, 'State') ?? '').toUpperCase();
      const stats = perResource.get(arn) ?? { account: r.account, region: r.region, ok: 0, failed: 0, evidence: new Set<string>() };
      perResource.set(arn, stats);
      if (state === 'COMPLETED') {
        ok += 1;
        stats.ok += 1;
      } else if (FAILED_STATES.has(state)) {
        failed += 1;
        stats.failed += 1;
        stats.evidence.add(r.evidenceId);
        const reason = [text(job, 'StatusMessage'), text(job, 'MessageCategory')].filter(Boolean).join(' — ');
        exceptions.push(
          makeException('deviation', {
            resource: arn,
            account: r.account,
            region: r.region,
            from: created,
            to: timeOf(job, 'CompletionDate') ?? created,
            message: `backup job ${text(job, 'BackupJobId')} ${state}${reason ? `: ${reason}` : ''} (vault ${text(job, 'BackupVaultName') ?? '?'})`,
            evidence: [r.evidenceId],
          }),
        );
      } else if (PENDING_STATES.has(state)) {
        pending += 1;
      }
    }
    const measurements: Measurement[] = [];
    const finished = ok + failed;
    const overall = finished > 0 ? ok / finished : null;
    measurements.push({ name: 'success rate', subject: 'overall', value: overall, target, unit: 'ratio', ...(overall !== null ? { met: overall >= target } : {}), note: `${ok} of ${finished} finished jobs completed; ${pending} still running at the last capture` });
    if (overall !== null && overall < target) {
      exceptions.push(
        makeException('failure', {
          resource: 'all in-scope resources',
          account: '*',
          region: '*',
          from: range.from,
          to: range.to,
          message: `overall success rate ${pct(overall)} (${ok} of ${finished}) is below the target ${pct(target)}`,
        }),
      );
    }
    for (const [arn, s] of [...perResource].sort((a, b) => a[0].localeCompare(b[0]))) {
      const n = s.ok + s.failed;
      if (n === 0) continue;
      const rate = s.ok / n;
      measurements.push({ name: 'success rate', subject: arn, account: s.account, region: s.region, value: rate, target, unit: 'ratio', met: rate >= target, note: `${s.ok} of ${n}` });
      if (rate < target) {
        exceptions.push(
          makeException('failure', {
            resource: arn,
            account: s.account,
            region: s.region,
            from: range.from,
            to: range.to,
            message: `success rate ${pct(rate)} (${s.ok} of ${n} jobs) is below the target ${pct(target)}`,
            evidence: [...s.evidence],
          }),
        );
      }
    }
    // Completeness: the population is whole only where the ledger shows no gap.
    for (const cell of coverage.cells.filter((c) => c.source === 'backup.backup-jobs')) {
      for (const gap of cell.gaps) {
        exceptions.push(
          makeException('unevaluated', {
            resource: `backup jobs ${cell.account}/${cell.region}`,
            account: cell.account,
            region: cell.region,
            from: `${gap.from}T00:00:00.000Z`,
            to: new Date(Date.parse(`${gap.to}T00:00:00.000Z`) + 86_400_000).toISOString(),
            message: `could not be evaluated: the job population is incomplete from ${gap.from} to ${gap.to} (${gap.reason}: ${gap.message})`,
          }),
        );
      }
    }
    if (jobs === 0 && exceptions.length === 0) {
      return { status: 'not_applicable', summary: `no backup jobs of in-scope resources in the period${unknownScope ? ` (${plural(unknownScope, 'job')} of resources whose scope is unknown)` : ''}`, exceptions, measurements };
    }
    const below = measurements.filter((m) => m.subject !== 'overall' && m.met === false).length;
    return {
      summary: `${plural(jobs, 'job')} of ${plural(perResource.size, 'resource')}: ${overall === null ? 'none finished' : `${pct(overall)} succeeded`} (target ${pct(target)}); ${plural(failed, 'failed job')}; ${plural(below, 'resource')} below the target.${
        unknownScope ? ` ${plural(unknownScope, 'job')} of resources outside the inventory (scope unknown) not counted.` : ''
      }`,
      exceptions,
      measurements,
    };
  },
};
