import type { Capture } from '../../period/types.js';
import { regionOfArn } from '../support/arn.js';
import { intervalExceptions, makeException, plural, unevaluated } from '../support/exceptions.js';
import { periodCaptures } from '../support/inventory.js';
import { bool, field, listOf, text, timeOf, type Json } from '../support/records.js';
import { findBadIntervals, observeResources } from '../support/timeline.js';
import type { Control, ControlException, Measurement } from '../types.js';

const FAILED_STATES = new Set(['FAILED', 'EXPIRED', 'ABORTED', 'PARTIAL']);

/** Backup plans in each primary region copy to a vault in its paired region, and those copy jobs complete. */
export const crossRegionCopy: Control = {
  id: 'backup.cross-region-copy',
  title: 'Backup plans copy recovery points to a vault in the paired region, and the copy jobs complete within the target lag',
  requires: ['backup.plans', 'backup.copy-jobs'],
  optional: ['backup.backup-jobs', 'backup.recovery-points'],
  measure:
    'For each region pair and account: at every snapshot, every backup plan in the primary region must have a rule with a copy action to a vault in the secondary region (GetBackupPlan CopyActions). Copy jobs of the period (deduplicated by CopyJobId) from a primary-region vault to the secondary must complete: each failed, expired, aborted or partial copy is an exception, and so is a copy whose lag (completion minus the source recovery point\'s creation, else the copy job\'s creation) exceeds targets.copyJobMaxLagHours. Backup jobs completed in a primary region with no copy job to the secondary in the period is an exception.',
  notApplicable: (config) => (config.regionPairs.length === 0 ? 'no region pairs are configured (regionPairs)' : undefined),
  evaluate({ view, config }) {
    const range = view.period;
    const exceptions: ControlException[] = [];
    const measurements: Measurement[] = [];
    const maxLagHours = config.targets.copyJobMaxLagHours;
    const pairs = config.regionPairs;
    let plansChecked = 0;

    // 1. Plans in each primary region copy to the secondary.
    for (const pair of pairs) {
      const captures = periodCaptures(view.series<Json>('backup.plans'), range).filter((c) => c.region === pair.primary);
      const timelines = observeResources<Json>({
        captures,
        list: (c: Capture) => listOf(c.data, 'plans'),
        key: (p, c) => `${c.account}|${c.region}|${text(field(p, 'plan'), 'BackupPlanId')}`,
        region: (_p, c) => c.region,
        judge: (p) => {
          const details = field(p, 'details');
          const rules = listOf(field(details, 'BackupPlan'), 'Rules');
          if (!rules) return { state: 'unknown', detail: 'the plan\'s rules could not be read' };
          const destinations = rules.flatMap((r) => (listOf(r, 'CopyActions') ?? []).map((a) => text(a, 'DestinationBackupVaultArn') ?? ''));
          if (destinations.some((d) => regionOfArn(d) === pair.secondary)) return { state: 'ok', detail: `copies to ${pair.secondary}` };
          return {
            state: 'bad',
            detail: destinations.length === 0 ? `no rule copies to another region` : `copies only to ${[...new Set(destinations.map((d) => regionOfArn(d)))].join(', ')}, not to ${pair.secondary}`,
          };
        },
      });
      for (const t of timelines.values()) {
        plansChecked += 1;
        const name = text(field(t.latest?.resource, 'plan'), 'BackupPlanName') ?? t.key.split('|')[2];
        const result = findBadIntervals(t.observations, range);
        if (!result.known) {
          exceptions.push(unevaluated(range, { resource: name, account: t.account, region: t.region, message: result.unknown[0] ?? 'unknown', evidence: t.observations.map((o) => o.evidence) }));
          continue;
        }
        const arn = text(field(t.latest?.resource, 'plan'), 'BackupPlanArn') ?? name;
        exceptions.push(...intervalExceptions(result, { resource: arn, account: t.account, region: t.region, what: `backup plan ${name} did not copy to ${pair.secondary}` }));
      }
    }

    // 2. Copy jobs from a primary to its secondary complete, within the lag target.
    const rpCreated = new Map<string, string>();
    for (const c of view.series<Json>('backup.recovery-points')) {
      for (const v of listOf(c.data, 'vaults') ?? []) {
        for (const rp of listOf(v, 'recoveryPoints') ?? []) {
          const arn = text(rp, 'RecoveryPointArn');
          const created = timeOf(rp, 'CreationDate');
          if (arn && created) rpCreated.set(arn, created);
        }
      }
    }
    const copiesByPair = new Map<string, number>();
    let copies = 0;
    let copyFailures = 0;
    for (const r of view.records<Json>('backup.copy-jobs')) {
      const job = r.record;
      const created = timeOf(job, 'CreationDate');
      if (!created || created < range.from || created >= range.to || bool(job, 'IsParent') === true) continue;
      const from = regionOfArn(text(job, 'SourceBackupVaultArn'));
      const to = regionOfArn(text(job, 'DestinationBackupVaultArn'));
      if (!pairs.some((p) => p.primary === from && p.secondary === to)) continue;
      copies += 1;
      copiesByPair.set(`${r.account}|${from}|${to}`, (copiesByPair.get(`${r.account}|${from}|${to}`) ?? 0) + 1);
      const state = (text(job, 'State') ?? '').toUpperCase();
      const resource = text(job, 'ResourceArn') ?? text(job, 'SourceRecoveryPointArn') ?? text(job, 'CopyJobId') ?? '?';
      const id = text(job, 'CopyJobId');
      const completed = timeOf(job, 'CompletionDate');
      if (FAILED_STATES.has(state)) {
        copyFailures += 1;
        exceptions.push(
          makeException('failure', {
            resource,
            account: r.account,
            region: from ?? r.region,
            from: created,
            to: completed ?? created,
            message: `copy job ${id} to ${to} ${state}${text(job, 'StatusMessage') ? `: ${text(job, 'StatusMessage')}` : ''}`,
            evidence: [r.evidenceId],
          }),
        );
        continue;
      }
      if (state === 'COMPLETED' && completed) {
        const sourceCreated = rpCreated.get(text(job, 'SourceRecoveryPointArn') ?? '') ?? created;
        const lagHours = (Date.parse(completed) - Date.parse(sourceCreated)) / 3_600_000;
        if (lagHours > maxLagHours) {
          exceptions.push(
            makeException('failure', {
              resource,
              account: r.account,
              region: from ?? r.region,
              from: sourceCreated,
              to: completed,
              message: `copy job ${id} to ${to} completed ${lagHours.toFixed(1)} hours after the recovery point was created, more than the target ${maxLagHours} hours`,
              evidence: [r.evidenceId],
            }),
          );
        }
      }
    }
    // 3. Backups in a primary with no copy to its secondary at all.
    const completedBackups = new Map<string, string[]>();
    for (const r of view.records<Json>('backup.backup-jobs')) {
      const created = timeOf(r.record, 'CreationDate');
      if (!created || created < range.from || created >= range.to) continue;
      if ((text(r.record, 'State') ?? '').toUpperCase() !== 'COMPLETED') continue;
      const key = `${r.account}|${r.region}`;
      const list = completedBackups.get(key) ?? [];
      if (list.length < 3 && !list.includes(r.evidenceId)) list.push(r.evidenceId);
      completedBackups.set(key, list);
    }
    for (const pair of pairs) {
      for (const [key, evidence] of completedBackups) {
        const [account, region] = key.split('|');
        if (region !== pair.primary || copiesByPair.has(`${account}|${pair.primary}|${pair.secondary}`)) continue;
        exceptions.push(
          makeException('failure', {
            resource: `backups ${account}/${pair.primary}`,
            account,
            region: pair.primary,
            from: range.from,
            to: range.to,
            message: `backup jobs completed in ${pair.primary} during the period, but no copy job to ${pair.secondary} was found`,
            evidence,
          }),
        );
      }
    }
    measurements.push({ name: 'copy jobs', subject: 'primary → secondary', value: copies, note: `${copyFailures} failed` });
    if (plansChecked === 0 && copies === 0 && exceptions.length === 0) {
      return { status: 'not_applicable', summary: `no backup plans or copy jobs in the primary regions (${pairs.map((p) => p.primary).join(', ')})`, exceptions, measurements };
    }
    const failingPlans = new Set(exceptions.filter((e) => e.kind === 'failure' && e.message.startsWith('backup plan')).map((e) => e.resource)).size;
    return {
      summary: `${plural(plansChecked, 'plan')} in primary regions, ${failingPlans} not copying to the paired region at some time; ${plural(copies, 'copy job')} to paired regions, ${copyFailures} failed.`,
      exceptions,
      measurements,
    };
  },
};
