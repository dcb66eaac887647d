import type { CoverageCell, CoverageLedger } from '../../coverage/types.js';
import { ExitCode } from '../../errors.js';
import { openStore } from '../../evidence/open-store.js';
import { buildLedgerFor } from '../../period/evaluate-period.js';
import { loadPeriod } from '../../period/load-period.js';
import type { CliIo } from '../io.js';
import { loadConfigForCli, plural, printJson } from '../shared.js';
// Registers the control ids with the config loader, so waivers are checked when the config loads.
import '../../controls/index.js';

/** `proofpack coverage`: the period ledger, compactly (ranges, not days), or as JSON. --strict: exit 3 on any gap or problem. */
export async function runCoverage(io: CliIo, options: Record<string, unknown>): Promise<number> {
  const config = await loadConfigForCli(io, options.config, { quiet: Boolean(options.json) });
  const store = openStore(config);
  const view = await loadPeriod(store, config);
  const ledger = await buildLedgerFor(view, config, store);
  if (options.json) printJson(io, ledger);
  else io.stdout(formatLedger(ledger, view.snapshots.length));
  return options.strict && !ledger.summary.complete ? ExitCode.gapsOrFailures : ExitCode.ok;
}

const range = (from: string, to: string) => (from === to ? from : `${from} … ${to}`);

/** The ledger for people: the summary, every gap with its reason, then coverage per source (complete sources on one line). */
export function formatLedger(ledger: CoverageLedger, snapshots: number): string {
  const s = ledger.summary;
  const lines: string[] = [];
  lines.push(`Coverage ${ledger.period.start} to ${ledger.period.end} (${ledger.days} days), ${plural(snapshots, 'snapshot')}`);
  lines.push(
    `  ${s.completeCells} of ${plural(s.cells, 'source × account × region cell')} cover every day; ${plural(s.gapRanges, 'gap range')} (${s.gapCellDays} cell-days); ${plural(s.problems, 'verification problem')}`,
  );
  const withGaps = ledger.cells.filter((c) => c.gaps.length > 0);
  if (withGaps.length > 0) {
    lines.push('', 'Gaps:');
    const width = Math.max(...withGaps.map((c) => c.source.length));
    for (const c of withGaps) {
      for (const g of c.gaps) {
        lines.push(`  ${c.source.padEnd(width)}  ${c.account.padEnd(12)}  ${c.region.padEnd(14)}  ${range(g.from, g.to)} (${plural(g.days, 'day')})  ${g.reason}: ${g.message}`);
      }
    }
  }
  if (ledger.problems.length > 0) {
    lines.push('', 'Verification problems:');
    for (const p of ledger.problems) lines.push(`  ${p.kind.padEnd(10)} ${p.snapshotId}${p.path ? `/${p.path}` : ''}: ${p.message}`);
  }
  if (ledger.notices.length > 0) {
    lines.push('', 'Notices:');
    for (const n of ledger.notices) lines.push(`  ${n.kind}: ${n.message}`);
  }
  lines.push('', 'Covered:');
  const bySource = new Map<string, CoverageCell[]>();
  for (const c of ledger.cells) bySource.set(c.source, [...(bySource.get(c.source) ?? []), c]);
  const width = Math.max(0, ...[...bySource.keys()].map((k) => k.length));
  for (const [source, cells] of bySource) {
    const complete = cells.every((c) => c.gaps.length === 0);
    const snaps = new Set(cells.flatMap((c) => c.covered.flatMap((r) => r.snapshots)));
    if (complete) {
      lines.push(`  ${source.padEnd(width)}  every day in all ${plural(cells.length, 'cell')} (${cells[0]?.kind}, ${plural(snaps.size, 'snapshot')})`);
      continue;
    }
    for (const c of cells) {
      const ranges = c.covered.map((r) => `${range(r.from, r.to)} (${plural(r.snapshots.length, 'snapshot')})`).join(', ');
      lines.push(`  ${source.padEnd(width)}  ${c.account.padEnd(12)}  ${c.region.padEnd(14)}  ${ranges || 'nothing covered'}`);
    }
  }
  lines.push('', `Rules: ${ledger.rules.windowed}; ${ledger.rules.pointInTime}.`);
  return lines.join('\n') + '\n';
}
