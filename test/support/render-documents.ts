import { createHash } from 'node:crypto';
import type { CellValue, DocumentModel, PaperSize, Section, TableBlock } from '../../src/render/document-model.js';

/** Synthetic documents for the rendering engine's tests and bench/render.ts (deterministic: no clock, no randomness). */

const CONTROLS: Array<[string, string, string, string]> = [
  ['A1.2', 'backup.job-success', 'backup:ListBackupJobs', 'backup.backup-jobs'],
  ['A1.2', 'backup.cross-region-copy', 'backup:ListCopyJobs', 'backup.copy-jobs'],
  ['A1.2', 'backup.vault-immutable', 'backup:DescribeBackupVault', 'backup.vaults'],
  ['CC6.1', 'backup.encrypted', 'backup:ListRecoveryPointsByBackupVault', 'backup.recovery-points'],
  ['A1.2', 'replication.s3', 's3:GetBucketReplication', 's3.buckets'],
  ['CC7.2', 'monitoring.cloudtrail', 'cloudtrail:GetTrailStatus', 'cloudtrail.trails'],
  ['CC7.1', 'monitoring.config-recording', 'config:DescribeConfigurationRecorderStatus', 'config.recorders'],
  ['A1.3', 'dr.test-frequency', 'backup:ListRestoreJobs', 'backup.restore-jobs'],
];
const ACCOUNTS = ['111111111111', '222222222222', '333333333333'];
const REGIONS = ['eu-west-1', 'eu-central-1', 'us-east-1', 'us-west-2'];

export const EVIDENCE_INDEX_COLUMNS: TableBlock['columns'] = [
  { header: 'ID', format: 'mono', width: '6%' },
  { header: 'Criterion', width: '5%' },
  { header: 'Control', width: '9.5%' },
  { header: 'Operation', width: '11%' },
  { header: 'Account', format: 'mono', width: '8%' },
  { header: 'Region', width: '6.5%' },
  { header: 'Window', width: '7%' },
  { header: 'Records', format: 'number', width: '4.5%' },
  { header: 'Collected at', width: '7.5%' },
  { header: 'SHA-256', format: 'mono', width: '19.5%' },
  { header: 'Path', format: 'mono' },
];

