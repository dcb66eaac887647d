/**
 * 00_README.txt of a report bundle: the bundle engine's README (who, when, contents, signature,
 * how to verify with and without proofpack), then a guide to the report's files, the populations,
 * the results in one paragraph, and any problem the evidence store had.
 */
import { renderBundleReadme, type ReadmeInput } from '../bundle/readme.js';
import type { Evaluation } from '../controls/types.js';
import type { PeriodProblem } from '../period/types.js';

export interface ReportReadmeFacts {
  evaluation: Pick<Evaluation, 'summary' | 'coverage' | 'controls'>;
  populations: ReadonlyArray<{
    name: string;
    rows: number;
    periodRule: string;
  }>;
  evidenceFiles: number;
  snapshots: { count: number; first?: string; last?: string };
  problems: readonly PeriodProblem[];
  /** Snapshots left out of the bundle because their manifest was altered after it was chained. */
  alteredSnapshots: readonly string[];
}

const wrap = (text: string, indent = '', width = 96): string[] => {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && (indent + line + ' ' + word).length > width) {
      lines.push(indent + line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(indent + line);
  return lines;
};

export function renderReportReadme(input: ReadmeInput, facts: ReportReadmeFacts): string {
  const s = facts.evaluation.summary;
  const cov = facts.evaluation.coverage.summary;
  const files: Array<[string, string]> = [
    ['01_System_Description.pdf', 'The system description (AICPA DC 200 sections), a draft for management to own. Facts read from the evidence are marked as generated.'],
    ['02_Diagrams_Index.pdf', 'Every user diagram (file, title, last change, SHA-256) and diagrams generated from the evidence; the diagram files are in 02_Diagrams/.'],
    ['03_Control_Results.pdf', 'Each control: its compliant condition, how it is measured, its status, exceptions and waivers; then the coverage ledger and its gaps.'],
    [
      '03_Control_Results.json',
      'The same results, machine-readable (the shape of `proofpack evaluate --json`), with `evidencePaths` mapping every evidence id to its file in this bundle.',
    ],
    [
      '04_Evidence_Index.pdf/.csv',
      'Every evidence file: id, criteria and controls that use it, API operations, account, region, window, record count, collected at, SHA-256, path in this bundle.',
    ],
    ['05_Exceptions.csv', 'Every exception of every control (failures, deviations, unevaluated resources) with the evidence behind it and any waiver.'],
    [
      '06_Coverage.csv',
      'Every source x account x region of the period: the covered ranges, each gap with its reason, and every verification problem of the evidence store.',
    ],
    [
      'populations/',
      'Complete populations for sampling (below). Each CSV has a header block; its .provenance.json names the API operations, parameters, caller identities, windows and snapshots it came from.',
    ],
    [
      'evidence/<criterion>/<control-id>/<evidence-id>.json',
      `${facts.evidenceFiles} raw evidence envelopes, byte-identical to the evidence store (manifest.json names the snapshot and the SHA-256 it recorded for each). Each file is here once, under the control that rests on it most (one whose exceptions cite it, else one that requires its source); 04_Evidence_Index.csv lists every control that uses each file. Evidence no control reads is under IPE/evidence.period-coverage/: it still counts toward the coverage of the period.`,
    ],
    [
      'snapshots/<snapshot-id>/manifest.json',
      `${facts.snapshots.count} evidence snapshot manifests${facts.snapshots.first ? `, ${facts.snapshots.first} to ${facts.snapshots.last}` : ''}: each names the SHA-256 of the one before it (the hash chain).`,
    ],
    ['oscal/assessment-results.json', 'The results as OSCAL 1.1.2 assessment results (NIST schema), linking every finding to its evidence files and their SHA-256.'],
  ];
  const lines: string[] = [renderBundleReadme(input).trimEnd(), '', 'Guide to the files', '------------------'];
  for (const [name, text] of files) {
    lines.push(name, ...wrap(text, '    '));
  }
  lines.push('', 'Populations', '-----------');
  for (const p of facts.populations) {
    lines.push(`  populations/${p.name}.csv  (${p.rows} row${p.rows === 1 ? '' : 's'})`, ...wrap(`${p.periodRule[0].toUpperCase()}${p.periodRule.slice(1)}.`, '      '));
  }
  lines.push(
    ...wrap(
      'Draw a reproducible sample with `proofpack sample --population NAME --size N --seed SEED --bundle THIS_BUNDLE.zip`, or without proofpack as docs/SAMPLING.md shows (the first column of every population is its unique key).',
      '  ',
    ),
  );
  lines.push('', 'Results', '-------');
  lines.push(
    ...wrap(
      `${facts.evaluation.controls.length} controls: ${s.pass} pass, ${s.fail} fail, ${s.error} could not be evaluated, ${s.waived} waived, ${s.not_applicable} not applicable. Coverage: ${cov.completeCells} of ${cov.cells} source x account x region cells cover every day of the period; ${cov.gapRanges} gap ranges; ${cov.problems} verification problems.`,
      '  ',
    ),
  );
  if (facts.problems.length > 0 || facts.alteredSnapshots.length > 0) {
    lines.push('', 'Evidence store problems', '-----------------------');
    lines.push(
      ...wrap(
        'The evidence store did not fully verify when this report was built. Evidence that failed verification is not in this bundle and was not used by any control; each problem below is an exception of evidence.period-coverage and a row of 06_Coverage.csv.',
        '  ',
      ),
    );
    for (const p of facts.problems.slice(0, 20)) lines.push(...wrap(`- ${p.kind}: snapshot ${p.snapshotId}${p.path ? ` ${p.path}` : ''}: ${p.message}`, '  '));
    if (facts.problems.length > 20) lines.push(`  ... and ${facts.problems.length - 20} more (06_Coverage.csv lists all)`);
    if (facts.alteredSnapshots.length > 0) {
      lines.push(
        ...wrap(
          `The manifests of ${facts.alteredSnapshots.join(', ')} were altered after the next snapshot chained them, so they are not in snapshots/: \`proofpack verify\` reports the hole in the chain (snapshots.chain) where the store's chain is broken.`,
          '  ',
        ),
      );
    }
  }
  return lines.join('\n') + '\n';
}
