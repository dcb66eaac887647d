import path from 'node:path';
import { loadPrivateKeyFile } from '../../bundle/signing.js';
import { ExitCode } from '../../errors.js';
import { closeStore, openStore } from '../../evidence/open-store.js';
import { buildReport, type BuiltReport } from '../../report/build-report.js';
import type { CliIo } from '../io.js';
import { loadConfigForCli, plural, printJson } from '../shared.js';

/**
 * `proofpack report [-c FILE] [--out DIR] [--signing-key FILE] [--json] [--strict]`: the documents,
 * tables, populations and the signed bundle zip (docs/REPORT.md). Exit 0 once written (a store with
 * verification problems still gets a report that shows them); 3 with --strict when a control failed
 * or could not be evaluated, or the evidence has gaps or problems; 2 on bad input.
 */
export async function runReport(io: CliIo, options: Record<string, unknown>): Promise<number> {
  const json = Boolean(options.json);
  const config = await loadConfigForCli(io, options.config, { quiet: json });
  const signing = options.signingKey !== undefined ? await loadPrivateKeyFile(path.resolve(io.cwd, String(options.signingKey))) : undefined;
  const store = openStore(config);
  const started = Date.now();
  const showProgress = io.isTTY && !json;
  let report: BuiltReport;
  try {
    report = await buildReport(config, {
      store,
      outDir: path.resolve(io.cwd, String(options.out ?? 'out')),
      signingKey: signing?.privateKey,
      onProgress: showProgress ? (message) => io.stderr(`  ${message}\n`) : undefined,
    });
  } finally {
    closeStore(store);
  }
  if (json) {
    printJson(io, {
      bundle: report.bundle,
      sha256: report.sha256,
      size: report.size,
      bundleId: report.bundleId,
      generatedAt: report.generatedAt,
      signing: { key: report.signing.key, publicKeySha256: report.signing.publicKeySha256 },
      documentsDir: report.documentsDir,
      documents: report.documents,
      populations: report.populations,
      evidenceFiles: report.evidenceFiles,
      snapshots: report.snapshots,
      summary: report.evaluation.summary,
      coverage: report.coverage.summary,
      problems: report.problems.length,
    });
  } else {
    io.stdout(formatReport(report, (Date.now() - started) / 1000));
  }
  const failing =
    report.evaluation.controls.some((c) => c.status === 'fail' || c.status === 'error') || !report.coverage.summary.complete || report.problems.length > 0;
  return options.strict && failing ? ExitCode.gapsOrFailures : ExitCode.ok;
}

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
}

export function formatReport(report: BuiltReport, seconds?: number): string {
  const s = report.evaluation.summary;
  const cov = report.coverage.summary;
  const lines = [
    `bundle   ${report.bundle}`,
    `sha256   ${report.sha256}`,
    `size     ${formatSize(report.size)}: ${plural(report.evidenceFiles, 'evidence file')}, ${plural(report.snapshots, 'snapshot manifest')}, ${plural(report.populations.length, 'population')}`,
    `id       ${report.bundleId} (generated at ${report.generatedAt}, the newest snapshot used)`,
    report.signing.key === 'provided'
      ? `signed   with your key, fingerprint ${report.signing.publicKeySha256}`
      : `signed   with a ONE-TIME key (fingerprint ${report.signing.publicKeySha256}): it proves the files were not altered, not who made them; use --signing-key (proofpack keygen) for a key the auditor knows`,
    '',
    `documents (${report.documentsDir}):`,
    ...report.documents.map((d) => `  ${path.relative(report.documentsDir, d)}`),
    '',
    `controls: ${s.pass} pass, ${s.fail} fail, ${s.error} error, ${s.waived} waived, ${s.not_applicable} not applicable`,
    `coverage: ${cov.completeCells} of ${plural(cov.cells, 'cell')} complete, ${plural(cov.gapRanges, 'gap range')}, ${plural(cov.problems, 'verification problem')}`,
  ];
  if (report.problems.length > 0) {
    lines.push(
      '',
      `warning: the evidence store has ${plural(report.problems.length, 'verification problem')}; the evidence concerned is not in the bundle, and the report shows each problem (06_Coverage.csv, evidence.period-coverage):`,
      ...report.problems.slice(0, 5).map((p) => `  ${p.kind}: ${p.snapshotId}${p.path ? `/${p.path}` : ''}: ${p.message}`),
    );
    if (report.problems.length > 5) lines.push(`  … and ${report.problems.length - 5} more`);
  }
  if (report.alteredSnapshots.length > 0) {
    lines.push(
      `warning: the manifests of ${report.alteredSnapshots.join(', ')} were altered after they were chained; they are left out, so \`proofpack verify\` will report the broken chain in this bundle`,
    );
  }
  if (seconds !== undefined) lines.push('', `done in ${seconds.toFixed(1)} s; check it with: proofpack verify ${report.bundle}`);
  return lines.join('\n') + '\n';
}