/** Row `i` of a synthetic evidence index (the same row every time). */
export function buildEvidenceRow(i: number): CellValue[] {
  const [criterion, control, operation, collector] = CONTROLS[i % CONTROLS.length];
  const account = ACCOUNTS[Math.floor(i / CONTROLS.length) % ACCOUNTS.length];
  const region = REGIONS[Math.floor(i / (CONTROLS.length * ACCOUNTS.length)) % REGIONS.length];
  const day = 1 + (i % 28);
  const month = 1 + (Math.floor(i / 28) % 12);
  const date = `2025-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  return [
    `ev-${String(i + 1).padStart(6, '0')}`,
    criterion,
    control,
    operation,
    account,
    region,
    `${date} – ${date}`,
    (i * 7919) % 5000,
    `${date}T02:00:00Z`,
    createHash('sha256').update(`evidence ${i}`).digest('hex'),
    `evidence/${account}/${region}/${collector}/${date}.json`,
  ];
}

/** An Evidence-Index-like document of `rows` rows (landscape, like the real one will be). */
export function buildEvidenceIndexDocument(rows: number, options: { paperSize?: PaperSize } = {}): DocumentModel {
  const table: TableBlock = {
    kind: 'table',
    caption: 'Evidence items',
    columns: EVIDENCE_INDEX_COLUMNS,
    rows: Array.from({ length: rows }, (_, i) => buildEvidenceRow(i)),
    fullData: { path: '04_Evidence_Index.csv' },
    pdfRowLimit: Math.max(rows, 1),
    generated: true,
  };
  return {
    title: 'Evidence Index',
    organization: 'Larkspur Health, Inc.',
    system: 'Larkspur Clinical Platform',
    period: { start: '2025-01-01', end: '2025-12-31' },
    generatedAt: '2026-01-15T09:30:00Z',
    bundleId: 'pp-20260115T093000Z-4c1d2e',
    paperSize: options.paperSize ?? 'A4',
    orientation: 'landscape',
    sections: [
      {
        id: 'about',
        title: 'About this index',
        level: 1,
        blocks: [
          {
            kind: 'paragraph',
            text: 'Every evidence item collected during the period, with the API operation that produced it, where it came from, and the SHA-256 of the file in the bundle.',
          },
        ],
      },
      { id: 'items', title: 'Evidence items', level: 1, blocks: [table] },
    ],
  };
}

/** A small document using every kind of block, for the HTML snapshot and the layout tests. */
export function buildSampleDocument(paperSize: PaperSize = 'A4'): DocumentModel {
  const svg =
    '<svg xmlns="http://www.w3.org/2000/svg" width="320" height="90" viewBox="0 0 320 90"><rect x="5" y="20" width="120" height="50" rx="6" fill="#e9eef4" stroke="#14263f"/>' +
    '<text x="65" y="50" font-family="Liberation Sans" font-size="13" text-anchor="middle">eu-west-1</text><path d="M125 45 H195" stroke="#14263f" stroke-width="2"/>' +
    '<rect x="195" y="20" width="120" height="50" rx="6" fill="#e9eef4" stroke="#14263f"/><text x="255" y="50" font-family="Liberation Sans" font-size="13" text-anchor="middle">eu-central-1</text></svg>';
  const sections: Section[] = [
    {
      id: 'overview',
      title: 'Overview',
      level: 1,
      blocks: [
        { kind: 'paragraph', text: 'This document shows the layout every proofpack report shares.\nA second line of the same paragraph.' },
        {
          kind: 'keyValues',
          items: [
            { key: 'Accounts in scope', value: 3 },
            { key: 'Regions in scope', value: 'eu-west-1, eu-central-1' },
            { key: 'Overall result', value: { status: 'fail' } },
            { key: 'Waivers', value: null },
          ],
          generated: true,
        },
        { kind: 'callout', tone: 'warning', title: 'Draft', text: 'This is a draft for management to review and own.' },
      ],
    },
    {
      id: 'overview.regions',
      title: 'Regions and pairs',
      level: 2,
      blocks: [{ kind: 'svg', svg, alt: 'Region pair diagram', caption: 'Figure 1: eu-west-1 replicates to eu-central-1.', generated: true }],
    },
    {
      id: 'results',
      title: 'Control results',
      level: 1,
      blocks: [
        {
          kind: 'table',
          caption: 'Results by control',
          columns: [
            { header: 'Control', format: 'mono', width: '28%' },
            { header: 'Criteria', width: '14%' },
            { header: 'Compliant when' },
            { header: 'Status', format: 'status', width: '16%' },
          ],
          rows: [
            ['backup.plan-coverage', 'A1.2', 'every in-scope resource is selected by a backup plan', { status: 'pass' }],
            ['backup.vault-immutable', 'A1.2, C1.2', 'vaults are locked in compliance mode', { status: 'fail' }],
            ['dr.test-frequency', 'A1.3', 'DR tests happen at the required frequency', { status: 'waived' }],
            ['monitoring.alarms', 'CC7.2', 'alarms exist for backup failures', { status: 'error' }],
            ['residency.boundary', 'C1.1', 'tagged data stays in allowed regions', { status: 'not_applicable' }],
          ],
        },
      ],
    },
    { id: 'results.exceptions', title: 'Exceptions', level: 2, blocks: [{ kind: 'table', columns: [{ header: 'Resource' }, { header: 'Message' }], rows: [], emptyText: 'No exceptions.' }] },
    { id: 'results.exceptions.detail', title: 'Exception detail', level: 3, blocks: [{ kind: 'paragraph', text: 'Nothing further.' }] },
    {
      id: 'appendix',
      title: 'Appendix',
      level: 1,
      blocks: [{ kind: 'template', template: 'document/fragments/signature', data: { role: 'Approved by', name: 'Compliance lead' } }],
    },
  ];
  return {
    title: 'Control Results',
    subtitle: 'SOC 2 Type II — Availability and Confidentiality',
    organization: 'Larkspur Health, Inc.',
    system: 'Larkspur Clinical Platform',
    period: { start: '2025-01-01', end: '2025-12-31' },
    generatedAt: '2026-01-15T09:30:00Z',
    bundleId: 'pp-20260115T093000Z-4c1d2e',
    paperSize,
    notice: 'Draft for management review',
    sections,
  };
}
